/**
 * The audit trail through the real app over HTTP, on both dialects: clinical actions become
 * records; administrators search, report and follow a timeline (clinicians cannot); checkpoints,
 * inclusion and consistency proofs verify; the FHIR export validates against the FHIR R4 schema;
 * bad input gets a clear 400; a record altered behind the app's back is reported, never skipped.
 */

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedCheckpoint, verifyCheckpoint } from "../../src/audit/checkpoint-signature.ts";
import { verifyConsistency, verifyInclusion } from "../../src/audit/merkle.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { checkWithPds, decide, selectPatient } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { fhirValidator } from "./fhir-schema.ts";

const NHS = "9991000054";

interface RecordJson {
  seq: number;
  type: string;
  outcome: string;
  userId: string | null;
  orgCode: string | null;
  nhsNumber: string | null;
  correlationId: string;
  integrity: string;
  problems: string[];
}

describe.each(["sqlite", "postgres"] as const)("audit trail over HTTP on %s", (dialect) => {
  let stack: Stack;
  let clinician: HttpAgent;
  let admin: HttpAgent;
  let selectCorrelation: string;

  /** A JSON call from the admin's browser session; a POST carries the CSRF token of an admin page. */
  const json = async (agent: HttpAgent, path: string, body?: unknown) => {
    const csrf =
      body === undefined ? undefined : csrfTokenIn((await agent.get(`${stack.baseUrl}/admin/audit`)).body);
    return agent.request(`${stack.baseUrl}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        accept: "application/json",
        ...(csrf === undefined ? {} : { "content-type": "application/json", "x-csrf-token": csrf }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };

  beforeAll(async () => {
    stack = await startStack({ dialect });
    clinician = new HttpAgent();
    admin = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    await signIn(admin, stack.baseUrl, { user: USERS.admin });
    const page = await selectPatient(clinician, stack.baseUrl, "999 100 0054", "RX1-000101");
    const check = await checkWithPds(clinician, stack.baseUrl, page);
    await clinician.follow(await decide(clinician, check, "confirm"));
    const records = (await (
      await json(admin, "/admin/audit/api/records", { nhsNumber: NHS, type: "patient.selected" })
    ).body) as string;
    selectCorrelation = (JSON.parse(records) as { records: RecordJson[] }).records[0]?.correlationId ?? "";
  });
  afterAll(async () => stack?.close());

  it("records each clinical action with who, where and which patient, findable by NHS number", async () => {
    const response = await json(admin, "/admin/audit/api/records", { nhsNumber: "999 100 0054" });
    expect(response.status).toBe(200);
    const { records } = JSON.parse(response.body) as { records: RecordJson[] };
    const types = records.map((r) => `${r.type}:${r.outcome}`);
    expect(types).toEqual(expect.arrayContaining(["patient.selected:selected", "patient.verified:verified"]));
    for (const r of records.filter((record) => record.type.startsWith("patient."))) {
      expect(r).toMatchObject({ nhsNumber: NHS, userId: USERS.singleRole, integrity: "ok", problems: [] });
      expect(r.orgCode).toMatch(/^[A-Z0-9]+$/);
    }
  });

  it("NHS numbers in our URLs: the records API refuses an NHS number in the address, and a search without the CSRF token", async () => {
    const inUrl = await json(admin, "/admin/audit/api/records?nhsNumber=9991000054");
    expect(inUrl.status).toBe(400);
    expect(JSON.parse(inUrl.body).error.code).toBe("audit.search_invalid");
    for (const path of ["/admin/audit/api/records", "/admin/audit/api/patient-report"]) {
      const forged = await admin.request(`${stack.baseUrl}${path}`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify({ nhsNumber: NHS }),
      });
      expect(forged.status).toBe(403);
    }
  });

  it.each([
    ["/admin/audit", 'data-testid="audit-record"'],
    ["/admin/audit/patient", 'data-testid="audit-access-summary"'],
  ])(
    "NHS numbers in our URLs: a search posted to %s is redirected to an address without the number, which shows again without resubmitting",
    async (path, shown) => {
      const shapes = [/9991000054/, /999[ +]100[ +]0054/, /999%20100%200054/];
      const form = await admin.get(`${stack.baseUrl}${path}`);
      const posted = await admin.postForm(`${stack.baseUrl}${path}`, {
        _csrf: csrfTokenIn(form.body),
        nhsNumber: "999 100 0054",
      });
      expect(posted.status).toBe(303);
      expect(posted.location).toMatch(new RegExp(`^${stack.baseUrl}${path}\\?search=`));
      for (const shape of shapes) expect(posted.location).not.toMatch(shape);
      const results = await admin.follow(posted);
      expect(results.status).toBe(200);
      expect(results.body).toContain(shown);
      // Back from a record: a GET of the same address, nothing to resubmit.
      const again = await admin.get(results.url);
      expect(again.status).toBe(200);
      expect(again.body).toContain(shown);
      expect(again.body).toContain("999 100 0054");
      // The address is useless to anyone else.
      const other = new HttpAgent();
      await signIn(other, stack.baseUrl, { user: USERS.admin });
      const elsewhere = await other.get(results.url);
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body).not.toContain(shown);
      expect(elsewhere.body).toContain('data-testid="audit-search-expired"');
      for (const shape of shapes) expect(JSON.stringify(stack.logs)).not.toMatch(shape);
    },
  );

  it("finds a user's records by name as well as by user ID, in any case and by part of the name", async () => {
    for (const name of ["Amelia Hart", "amelia hart", "HART"]) {
      const response = await json(
        admin,
        `/admin/audit/api/records?type=session.started&userName=${encodeURIComponent(name)}`,
      );
      expect(response.status).toBe(200);
      const { records } = JSON.parse(response.body) as { records: RecordJson[] };
      expect(records.length).toBeGreaterThan(0);
      expect(new Set(records.map((r) => r.userId))).toEqual(new Set([USERS.singleRole]));
    }
    const none = await json(admin, "/admin/audit/api/records?userName=Nobody%20Atall");
    expect(JSON.parse(none.body).records).toEqual([]);
    const wildcard = await json(admin, "/admin/audit/api/records?userName=%25");
    expect(wildcard.status).toBe(400);
    expect(JSON.parse(wildcard.body).error.problems[0].field).toBe("userName");
    const form = await admin.get(`${stack.baseUrl}/admin/audit`);
    expect(form.body).toMatch(/<label[^>]*for="userName"[^>]*>\s*User name/);
    const page = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit`, {
        _csrf: csrfTokenIn(form.body),
        userName: "Hart",
        type: "session.started",
      }),
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="audit-record"');
    expect(page.body).toContain("Amelia Hart");
  });

  it("lists outcomes under headings, in words with the code after, without markup, and keeps the one chosen", async () => {
    const form = await admin.get(`${stack.baseUrl}/admin/audit`);
    const list = form.body.match(/<select[^>]*id="outcome"[^>]*>([\s\S]*?)<\/select>/)?.[1] ?? "";
    const groups = [...list.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)];
    expect(groups.map((g) => g[1])).toContain("Launches into NCRS");
    expect(groups.length).toBeGreaterThan(4);
    const launches = groups.find((g) => g[1] === "Launches into NCRS")?.[2] ?? "";
    expect(launches).toMatch(
      /<option value="blocked\.unverified">Launch refused: the NHS number is not verified against PDS \(blocked\.unverified\)<\/option>/,
    );
    // Every code once, no markup in the words (the README's backticks once showed through).
    const values = [...list.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    expect(values.filter((v) => v === "failed")).toHaveLength(1);
    expect(new Set(values).size).toBe(values.length);
    expect(list).not.toContain("`");
    expect(list).not.toContain(" — ");
    const results = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit`, {
        _csrf: csrfTokenIn(form.body),
        outcome: "signed_in",
      }),
    );
    expect(results.body).toMatch(/<option value="signed_in" selected>/);
    expect(results.body).toContain('data-testid="audit-record"');
  });

  it("names organisations beside their ODS codes where a sign-in told us the name", async () => {
    const form = await admin.get(`${stack.baseUrl}/admin/audit`);
    const results = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit`, { _csrf: csrfTokenIn(form.body), nhsNumber: NHS }),
    );
    expect(results.body).toContain("Riverside Community Health NHS Trust (test) (Y90001)");
    const report = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit/patient`, {
        _csrf: csrfTokenIn(form.body),
        nhsNumber: NHS,
      }),
    );
    expect(report.body).toContain("Riverside Community Health NHS Trust (test) (Y90001)");
    const seq = results.body.match(/data-seq="(\d+)"/)?.[1];
    const record = await admin.get(`${stack.baseUrl}/admin/audit/records/${seq}`);
    expect(record.body).toContain("Riverside Community Health NHS Trust (test) (Y90001)");
    const timeline = await admin.get(`${stack.baseUrl}/admin/audit/timeline/${selectCorrelation}`);
    expect(timeline.body).toContain("Riverside Community Health NHS Trust (test) (Y90001)");
    // An ODS code no sign-in has named is shown as the code alone.
    const unknown = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit`, {
        _csrf: csrfTokenIn(form.body),
        orgCode: "ZZ999",
      }),
    );
    expect(unknown.status).toBe(200);
  });

  it("records sign-ins and audits its own reads, naming the patient looked up", async () => {
    const signIns = JSON.parse(
      (await json(admin, `/admin/audit/api/records?type=session.started&userId=${USERS.singleRole}`)).body,
    );
    expect(signIns.records[0]).toMatchObject({ outcome: "signed_in", userId: USERS.singleRole });
    const reads = JSON.parse(
      (await json(admin, "/admin/audit/api/records", { type: "audit.searched", nhsNumber: NHS })).body,
    );
    expect(reads.records[0]).toMatchObject({ userId: USERS.admin, nhsNumber: NHS, outcome: "success" });
  });

  it("shows one journey's timeline, oldest first, on a page and as JSON", async () => {
    expect(selectCorrelation).not.toBe("");
    const api = JSON.parse((await json(admin, `/admin/audit/api/timeline/${selectCorrelation}`)).body);
    expect(api.records.map((r: RecordJson) => r.type)).toContain("patient.selected");
    const page = await admin.get(`${stack.baseUrl}/admin/audit/timeline/${selectCorrelation}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="audit-timeline-item"');
    expect(page.body).toContain("999 100 0054");
  });

  it("gives the search page, the patient report and a record page to administrators only", async () => {
    const form = await admin.get(`${stack.baseUrl}/admin/audit`);
    expect(form.status).toBe(200);
    const token = form.body.match(/name="_csrf" value="([^"]+)"/)?.[1] as string;
    const results = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit`, { _csrf: token, nhsNumber: "999 100 0054" }),
    );
    expect(results.status).toBe(200);
    expect(results.body).toContain('data-testid="audit-record"');
    const report = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit/patient`, { _csrf: token, nhsNumber: NHS }),
    );
    expect(report.status).toBe(200);
    expect(report.body).toContain('data-testid="audit-access-summary"');
    expect(report.body).toContain(USERS.singleRole);
    const seq = results.body.match(/data-seq="(\d+)"/)?.[1];
    expect((await admin.get(`${stack.baseUrl}/admin/audit/records/${seq}`)).body).toContain(
      'data-testid="audit-record-details"',
    );
    for (const path of [
      "/admin/audit",
      "/admin/audit/api/records",
      `/admin/audit/timeline/${selectCorrelation}`,
    ]) {
      expect((await clinician.get(`${stack.baseUrl}${path}`)).status).toBe(403);
    }
  });

  it.each([
    ["outcome=nonsense", "outcome"],
    ["from=yesterday", "from"],
    ["from=2026-02-30", "from"],
    ["limit=100000", "limit"],
    ["userId=a%20b", "userId"],
    ["colour=blue", "colour"],
    ["nhsNumber=9991000055", "nhsNumber"],
    ["from=2026-05-02&to=2026-05-01", "to"],
  ])("refuses ?%s with a 400 naming %s", async (query, field) => {
    const response = await json(admin, `/admin/audit/api/records?${query}`);
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body);
    expect(body.error.code).toBe("audit.search_invalid");
    expect(body.error.problems.map((p: { field: string }) => p.field)).toContain(field);
  });

  it("refuses repeated parameters and says so on the page too", async () => {
    expect((await json(admin, "/admin/audit/api/records?outcome=a&outcome=b")).status).toBe(400);
    const page = await admin.get(`${stack.baseUrl}/admin/audit?nhsNumber=123`);
    expect(page.status).toBe(400);
    expect(page.body).toContain("nhsuk-error-summary");
    expect(page.body).toContain("never in the address");
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] as string;
    const posted = await admin.follow(
      await admin.postForm(`${stack.baseUrl}/admin/audit`, { _csrf: token, nhsNumber: "123" }),
    );
    expect(posted.status).toBe(400);
    expect(posted.body).toContain("NHS number must be 10 digits");
  });

  it("publishes signed checkpoints with proofs that verify", async () => {
    const first = (await stack.built.audit.checkpoints.checkpoint()) as SignedCheckpoint;
    await selectPatient(clinician, stack.baseUrl, "Iqbal", "RX1-000103");
    const second = (await stack.built.audit.checkpoints.checkpoint()) as SignedCheckpoint;
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const latest = JSON.parse(
      (await fetch(`${stack.baseUrl}/audit/checkpoints/latest`).then((r) => r.text())) as string,
    );
    const keys = await (await fetch(`${stack.baseUrl}/audit/keys`)).json();
    expect(latest).toEqual(second);
    expect(await verifyCheckpoint(latest, keys)).toBe(true);
    const bySize = await (await fetch(`${stack.baseUrl}/audit/checkpoints/${first.treeSize}`)).json();
    expect(await verifyCheckpoint(bySize, keys)).toBe(true);

    const b = (s: string) => Buffer.from(s, "base64");
    const inclusion = await (await fetch(`${stack.baseUrl}/audit/proofs/inclusion?seq=2`)).json();
    expect(
      verifyInclusion({
        leafIndex: inclusion.leafIndex,
        treeSize: inclusion.treeSize,
        leafHash: b(inclusion.leafHash),
        proof: inclusion.proof.map(b),
        root: b(latest.rootHash),
      }),
    ).toBe(true);
    const consistency = await (
      await fetch(`${stack.baseUrl}/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`)
    ).json();
    expect(
      verifyConsistency({
        size1: first.treeSize,
        size2: second.treeSize,
        root1: b(first.rootHash),
        root2: b(second.rootHash),
        proof: consistency.proof.map(b),
      }),
    ).toBe(true);
    expect((await fetch(`${stack.baseUrl}/audit/proofs/inclusion?seq=abc`)).status).toBe(400);
    expect((await fetch(`${stack.baseUrl}/audit/proofs/inclusion?seq=99999`)).status).toBe(400);
    expect((await fetch(`${stack.baseUrl}/audit/checkpoints/3333`)).status).toBe(404);
  });

  it("exports FHIR R4 AuditEvents as NDJSON that validate against the FHIR schema", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const response = await admin.get(`${stack.baseUrl}/admin/audit/export?from=${today}&to=${today}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/fhir+ndjson");
    const events = response.body
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const validate = fhirValidator("AuditEvent");
    for (const event of events) expect(validate(event) ? [] : validate.errors).toEqual([]);
    const selected = events.find((e) => e.subtype[0].code === "patient.selected");
    expect(selected.purposeOfEvent[0].coding[0].code).toBe("TREAT");
    expect(selected.entity).toContainEqual(
      expect.objectContaining({
        what: { identifier: { system: "https://fhir.nhs.uk/Id/nhs-number", value: NHS } },
      }),
    );
    expect(selected.agent[0]).toMatchObject({
      requestor: true,
      who: { identifier: { value: USERS.singleRole } },
    });
    expect(selected.agent[0].role[0].coding.length).toBeGreaterThan(0);
    expect(selected.agent[1].who.identifier.system).toBe("https://fhir.nhs.uk/Id/ods-organization-code");
    expect(selected.entity.at(-1).type.code).toBe("XrequestId");
  });

  it("bounds export ranges, with a page for people and JSON for API clients", async () => {
    const page = await admin.get(`${stack.baseUrl}/admin/audit/export?from=2026-01-01`);
    expect(page.status).toBe(400);
    expect(page.body).toContain("Choose the period to export");
    for (const query of ["", "from=2026-01-01", "from=2026-01-01&to=2026-12-31", "from=x&to=y"]) {
      const response = await admin.get(`${stack.baseUrl}/admin/audit/export?${query}`, {
        accept: "application/json",
      });
      expect(response.status, query).toBe(400);
    }
  });

  it("never writes an NHS number to the log", async () => {
    const lines = JSON.stringify(stack.logs);
    expect(lines).not.toContain(NHS);
    expect(lines).not.toContain("999 100 0054");
  });

  it("reports a record altered behind the app's back in search and export, never skipping it", async () => {
    const db = stack.built.database.db;
    const [target] = (
      await sql<{ seq: number }>`select seq from audit_records where event_type = 'patient.verified'`.execute(
        db,
      )
    ).rows;
    if (dialect === "sqlite") await sql`drop trigger audit_records_no_update`.execute(db);
    else await sql`alter table audit_records disable trigger user`.execute(db);
    await sql`update audit_records set user_name = 'Someone Else' where seq = ${Number(target?.seq)}`.execute(
      db,
    );
    const { records } = JSON.parse(
      (await json(admin, "/admin/audit/api/records", { nhsNumber: NHS })).body,
    ) as { records: RecordJson[] };
    const altered = records.find((r) => r.seq === Number(target?.seq));
    expect(altered).toMatchObject({ integrity: "broken" });
    expect(altered?.problems.length).toBeGreaterThan(0);
    const today = new Date().toISOString().slice(0, 10);
    const lines = (await admin.get(`${stack.baseUrl}/admin/audit/export?from=${today}&to=${today}`)).body
      .trim()
      .split("\n");
    const outcome = lines.map((l) => JSON.parse(l)).find((r) => r.resourceType === "OperationOutcome");
    expect(outcome.id).toBe(`audit-record-${target?.seq}`);
    expect(fhirValidator("OperationOutcome")(outcome)).toBe(true);
  });
});
