/**
 * The launch overview over real HTTP, on both dialects: launches that opened and were refused are
 * counted from the audit trail by outcome and organisation, each count leads to its records, and
 * only administrators may see it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { launchFormIn, pressLaunch, verifiedPatientPage } from "../support/launch.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe.each(["sqlite", "postgres"] as const)("the launch overview on %s", (dialect) => {
  let stack: Stack;
  let admin: HttpAgent;
  beforeAll(async () => {
    stack = await startStack({ dialect });
    admin = new HttpAgent();
    await signIn(admin, stack.baseUrl, { user: USERS.admin });
  });
  afterAll(async () => stack.close());

  const testId = (body: string, id: string) =>
    body
      .match(new RegExp(`data-testid="${id}">([^<]*(?:<a [^>]*>[^<]*</a>)?)`))?.[1]
      ?.replace(/<[^>]+>/g, "");

  async function overview(query = ""): Promise<string> {
    const page = await admin.get(`${stack.baseUrl}/admin/launches${query}`);
    expect(page.status).toBe(200);
    return page.body;
  }

  it("says plainly when there were no launches", async () => {
    const body = await overview();
    expect(testId(body, "launched")).toBe("0");
    expect(testId(body, "refused-share")).toBe("No launches");
    expect(body).toContain('data-testid="no-refusals"');
  });

  it("counts launches opened and refused, by reason and organisation, each leading to its records", async () => {
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    const page = await verifiedPatientPage(clinician, stack.baseUrl, "999 100 0054", "RX1-000101");
    const form = launchFormIn(page);
    expect((await pressLaunch(clinician, stack.baseUrl, form?.launchId ?? "")).status).toBe(302);
    // What the page's script reports once the NCRS tab is seen to open.
    const reported = await clinician.request(`${stack.baseUrl}/launch/${form?.ref}/browser-outcome`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfTokenIn(page.body) },
      body: JSON.stringify({ outcome: "opened" }),
    });
    expect(reported.status).toBe(204);
    // The same clinician's colleague, working for the second organisation, presses a stale button.
    const elsewhere = new HttpAgent();
    await signIn(elsewhere, stack.baseUrl, { user: USERS.multiRole, role: "555000000202" });
    expect((await pressLaunch(elsewhere, stack.baseUrl, "CCCCCCCCCCCCCCCCCCCCCCCC")).status).not.toBe(302);
    for (const forged of ["AAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBB"])
      expect((await pressLaunch(clinician, stack.baseUrl, forged)).status).not.toBe(302);

    const body = await overview("?period=1h");
    expect(testId(body, "launched")).toBe("1");
    expect(testId(body, "refused")).toBe("3");
    expect(testId(body, "refused-share")).toBe("75.0%");
    expect(testId(body, "browser-opened")).toBe("1");
    expect(testId(body, "popup-blocked")).toBe("0");
    const reasons = [...body.matchAll(/data-testid="reason">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? "");
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("<code>blocked.unknown_launch</code>");
    const link = (reasons[0]?.match(/href="([^"]+)"/)?.[1] ?? "").replaceAll("&amp;", "&");
    expect(new URL(link, stack.baseUrl).searchParams.get("outcome")).toBe("blocked.unknown_launch");
    expect(reasons[0]).toMatch(/>3<\/a>/);
    const organisations = [...body.matchAll(/data-testid="organisation">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    // Busiest first: Y90001 opened one and had two refused; Y90002 had one refused.
    expect(organisations).toHaveLength(2);
    expect(organisations[0]).toMatch(/Y90001[\s\S]*>1<\/a>[\s\S]*>2<\/a>/);
    expect(organisations[1]).toMatch(/Y90002[\s\S]*>0<[\s\S]*>1<\/a>/);

    const records = await admin.get(new URL(link, stack.baseUrl).href);
    expect(records.status).toBe(200);
    const outcomes = [...records.body.matchAll(/data-testid="audit-outcome">([^<]+)</g)].map((m) => m[1]);
    expect(outcomes).toEqual(["blocked.unknown_launch", "blocked.unknown_launch", "blocked.unknown_launch"]);
  });

  it("is for administrators only, and refuses a period it does not offer", async () => {
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    expect((await clinician.get(`${stack.baseUrl}/admin/launches`)).status).toBe(403);
    expect((await admin.get(`${stack.baseUrl}/admin/launches?period=1y`)).status).toBe(400);
    expect(testId(await overview("?period=7d"), "launched")).toBe("1");
  });

  it("honest launch feedback: says which launches NCRS answered, which it had not answered within the wait, and which have no browser report", async () => {
    const counts = async () => {
      const body = await overview("?period=1h");
      return Object.fromEntries(
        [
          "launched",
          "browser-ncrs-answered",
          "browser-ncrs-not-answered",
          "browser-opened",
          "browser-no-report",
        ].map((id) => [id, Number(testId(body, id)?.replace(/<[^>]+>/g, ""))]),
      );
    };
    const before = await counts();
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    const launch = async (query: string, context: string, outcome: string | null) => {
      const page = await verifiedPatientPage(clinician, stack.baseUrl, query, context);
      const form = launchFormIn(page);
      expect((await pressLaunch(clinician, stack.baseUrl, form?.launchId ?? "")).status).toBe(302);
      if (outcome === null) return;
      const reported = await clinician.request(`${stack.baseUrl}/launch/${form?.ref}/browser-outcome`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrfTokenIn(page.body) },
        body: JSON.stringify({ outcome }),
      });
      expect(reported.status).toBe(204);
    };
    await launch("999 100 0046", "RX1-000102", "ncrs_answered");
    await launch("999 100 0038", "RX1-000103", "ncrs_not_answered");
    await launch("999 100 0054", "RX1-000101", null);
    const after = await counts();
    expect(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]))).toEqual({
      launched: 3,
      "browser-ncrs-answered": 1,
      "browser-ncrs-not-answered": 1,
      "browser-opened": 0,
      "browser-no-report": 1,
    });
    const body = await overview("?period=1h");
    expect(body).toContain("what NCRS showed is not known here");
    const link = (
      body.match(/data-testid="browser-ncrs-not-answered"><a [^>]*href="([^"]+)"/)?.[1] ?? ""
    ).replaceAll("&amp;", "&");
    const records = await admin.get(new URL(link, stack.baseUrl).href);
    const outcomes = [...records.body.matchAll(/data-testid="audit-outcome">([^<]+)</g)].map((m) => m[1]);
    expect(outcomes).toEqual(["browser.ncrs_not_answered"]);
  });
});
