/**
 * The clinical safety case over real HTTP: administrators read the report and the hazard log,
 * every hazard in the log shown by title; clinicians are refused and signed-out browsers sent to
 * sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HazardLog } from "../../scripts/clinical-safety/hazard-log.ts";
import { readHazardLog } from "../../scripts/clinical-safety/hazard-log.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const log = readHazardLog() as HazardLog;

/** Text as the page writes it (Markdown's HTML escapes quotes and apostrophes). */
function asHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll('"', "&quot;");
}

describe("the clinical safety case pages", () => {
  let stack: Stack;
  let admin: HttpAgent;
  beforeAll(async () => {
    stack = await startStack();
    admin = new HttpAgent();
    await signIn(admin, stack.baseUrl, { user: USERS.admin });
  });
  afterAll(async () => stack.close());

  it("shows administrators the safety case report, listing every hazard by title", async () => {
    const page = await admin.get(`${stack.baseUrl}/help/clinical-safety`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Clinical safety case report: NCRS Connect");
    expect(page.body).toContain('<table class="nhsuk-table">');
    for (const hazard of log.hazards) expect(page.body).toContain(asHtml(hazard.title));
    expect(page.body).toContain('href="/help/clinical-safety/hazard-log#h-001"');
  });

  it("shows administrators the hazard log, each hazard with its controls and evidence", async () => {
    const page = await admin.get(`${stack.baseUrl}/help/clinical-safety/hazard-log`);
    expect(page.status).toBe(200);
    for (const hazard of log.hazards) {
      expect(page.body).toContain(
        `<a id="${hazard.id.toLowerCase()}"></a>${hazard.id}: ${asHtml(hazard.title)}`,
      );
    }
    expect(page.body).toContain("test/launch/launch.http.test.ts");
    expect(page.body).toContain('<a href="/help/clinical-safety">clinical safety case</a>');
    expect(page.body).not.toMatch(/href="[^"]*\.md[#"]/);
  });

  it("refuses clinicians with 403, and sends a signed-out browser to sign in", async () => {
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    for (const path of ["/help/clinical-safety", "/help/clinical-safety/hazard-log"]) {
      const refused = await clinician.get(`${stack.baseUrl}${path}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain("session.forbidden");
      expect(refused.body).not.toContain(asHtml(log.hazards[0]?.title ?? "?"));
    }
    const anonymous = await new HttpAgent().get(`${stack.baseUrl}/help/clinical-safety`);
    expect(anonymous.status).toBe(303);
  });
});
