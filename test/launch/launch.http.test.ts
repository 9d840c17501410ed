/**
 * The audited launch over real HTTP, on both dialects: the redirect to NCRS with exactly the
 * verified number, every refusal with its outcome code, replays and duplicates, and the API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { launchFormIn, pressLaunch, verifiedPatientPage } from "../support/launch.ts";
import { metricValue } from "../support/metrics.ts";
import { contextIdOf, selectPatient } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe.each(["sqlite", "postgres"] as const)("Open in NCRS on %s", (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect, env: { LAUNCH_DUPLICATE_WINDOW_SECONDS: "2" } });
  });
  afterAll(async () => stack.close());

  async function clinician(): Promise<HttpAgent> {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    return agent;
  }

  function outcomeCodeIn(body: string): string | undefined {
    return body.match(/data-testid="error-code">([^<]+)</)?.[1];
  }

  function launchedMetric(outcome: string): Promise<number> {
    return metricValue(stack.baseUrl, "ncrs_launches_total", { outcome });
  }

  /** A clinician with Oscar Hartley's page open, verified, in the tab `tab`. */
  async function hartleyOn(tab: string) {
    const agent = await clinician();
    return {
      agent,
      page: await verifiedPatientPage(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101", tab),
    };
  }

  it("redirects to NCRS with exactly the verified NHS number, sending no referrer", async () => {
    const agent = await clinician();
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
    const form = launchFormIn(page);
    expect(form?.target).toMatch(/^[A-Za-z0-9_-]+$/);
    const before = await launchedMetric("launched");
    const response = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect(response.status).toBe(302);
    expect(response.location).toBe(stack.ncrs.launchTemplate.replace("{nhsNumber}", "9991000054"));
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await launchedMetric("launched")).toBe(before + 1);
  });

  it("shows the same unused launch id when the page is shown again, and a new one once it is used", async () => {
    const agent = await clinician();
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0038", "RX1-000103");
    const first = launchFormIn(page);
    const again = launchFormIn(await agent.get(page.url));
    expect(again?.launchId).toBe(first?.launchId);
    expect(again?.ref).toBe(first?.ref);
    expect((await pressLaunch(agent, stack.baseUrl, first?.launchId ?? "")).status).toBe(302);
    const after = launchFormIn(await agent.get(page.url));
    expect(after?.launchId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(after?.launchId).not.toBe(first?.launchId);
  });

  it("never puts the NHS number in our own URLs", async () => {
    const agent = await clinician();
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0046", "RX1-000102");
    const ours = [
      page.url,
      ...[...page.body.matchAll(/(?:href|action)="([^"]+)"/g)].map((m) => m[1] as string),
    ];
    for (const url of ours) expect(url).not.toMatch(/9991000046|999%20100%200046|999 100 0046/);
  });

  it("answers a repeated press of the same launch id (a double click) with the same redirect and one launch", async () => {
    const agent = await clinician();
    const form = launchFormIn(await verifiedPatientPage(agent, stack.baseUrl, "Iqbal", "RX1-000103"));
    const before = await launchedMetric("launched");
    const [a, b] = await Promise.all([
      pressLaunch(agent, stack.baseUrl, form?.launchId ?? ""),
      pressLaunch(agent, stack.baseUrl, form?.launchId ?? ""),
    ]);
    expect([a.status, b.status]).toEqual([302, 302]);
    expect(a.location).toBe(b.location);
    expect(await launchedMetric("launched")).toBe(before + 1);
    const records = await stack.built.database.db
      .selectFrom("audit_records")
      .select("event_type")
      .where("details", "like", `%${form?.ref ?? "-"}%`)
      .execute();
    expect(records.map((r) => r.event_type)).toEqual(["launch.redirected"]);
  });

  it("another user's attempt changes your launch: a press of your launch id by anyone else leaves your launch and its double click as they were", async () => {
    const agent = await clinician();
    const form = launchFormIn(await verifiedPatientPage(agent, stack.baseUrl, "Whitfield", "RX1-000107"));
    const stranger = await pressLaunch(new HttpAgent(), stack.baseUrl, form?.launchId ?? "");
    expect(outcomeCodeIn(stranger.body)).toBe("launch.no_session");
    const other = new HttpAgent();
    await signIn(other, stack.baseUrl, { user: USERS.multiRole, role: "555000000202" });
    const colleague = await pressLaunch(other, stack.baseUrl, form?.launchId ?? "");
    expect(outcomeCodeIn(colleague.body)).toBe("launch.no_session");
    // The colleague's refusal is recorded as the colleague's, never as the owner's.
    const refusals = await stack.built.database.db
      .selectFrom("audit_records")
      .select(["user_id", "outcome"])
      .where("event_type", "=", "launch.blocked")
      .where("details", "like", `%${form?.ref}%`)
      .execute();
    expect(refusals).toContainEqual({ user_id: USERS.multiRole, outcome: "blocked.no_session" });
    const first = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect(first.status).toBe(302);
    const doubleClick = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect([doubleClick.status, doubleClick.location]).toEqual([302, first.location]);
  });

  it("audit records for support: sign-in and launch records name the client address and the browser", async () => {
    const chrome =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const agent = new HttpAgent({ "user-agent": chrome });
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const form = launchFormIn(await verifiedPatientPage(agent, stack.baseUrl, "Smith", "RX1-000108"));
    const launched = await agent.postForm(
      `${stack.baseUrl}/launch`,
      { launch_id: form?.launchId ?? "" },
      { "x-correlation-id": "epr-click-42" },
    );
    expect(launched.status).toBe(302);
    const rows = await stack.built.database.db
      .selectFrom("audit_records")
      .select(["event_type", "details", "session_id"])
      .where("event_type", "in", ["session.started", "launch.redirected"])
      .orderBy("seq")
      .execute();
    const launchRows = rows.filter((r) => r.details?.includes(form?.ref ?? "-"));
    const sessionId = launchRows[0]?.session_id;
    const signedIn = rows.filter((r) => r.event_type === "session.started" && r.session_id === sessionId);
    // The launch is one record: its attempt, every check it passed, and its outcome.
    expect([...signedIn, ...launchRows].map((r) => r.event_type)).toEqual([
      "session.started",
      "launch.redirected",
    ]);
    expect(JSON.parse(launchRows.at(-1)?.details ?? "{}").checks).toBe(
      "launch_id,session_live,role_allowed,patient_context_current,nhs_number_verified,not_duplicate,deep_link",
    );
    for (const row of [...signedIn, ...launchRows])
      expect(JSON.parse(row.details ?? "{}")).toMatchObject({
        clientAddress: "127.0.0.1",
        userAgent: "Chrome 131 on Windows 10",
      });
    expect(JSON.parse(launchRows.at(-1)?.details ?? "{}")).toMatchObject({
      callerCorrelationId: "epr-click-42",
    });
  });

  it("refuses a spent launch id once the duplicate window has passed", async () => {
    const agent = await clinician();
    const form = launchFormIn(await verifiedPatientPage(agent, stack.baseUrl, "O'Neill", "RX1-000102"));
    await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const again = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect(again.status).toBe(404);
    expect(outcomeCodeIn(again.body)).toBe("launch.unknown_launch");
  });

  it("refuses a second launch for the same patient within the duplicate window", async () => {
    const agent = await clinician();
    const page = await verifiedPatientPage(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    await pressLaunch(agent, stack.baseUrl, launchFormIn(page)?.launchId ?? "");
    const second = launchFormIn(await agent.get(page.url));
    const response = await pressLaunch(agent, stack.baseUrl, second?.launchId ?? "");
    expect(response.status).toBe(409);
    expect(outcomeCodeIn(response.body)).toBe("launch.duplicate");
  });

  it("refuses a launch id that was never issued, without redirecting", async () => {
    const agent = await clinician();
    const response = await pressLaunch(agent, stack.baseUrl, "A".repeat(24));
    expect([response.status, response.location]).toEqual([404, null]);
    expect(outcomeCodeIn(response.body)).toBe("launch.unknown_launch");
  });

  it("refuses after the session ended, and offers to sign in and come back to this patient", async () => {
    const agent = await clinician();
    const page = await verifiedPatientPage(agent, stack.baseUrl, "Whitfield", "RX1-000107");
    const form = launchFormIn(page);
    await agent.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(page.body) });
    const response = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect(response.status).toBe(401);
    expect(outcomeCodeIn(response.body)).toBe("launch.no_session");
    const login = response.body
      .match(/href="(\/auth\/login\?return_to=[^"]+)"/)?.[1]
      ?.replaceAll("&amp;", "&");
    expect(login).toMatch(/return_to=%2Fpatients%2F[0-9a-f-]{36}%2Fresume/);
    const resumed = await signIn(agent, stack.baseUrl, { user: USERS.singleRole, start: login ?? "" });
    expect(resumed.body).toContain("WHITFIELD, Margaret Ellen (Mrs)");
    expect(resumed.body).toContain('data-testid="resume-patient"');
  });

  it("refuses a launch from a page whose tab has since selected another patient", async () => {
    const agent = await clinician();
    const page = await verifiedPatientPage(agent, stack.baseUrl, "Garton", "RX1-000109");
    const form = launchFormIn(page);
    if (!form) {
      expect(page.body).toContain("Details did not match");
      return;
    }
    await selectPatient(agent, stack.baseUrl, "O'Neill", "RX1-000102");
    const response = await pressLaunch(agent, stack.baseUrl, form.launchId);
    expect(outcomeCodeIn(response.body)).toBe("launch.stale_context");
  });

  it("shows a disabled button with the reason for an unverified patient, and refuses its forged launch", async () => {
    const agent = await clinician();
    const page = await selectPatient(agent, stack.baseUrl, "Nolan", "RX1-000114");
    expect(launchFormIn(page)).toBeNull();
    expect(page.body).toContain('data-testid="launch-reason"');
    expect(page.body).toContain("Verify the NHS number with PDS before opening NCRS.");
    const issued = await agent.get(`${stack.baseUrl}/patient-context/${contextIdOf(page)}/launch-id`, {
      accept: "application/json",
    });
    expect(issued.status).toBe(409);
    expect(JSON.parse(issued.body)).toMatchObject({ error: { code: "launch.unverified" } });
  });

  it("gives API clients the launch URL with the same checks, and documents the API", async () => {
    const { agent, page } = await hartleyOn("apitab00000000000001");
    const token = csrfTokenIn(page.body);
    const call = (body: unknown, headers: Record<string, string> = { "x-csrf-token": token }) =>
      agent.request(`${stack.baseUrl}/api/v1/launches`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify(body),
      });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const ok = await call({ patientContextId: contextIdOf(page), encounterId: "enc-1" });
    expect(ok.status).toBe(201);
    expect(JSON.parse(ok.body)).toMatchObject({
      launchUrl: expect.stringContaining("9991000054"),
      launchRef: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect((await call({ patientContextId: contextIdOf(page) }, {})).status).toBe(403);
    expect((await call({ nonsense: true })).status).toBe(400);
    const unverified = await selectPatient(
      agent,
      stack.baseUrl,
      "Nolan",
      "RX1-000114",
      "apitab00000000000002",
    );
    const refused = await call({ patientContextId: contextIdOf(unverified) });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "launch.unverified" } });
    const doc = JSON.parse(
      (await agent.get(`${stack.baseUrl}/api/v1/openapi.json`, { accept: "application/json" })).body,
    );
    expect(doc.paths["/api/v1/launches"].post.operationId).toBe("createLaunch");
  });

  it("tells the page whether its launch has reached us, for this session only", async () => {
    const { agent, page } = await hartleyOn("presentedtab00000001");
    const form = launchFormIn(page);
    const presented = async (who: HttpAgent) => {
      const response = await who.get(`${stack.baseUrl}/launch/${form?.ref}/presented`, {
        accept: "application/json",
      });
      return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
    };
    expect(await presented(agent)).toEqual({ status: 200, body: { presented: false } });
    expect((await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "")).status).toBe(302);
    expect(await presented(agent)).toEqual({ status: 200, body: { presented: true } });
    const other = await presented(await clinician());
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ error: { code: "launch.unknown_launch" } });
    expect((await presented(new HttpAgent())).status).toBe(401);
  });

  it("records the browser's report of the new tab", async () => {
    const { agent, page } = await hartleyOn("beacontab00000000001");
    const form = launchFormIn(page);
    const report = (outcome: string) =>
      agent.request(`${stack.baseUrl}/launch/${form?.ref}/browser-outcome`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrfTokenIn(page.body) },
        body: JSON.stringify({ outcome }),
      });
    expect((await report("popup_blocked")).status).toBe(204);
    expect(
      await metricValue(stack.baseUrl, "ncrs_launch_browser_outcomes_total", { outcome: "popup_blocked" }),
    ).toBeGreaterThan(0);
    expect((await report("nonsense")).status).toBe(404);
  });
});
