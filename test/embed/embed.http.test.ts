/**
 * The embeddable "Open in NCRS" button over real HTTP on both databases: the module is served
 * immutable and loadable by another site, with the manifest's integrity hash of the bytes served; the
 * button's post (cross-site, so without our session cookie) only redirects to a short-lived reference
 * on our origin; that reference launches, audited as the embedded button's, only in the session the
 * context token was given for; a patient still to be confirmed goes to our patient page; another
 * user's session, a stale button, a bad token and no session each get their own answer.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor, makeApiClient } from "../support/api-client.ts";
import { dialects } from "../support/databases.ts";
import { hartley, MRN_SYSTEM, NHS_NUMBER_SYSTEM as NHS } from "../support/fhir-patients.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const CLIENT = makeApiClient();

/** Penelope O'Neill as PDS holds her. */
const oneill = (mrn: string) => ({
  resourceType: "Patient",
  identifier: [
    { system: NHS, value: "9991000046" },
    { system: MRN_SYSTEM, value: mrn },
  ],
});

interface Handed {
  contextId: string;
  contextToken: string;
  mustConfirm: boolean;
}

describe.each(dialects)("the embeddable Open in NCRS button (%s)", (dialect) => {
  let stack: Stack;
  let agent: HttpAgent;
  let bearer: string;
  let window = 0;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      env: { API_CLIENTS: JSON.stringify([CLIENT.entry]), LAUNCH_DUPLICATE_WINDOW_SECONDS: "0" },
    });
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    bearer = await bearerFor(agent, stack.baseUrl, CLIENT);
  });
  afterAll(async () => stack?.close());

  const handOver = async (patient: unknown, windowId = `embed-window-${++window}`): Promise<Handed> => {
    const response = await fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ patient, windowId }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Handed;
  };
  /** The button's post, as a host page on another site makes it: no cookie of ours goes with it. */
  const press = (token: string) =>
    fetch(`${stack.baseUrl}/embed/v1/launch`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: new URLSearchParams({ context_token: token }),
      redirect: "manual",
    });
  /** The press, then the top-level GET of where it leads, in `browser`'s session. */
  const pressIn = async (browser: HttpAgent, token: string) => {
    const pressed = await press(token);
    expect(pressed.status).toBe(303);
    return browser.get(new URL(pressed.headers.get("location") ?? "", stack.baseUrl).href);
  };
  const launchRecords = (eventType: string) =>
    stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "source", "user_id", "details"])
      .where("event_type", "=", eventType)
      .orderBy("seq", "desc")
      .execute();

  it("serves the module immutable and loadable from another site, and the manifest's integrity is the hash of the bytes served", async () => {
    const manifest = await fetch(`${stack.baseUrl}/embed/v1/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("access-control-allow-origin")).toBe("*");
    const entry = ((await manifest.json()) as Record<string, { url: string; integrity: string }>)[
      "ncrs-open-button.js"
    ];
    expect(entry?.url).toBe("/embed/v1/ncrs-open-button.js");
    const module = await fetch(`${stack.baseUrl}${entry?.url}`, {
      headers: { origin: "https://epr.example" },
    });
    expect(module.status).toBe(200);
    expect(module.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(module.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(module.headers.get("access-control-allow-origin")).toBe("*");
    expect(module.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const bytes = Buffer.from(await module.arrayBuffer());
    expect(entry?.integrity).toBe(`sha384-${createHash("sha384").update(bytes).digest("base64")}`);
    // This deployment's NCRS tab is the one our own button uses; nothing in the module runs code from strings.
    const source = bytes.toString("utf8");
    expect(source).toContain('const SETTINGS = {"windowName":"ncrs","reuseTab":true};');
    expect(source).not.toMatch(/\beval\(|new Function|innerHTML|\bon[a-z]+=/);
  });

  it("a context token that is altered, or missing, gets a clear page and no redirect, logged with its reference", async () => {
    const { contextToken } = await handOver(hartley("EMB-1001"));
    const altered = `${contextToken.slice(0, -2)}${contextToken.endsWith("AA") ? "BB" : "AA"}`;
    for (const token of [altered, "", "not a token"]) {
      const response = await press(token);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      const page = await response.text();
      expect(page).toContain("NCRS was not opened: this button is not valid");
      const reference = response.headers.get("x-correlation-id");
      expect(page).toContain(reference);
      await expect
        .poll(() =>
          stack.logs.some((l) => l["correlationId"] === reference && l["code"] === "embed.token_invalid"),
        )
        .toBe(true);
    }
  });

  it("a good token is sent on to a short-lived reference on our origin, with no NHS number in the address", async () => {
    const { contextToken } = await handOver(hartley("EMB-1002"));
    const response = await press(contextToken);
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location).toMatch(/^\/embed\/v1\/open\?t=[A-Za-z0-9_-]{40,}$/);
    expect(location).not.toContain(contextToken);
    expect(location.replace(/\D/g, "")).not.toContain("9991000054");
    // The reference is useless once altered.
    const altered = await agent.get(`${stack.baseUrl}${location.slice(0, -3)}AAA`);
    expect(altered.status).toBe(404);
    expect(altered.body).toContain("the link has expired");
  });

  it("in the token's session, a verified patient goes on to NCRS, audited as a launch from the embedded button", async () => {
    const { contextToken, mustConfirm } = await handOver(hartley("EMB-1003"));
    expect(mustConfirm).toBe(false);
    const opened = await pressIn(agent, contextToken);
    expect(opened.status).toBe(303);
    expect(opened.location).toMatch(new RegExp(`^${stack.ncrs.origin}/`));
    expect(opened.location).toContain("9991000054");
    expect(opened.headers.get("referrer-policy")).toBe("no-referrer");
    const [redirected] = await launchRecords("launch.redirected");
    expect(redirected).toMatchObject({ outcome: "launched", source: "embed", user_id: USERS.singleRole });
  });

  it("a patient still to be confirmed goes to our patient page, to be checked there first", async () => {
    const handed = await handOver(hartley("EMB-1004", { birthDate: "1984-03-15" }));
    expect(handed.mustConfirm).toBe(true);
    const before = (await launchRecords("launch.redirected")).length;
    const opened = await pressIn(agent, handed.contextToken);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`${stack.baseUrl}/patient-context/${handed.contextId}`);
    expect((await launchRecords("launch.redirected")).length).toBe(before);
  });

  it("shared workstation: another user's session is refused, this button belongs to another sign-in, and audited", async () => {
    const { contextToken } = await handOver(hartley("EMB-1005"));
    const colleague = new HttpAgent();
    await signIn(colleague, stack.baseUrl, { user: USERS.admin });
    const before = (await launchRecords("launch.redirected")).length;
    const opened = await pressIn(colleague, contextToken);
    expect(opened.status).toBe(403);
    expect(opened.location).toBeNull();
    expect(opened.body).toContain("This button belongs to another sign-in");
    expect(opened.body).not.toContain("HARTLEY");
    expect((await launchRecords("launch.redirected")).length).toBe(before);
    const [blocked] = await launchRecords("launch.blocked");
    expect(blocked).toMatchObject({ outcome: "blocked.stale_context", user_id: USERS.admin });
    const reference = opened.headers.get("x-correlation-id");
    expect(
      stack.logs.some((l) => l["correlationId"] === reference && l["code"] === "embed.other_session"),
    ).toBe(true);
  });

  it("without a session, signing in comes first and comes back to the button's link", async () => {
    const { contextToken, contextId } = await handOver(hartley("EMB-1006"));
    const stranger = new HttpAgent();
    const opened = await pressIn(stranger, contextToken);
    expect(opened.status).toBe(303);
    const login = new URL(opened.location ?? "");
    expect(login.pathname).toBe("/auth/login");
    const back = login.searchParams.get("return_to") ?? "";
    expect(back).toMatch(/^\/embed\/v1\/open\?t=/);
    // The same user signing in again comes back to the patient through our confirmation step,
    // never straight to NCRS (the button was given to their earlier sign-in).
    const page = await signIn(stranger, stack.baseUrl, {
      user: USERS.singleRole,
      start: `${login.pathname}${login.search}`,
    });
    expect(page.url).toContain("/resume");
    expect(page.url).not.toContain(contextId);
  });

  it("stale button: a newer hand-over in the same window supersedes the button's patient, and the patient page says so", async () => {
    const older = await handOver(hartley("EMB-1007"), "embed-ward-bed-3");
    await handOver(oneill("EMB-2001"), "embed-ward-bed-3");
    const before = (await launchRecords("launch.redirected")).length;
    const opened = await pressIn(agent, older.contextToken);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`${stack.baseUrl}/patient-context/${older.contextId}`);
    const page = await agent.get(opened.location ?? "");
    expect(page.body).toContain("You have selected another patient in this tab");
    expect((await launchRecords("launch.redirected")).length).toBe(before);
    const [blocked] = await launchRecords("launch.blocked");
    expect(blocked).toMatchObject({ outcome: "blocked.stale_context", user_id: USERS.singleRole });
  });
});
