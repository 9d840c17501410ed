/**
 * Finding, selecting and verifying patients over real HTTP against the PDS simulator, on both
 * database dialects: every PDS outcome, the user's decisions, and the safety facts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import {
  bannerFlags,
  bannerVerification,
  checkWithPds,
  decide,
  searchPatients,
  selectPatient,
} from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe.each(["sqlite", "postgres"] as const)("verification against PDS on %s", (dialect) => {
  let stack: Stack;
  let agent: HttpAgent;

  beforeAll(async () => {
    stack = await startStack({ dialect });
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
  });
  afterAll(async () => stack.close());

  async function metric(name: string, labels = ""): Promise<number> {
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith("#"));
    return line ? Number(line.split(" ").at(-1)) : 0;
  }

  it("verifies a patient whose details match, recording who, when and which PDS version", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
    expect(bannerVerification(page)).toBe("Not verified");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    expect(check.body).toMatch(/data-testid="comparison-name" data-comparison="same"/);
    const done = await agent.follow(await decide(agent, check, "confirm"));
    expect(done.body).toContain("NHS number verified with PDS.");
    expect(bannerVerification(done)).toBe("Verified with PDS");
    expect(done.body).toMatch(/By Amelia Hart, .* \(PDS version 2\)/);
    expect(await metric("ncrs_patient_verifications_total", 'updated_local="false"')).toBeGreaterThanOrEqual(
      1,
    );
  });

  it("shows differences, and changes nothing local unless asked", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Iqbal", "RX1-000103");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    expect(check.body).toMatch(/data-testid="comparison-birthDate" data-comparison="different"/);
    expect(check.body).toMatch(/data-testid="comparison-address" data-comparison="different"/);
    expect(check.body).toContain("Name, date of birth or gender differ");
    const kept = await agent.follow(await decide(agent, check, "confirm"));
    expect(kept.body).toContain("3 November 1972");
    expect(kept.body).toContain("12 Manningham Lane");
  });

  it("offers confirming despite a different date of birth only as a secondary action, and records the differences", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Iqbal", "RX1-000103");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    const confirm = check.body.match(/<button[^>]*data-testid="confirm"[^>]*>([\s\S]*?)<\/button>/);
    expect(confirm?.[1]?.trim()).toBe("Confirm this is the same person despite the differences");
    expect(confirm?.[0]).toContain("nhsuk-button--secondary");
    expect(check.body).not.toContain("Confirm details match");
    const mismatch = check.body.match(/<button[^>]*data-testid="mismatch"[^>]*>/)?.[0];
    expect(mismatch).not.toContain("nhsuk-button--secondary");
    await agent.follow(await decide(agent, check, "confirm"));
    await expect
      .poll(async () => {
        const records = await stack.built.audit.records.search({ type: "patient.verified", limit: 20 });
        return records.map((r) => JSON.parse(r.details).identityDifferences);
      })
      .toContain("name,birthDate");
    const logged = JSON.stringify(stack.logs);
    expect(logged).not.toContain("9991000038");
  });

  it("keeps Confirm details match the primary action when name, date of birth and gender agree", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    const confirm = check.body.match(/<button[^>]*data-testid="confirm"[^>]*>([\s\S]*?)<\/button>/);
    expect(confirm?.[1]?.trim()).toBe("Confirm details match");
    expect(confirm?.[0]).not.toContain("nhsuk-button--secondary");
  });

  it("replaces local details with PDS's only when the user ticks the box, and shows where they came from", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Iqbal", "RX1-000103");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    const updated = await agent.follow(await decide(agent, check, "confirm", { updateLocal: "yes" }));
    expect(updated.body).toContain("30 November 1972");
    expect(updated.body).toContain("48 Whetley Hill");
    expect(updated.body).toMatch(/From PDS \(version 4\)/);
  });

  it("local details erased by replace: a PDS record without name, date of birth or gender cannot be confirmed, and nothing local changes", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Minimal", "RX1-000110");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    expect(check.body).toContain('data-testid="pds-incomplete"');
    expect(check.body).not.toContain('data-testid="confirm"');
    // The form is not offered; posting it anyway is refused and changes nothing.
    const forced = await decide(agent, check, "confirm", { updateLocal: "yes" });
    expect(forced.status).toBe(409);
    expect(forced.body).toContain("patient.pds_incomplete");
    const after = await agent.get(page.url);
    expect(bannerVerification(after)).toBe("Not verified");
    expect(after.body).toContain("MINIMAL, Chris");
    expect(after.body).toContain("1 January 1980");
    // Saying the details do not match is still possible, and recorded.
    const mismatch = await agent.follow(
      await decide(agent, check, "mismatch", { reason: "PDS holds no name" }),
    );
    expect(bannerVerification(mismatch)).toBe("Not verified");
  });

  it("local details erased by replace: replacing keeps every local value PDS does not hold, and says field by field what will change first", async () => {
    // PDS's record for Jane Smith has a name, birth date and gender, but its address, phone, email
    // and GP registration all ended years ago: none of them is current.
    const page = await selectPatient(agent, stack.baseUrl, "Smith", "RX1-000108");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    const changes = check.body.slice(check.body.indexOf('data-testid="replacement"'));
    expect(changes).toMatch(/data-testid="replace-address" data-change="kept"/);
    expect(changes).toMatch(/data-testid="replace-gpOdsCode" data-change="kept"/);
    expect(changes).toMatch(/data-testid="replace-name" data-change="same"/);
    expect(changes).toMatch(/data-testid="replace-gender" data-change="same"/);
    const updated = await agent.follow(await decide(agent, check, "confirm", { updateLocal: "yes" }));
    expect(bannerVerification(updated)).toBe("Verified with PDS");
    expect(updated.body).toContain("1 Trevelyan Square");
    expect(updated.body).toMatch(
      /GP practice \(ODS code\)<\/dt>\s*<dd class="nhsuk-summary-list__value">Y12345/,
    );
    expect(updated.body).toMatch(
      /Address<\/dt>\s*<dd class="nhsuk-summary-list__value">[^<]*1 Trevelyan Square[\s\S]*?Local record/,
    );
  });

  it("records that details do not match, with the reason, and needs a reason", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Garton", "RX1-000109");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    const missing = await decide(agent, check, "mismatch", { reason: "  " });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain("Choose or describe why the local and national details do not match");
    const done = await agent.follow(await decide(agent, check, "mismatch", { reason: "Gender differs" }));
    expect(bannerVerification(done)).toBe("Not verified");
    expect(done.body).toContain("Details did not match: Gender differs");
  });

  it("refuses a second decision on the same check", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "O'Neill", "RX1-000102");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    await decide(agent, check, "confirm");
    const again = await decide(agent, check, "confirm");
    expect(again.status).toBe(409);
    expect(again.body).toContain("patient.check_decided");
  });

  it("offers to re-key a superseded number, then the old number still finds the patient", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "999 100 0003", "RX1-000104");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    expect(check.body).toContain('data-testid="superseded"');
    expect(check.body).toContain("999 100 0100");
    const rekeyed = await agent.follow(await decide(agent, check, "rekey"));
    expect(rekeyed.body).toContain("999 100 0100");
    expect(rekeyed.body).toContain("Previous NHS numbers");
    const byOld = await searchPatients(agent, stack.baseUrl, "9991000003");
    expect(byOld.body).toContain("RX1-000104");
    const verified = await checkWithPds(agent, stack.baseUrl, rekeyed);
    expect((await agent.follow(await decide(agent, verified, "confirm"))).body).toContain(
      "Verified with PDS",
    );
  });

  it.each([
    ["invalidated", "999 100 0011", "RX1-000105", "NHS number not valid at PDS"],
    ["not found", "999 300 0000", "RX1-000114", "Not found at PDS"],
  ])("blocks an %s number at once", async (_name, search, mrn, tag) => {
    const page = await selectPatient(agent, stack.baseUrl, search, mrn);
    const check = await checkWithPds(agent, stack.baseUrl, page);
    expect(check.body).toContain('data-testid="blocked"');
    expect(check.body).not.toContain('data-testid="confirm"');
    const after = await agent.get(page.url);
    expect(bannerVerification(after)).toBe(tag);
  });

  it("applies PDS's restricted flag at once: location data is removed and never shown", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Price", "RX1-000106");
    const check = await checkWithPds(agent, stack.baseUrl, page);
    expect(check.body).toMatch(/data-testid="comparison-address" data-comparison="restricted"/);
    const after = await agent.get(page.url);
    expect(bannerFlags(after)).toContain("Restricted record");
    expect(after.body).toMatch(/Address<\/dt>\s*<dd class="nhsuk-summary-list__value">Restricted/);
  });

  it("flags a patient PDS records as deceased, with the date", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Whitfield", "RX1-000107");
    await checkWithPds(agent, stack.baseUrl, page);
    const after = await agent.get(page.url);
    expect(bannerFlags(after)).toContain("Deceased 11 February 2024");
  });

  it("cannot check a patient with no valid NHS number", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "RX1-000112", "RX1-000112");
    expect(bannerVerification(page)).toBe("No valid NHS number");
    expect(page.body).not.toContain('data-testid="check-with-pds"');
    const forced = await checkWithPds(agent, stack.baseUrl, page);
    expect(forced.status).toBe(409);
    expect(forced.body).toContain("patient.no_nhs_number");
  });

  it("says plainly when PDS is down, keeps working, and lets the user retry", async () => {
    const page = await selectPatient(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    await fetch(`${stack.pds.origin}/_sim/scenario`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scenario: "unavailable" }),
    });
    try {
      const failed = await checkWithPds(agent, stack.baseUrl, page);
      expect(failed.status).toBe(503);
      expect(failed.body).toContain('data-testid="pds-error"');
      expect(failed.body).toContain("pds.unavailable");
      expect(failed.body).toContain("Try again");
      expect((await searchPatients(agent, stack.baseUrl, "Hartley")).status).toBe(200);
    } finally {
      await fetch(`${stack.pds.origin}/_sim/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario: null }),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const retried = await checkWithPds(agent, stack.baseUrl, page);
    expect(retried.body).toContain('data-testid="comparison"');
  });

  it("refuses a search that makes no sense with a clear message", async () => {
    const page = await searchPatients(agent, stack.baseUrl, "9434765918");
    expect(page.status).toBe(400);
    expect(page.body).toContain("There is a problem");
  });

  it("keeps the patient pages to clinical roles", async () => {
    const admin = new HttpAgent();
    await signIn(admin, stack.baseUrl, { user: USERS.admin });
    const page = await admin.get(`${stack.baseUrl}/patients?tab=testtab0000000000001`);
    expect(page.status).toBe(403);
  });
});
