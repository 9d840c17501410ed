/**
 * "Records held elsewhere" through the real app and the NRL simulator, on both databases: the
 * panel on a verified patient's page, the cache and Refresh, "None found" and "Could not check
 * NRL" (the launch still works), malformed pointers, "New document available" once and
 * dismissed for good, the audit records NRL's obligations ask for, invalidation on a national
 * change, and housekeeping.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dialects } from "../support/databases.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { launchFormIn, verifiedPatientPage } from "../support/launch.ts";
import { selectPatient } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { dismiss, nrlControl, nrlRequestCount, panelOf, refresh } from "./nrl-support.ts";

describe.each(dialects)("records held elsewhere on %s", (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect, env: { NRL_PAGE_WAIT_MS: "3000" } });
  });
  afterAll(async () => stack.close());
  beforeEach(async () => {
    await nrlControl(stack.nrl.origin, "POST", "/reset");
    await stack.built.database.db.deleteFrom("nrl_pointer_cache").execute();
    await stack.built.database.db.deleteFrom("nrl_pointer_seen").execute();
  });

  async function verified(search: string, mrn: string) {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    return { agent, page: await verifiedPatientPage(agent, stack.baseUrl, search, mrn) };
  }

  const auditRows = (outcomePrefix: string) =>
    stack.built.database.db
      .selectFrom("audit_records")
      .selectAll()
      .where("outcome", "like", `${outcomePrefix}%`)
      .orderBy("seq")
      .execute();

  it("lists a verified patient's pointers by type, custodian and date, says where they came from, and keeps Open in NCRS", async () => {
    const { page } = await verified("999 100 0054", "RX1-000101");
    const panel = panelOf(page);
    expect(panel).toContain("NEWS2 chart");
    expect(panel).toContain("Mental health crisis plan");
    expect(panel).toContain("ReSPECT form");
    expect(panel).toContain("RX4");
    expect(panel).toContain("2 October 2026");
    expect(panel).toContain("Opens in NCRS.");
    expect(panel).toMatch(/Source: National Record Locator \(NRL\)\. Checked \d+ \w+ \d{4} at \d\d:\d\d/);
    // Newest first.
    expect(panel.indexOf("NEWS2 chart")).toBeLessThan(panel.indexOf("Mental health crisis plan"));
    expect(launchFormIn(page)).not.toBeNull();
    expect(panel).not.toContain("9991000054");
  });

  it("serves the page from a fresh cache without asking NRL again; Refresh asks again", async () => {
    const { agent, page } = await verified("999 100 0054", "RX1-000101");
    const asked = await nrlRequestCount(stack.nrl.origin);
    expect(asked).toBe(1);
    const again = await agent.get(page.url);
    expect(panelOf(again)).toContain("Mental health crisis plan");
    expect(await nrlRequestCount(stack.nrl.origin)).toBe(1);
    const refreshed = await refresh(agent, again);
    expect(refreshed.status).toBe(200);
    expect(await nrlRequestCount(stack.nrl.origin)).toBe(2);
  });

  it("says None found for a patient NRL holds nothing for", async () => {
    const { page } = await verified("999 100 0070", "RX1-000106");
    expect(panelOf(page)).toContain("None found");
  });

  it("says the NHS number must be verified first, without asking NRL", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await selectPatient(agent, stack.baseUrl, "999 100 0046", "RX1-000102");
    expect(panelOf(page)).toContain("details with PDS first");
    expect(await nrlRequestCount(stack.nrl.origin)).toBe(0);
  });

  it("renders the page when NRL is down: the panel says it could not check NRL and the launch still works", async () => {
    await nrlControl(stack.nrl.origin, "PUT", "/scenario", { scenario: "unavailable" });
    const { page } = await verified("999 100 0046", "RX1-000102");
    expect(page.status).toBe(200);
    expect(panelOf(page)).toContain("Could not check NRL.");
    expect(panelOf(page)).toContain("nrl.unavailable");
    expect(launchFormIn(page)).not.toBeNull();
    const failed = await auditRows("nrl.search_failed");
    expect(JSON.parse(failed.at(-1)?.details ?? "{}")).toMatchObject({
      errorCode: "nrl.unavailable",
      status: 503,
    });
  });

  it("shows the last list, marked as such, when a Refresh cannot reach NRL", async () => {
    const { agent, page } = await verified("999 100 0054", "RX1-000101");
    await nrlControl(stack.nrl.origin, "PUT", "/scenario", { scenario: "unavailable" });
    const after = await refresh(agent, page);
    expect(panelOf(after)).toContain("Could not check NRL again just now.");
    expect(panelOf(after)).toContain("Mental health crisis plan");
  });

  it("lists the readable pointers of a list holding malformed ones, and says how many were not", async () => {
    const { page } = await verified("999 100 0038", "RX1-000103");
    const panel = panelOf(page);
    expect(panel).toContain("Mental health crisis plan");
    expect(panel).toContain("NRL sent 3 entries we could not read");
  });

  it("shows New document available once for a pointer added since the user last looked, until dismissed, and audits both", async () => {
    const { agent, page } = await verified("999 100 0054", "RX1-000101");
    expect(panelOf(page)).not.toContain("New document available");
    await nrlControl(stack.nrl.origin, "POST", "/pointers", {
      nhsNumber: "9991000054",
      type: "736373009",
      custodian: "Y05868",
    });
    const refreshed = await refresh(agent, page);
    const panel = panelOf(refreshed);
    expect(panel).toContain("New document available");
    expect(panel).toContain("End of life care plan from Y05868");
    expect(panel).toContain("Where this came from: the National Record Locator (NRL)");
    // Reloading shows the same one notification, and it is recorded as shown only once.
    const reloaded = await refresh(agent, refreshed);
    expect(panelOf(reloaded).match(/End of life care plan from Y05868/g)).toHaveLength(1);
    expect(await auditRows("nrl.new_document_shown")).toHaveLength(1);
    const dismissed = await dismiss(agent, reloaded);
    expect(panelOf(dismissed)).not.toContain("New document available");
    expect(panelOf(await refresh(agent, dismissed))).not.toContain("New document available");
    expect(await auditRows("nrl.new_document_dismissed")).toHaveLength(1);
  });

  it("records every search as NRL's consumer obligations ask: request, sealed NHS number, ODS code, user, status, time", async () => {
    await verified("999 100 0054", "RX1-000101");
    const [row] = await auditRows("nrl.searched");
    expect(row).toMatchObject({
      event_type: "nrl.searched",
      user_id: USERS.singleRole,
      source: "records-elsewhere",
    });
    expect(row?.nhs_number).not.toBeNull();
    expect(row?.nhs_number).not.toContain("9991000054");
    expect(row?.duration_ms).toBeGreaterThanOrEqual(0);
    const details = JSON.parse(row?.details ?? "{}");
    expect(details).toMatchObject({
      request: "POST DocumentReference/_search",
      status: 200,
      pointers: 3,
      reason: "page",
    });
    expect(details.odsCode).toMatch(/^[A-Z0-9]+$/);
    expect(row?.org_code).toBe(details.odsCode);
  });

  it("forgets a patient's cached pointers when a national change supersedes or records a death", async () => {
    const { agent, page } = await verified("999 100 0054", "RX1-000101");
    const cached = await stack.built.database.db
      .selectFrom("nrl_pointer_cache")
      .select("patient_id")
      .execute();
    expect(cached).toHaveLength(1);
    await stack.built.events.emit("patient.national_change_applied", {
      correlationId: "c-death",
      patientId: cached[0]?.patient_id ?? "",
      nhsNumber: null,
      outcome: "applied",
      notable: ["deceased"],
      pdsVersion: 3,
    } as never);
    expect(await stack.built.database.db.selectFrom("nrl_pointer_cache").selectAll().execute()).toHaveLength(
      0,
    );
    await agent.get(page.url);
    expect(await nrlRequestCount(stack.nrl.origin)).toBe(2);
  });

  it("housekeeping deletes cached pointers and what was seen once past retention", async () => {
    await verified("999 100 0054", "RX1-000101");
    const soon = await stack.built.housekeeping.run(new Date(Date.now() + 86_400_000));
    expect(soon).toMatchObject({ pointerCache: 0, pointerSeen: 0 });
    const later = await stack.built.housekeeping.run(new Date(Date.now() + 40 * 86_400_000));
    expect(later.pointerCache).toBe(1);
    expect(later.pointerSeen).toBeGreaterThanOrEqual(4);
    expect(await stack.built.database.db.selectFrom("nrl_pointer_seen").selectAll().execute()).toHaveLength(
      0,
    );
  });
});
