/**
 * Live notifications over HTTP (server-sent events), signed in through the CIS2 simulator, with
 * events delivered by the MNS simulator and processed by the running worker: a page hears only of
 * its own patient, only of changes that matter, only while its session and patient selection
 * last, and only if its role is notified. The URL names the patient context, never an NHS number.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/identity/identity.types.ts";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import { dialects } from "../support/databases.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type EventsWeb, startEventsWeb } from "./support/events-web.ts";
import { openEventStream } from "./support/sse-reader.ts";

/** Ids may hold ten digits in a row by chance (…-5e2229792488); an NHS number never hides in one. */
const withoutUuids = (text: string) =>
  text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>");

describe.each(dialects)("live patient notifications (%s)", (dialect) => {
  let web: EventsWeb;

  /** Signs a browser in and selects the patient in a tab; returns what its page would use. */
  async function openPatient(nhs: string, user: string = USERS.singleRole, role?: string) {
    const agent = new HttpAgent();
    const home = await signIn(agent, web.baseUrl, { user, ...(role ? { role } : {}) });
    expect(home.status).toBe(200);
    const cookie = `ncrs_session=${agent.cookie("localhost", "ncrs_session")}`;
    const resolved = await web.identity.sessions.resolve(agent.cookie("localhost", "ncrs_session"), "test");
    const session = (resolved as { session: Session }).session;
    const patient = await web.patients.findByAnyNhsNumber(nhsNumber(nhs));
    const tab = `tab${Math.random().toString(36).slice(2)}xxxxxxxxxxxxxxxx`.slice(0, 24);
    const contextId = await web.contexts.select(session, patient?.id ?? "", tab, "test");
    return {
      agent,
      cookie,
      session,
      contextId,
      tab,
      home,
      url: `${web.baseUrl}/patient-context/${contextId}/notifications`,
    };
  }

  beforeAll(async () => {
    web = await startEventsWeb(dialect);
  });
  afterAll(() => web.close());

  it("tells an open page when its patient dies, and nothing about a change of GP", async () => {
    const page = await openPatient("9991000038");
    const stream = await openEventStream(page.url, page.cookie);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.headers.get("content-security-policy")).toContain("default-src 'self'");
    await web.mnsControl("publish", { type: "pds-change-of-gp-2", nhsNumber: "9991000038" });
    await web.mnsControl("publish", { type: "pds-death-notification-2", nhsNumber: "9991000038" });
    // Events arrive in order, so the first one proves the change of GP said nothing.
    const first = await stream.next();
    expect(first.event).toBe("patient-change");
    expect(JSON.parse(first.data)).toMatchObject({
      kind: "deceased",
      title: "PDS now records this patient as deceased",
    });
    expect(withoutUuids(first.data)).not.toMatch(/\d{10}|\d{3} \d{3} \d{4}/);
    stream.close();
  });

  it("tells only the pages that have that patient open", async () => {
    const a = await openPatient("9991000046");
    const b = await openPatient("9693632109");
    const streamA = await openEventStream(a.url, a.cookie);
    const streamB = await openEventStream(b.url, b.cookie);
    await web.mnsControl("publish", { type: "pds-death-notification-2", nhsNumber: "9991000046" });
    expect(JSON.parse((await streamA.next()).data)).toMatchObject({ kind: "deceased" });
    await web.mnsControl("publish", { type: "nhs-number-change-2", nhsNumber: "9693632109" });
    expect(JSON.parse((await streamB.next()).data)).toMatchObject({ kind: "nhs_number_invalidated" });
    streamA.close();
    streamB.close();
  });

  it("belongs to the session and the patient selection it was opened for", async () => {
    const mine = await openPatient("9000000009");
    const other = await openPatient("9000000009");
    const foreign = await fetch(mine.url, { headers: { cookie: other.cookie, accept: "text/event-stream" } });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: "patient.context_unknown" } });
    const anonymous = await fetch(mine.url, { headers: { accept: "text/event-stream" } });
    expect(anonymous.status).toBe(401);
    // Another patient selected in the same tab: the old page's stream is refused for good.
    const patient = await web.patients.findByAnyNhsNumber(nhsNumber("9000000033"));
    await web.contexts.select(mine.session, patient?.id ?? "", mine.tab, "test");
    expect((await fetch(mine.url, { headers: { cookie: mine.cookie } })).status).toBe(204);
  });

  it("ends when the session ends", async () => {
    const page = await openPatient("9991000062");
    const stream = await openEventStream(page.url, page.cookie);
    const logout = await page.agent.postForm(`${web.baseUrl}/auth/logout`, {
      _csrf: csrfTokenIn(page.home.body),
    });
    expect(logout.status).toBe(303);
    expect((await stream.next()).event).toBe("end");
  });

  it("ends open streams when the server shuts down, so shutdown does not wait for them", async () => {
    const page = await openPatient("9991000054");
    const stream = await openEventStream(page.url, page.cookie);
    const closing = web.close();
    expect((await stream.next()).event).toBe("end");
    await closing;
    web = await startEventsWeb(dialect);
  });

  it("sends nothing to roles that are not notified", async () => {
    await web.close();
    web = await startEventsWeb(dialect, { notifyActivityCodes: ["B0360"] });
    const notified = await openPatient("9991000054");
    expect((await fetch(notified.url, { headers: { cookie: notified.cookie } })).status).toBe(200);
    const other = await openPatient("9991000054", USERS.multiRole, "555000000202");
    expect(other.session.role?.activityCodes).toEqual(["B0264"]);
    expect((await fetch(other.url, { headers: { cookie: other.cookie } })).status).toBe(204);
  });

  it("is addressed by the patient context, never by NHS number", async () => {
    const page = await openPatient("9991000054");
    const html = await page.agent.get(`${web.baseUrl}/patient-context/${page.contextId}`);
    const url = html.body.match(/data-url="([^"]+)"/)?.[1];
    expect(url).toBe(`/patient-context/${page.contextId}/notifications`);
    expect(withoutUuids(url ?? "")).not.toMatch(/\d{10}|\d{3} \d{3} \d{4}/);
  });
});
