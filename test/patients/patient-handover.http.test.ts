/**
 * A point-of-care system hands over its patient (POST /api/v1/patient-contexts) over real HTTP on
 * both databases, with a bearer token got the real way and the PDS simulator behind: a patient
 * who agrees with PDS can be launched at once; one who differs must be confirmed first, on our
 * page; a superseded number names the new one and nothing proceeds; local details are never
 * written over; the same request twice gives the same answer; every refusal has its own code
 * (or a FHIR OperationOutcome), is recorded, and leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor, makeApiClient } from "../support/api-client.ts";
import { dialects } from "../support/databases.ts";
import { hartley, MRN_SYSTEM, NHS_NUMBER_SYSTEM as NHS } from "../support/fhir-patients.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { metricValue } from "../support/metrics.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const CLIENT = makeApiClient();
/** A system registered to launch only. */
const OTHER = makeApiClient("launch-only-system", "http://127.0.0.1:9/other/callback", ["launch"]);

interface Answer {
  contextId: string;
  contextToken: string;
  patientUrl: string;
  confirmUrl?: string;
  mustConfirm: boolean;
  launchable: boolean;
  verification: { status: string; survivingNhsNumber?: string };
  differences: { field: string; sent: string; pds: string; comparison: string; identifying: boolean }[];
}

describe.each(dialects)("handing a patient over from a point-of-care system (%s)", (dialect) => {
  let stack: Stack;
  let agent: HttpAgent;
  let bearer: string;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      env: {
        API_CLIENTS: JSON.stringify([CLIENT.entry, OTHER.entry]),
        LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
      },
    });
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    bearer = await bearerFor(agent, stack.baseUrl, CLIENT);
  });
  afterAll(async () => stack?.close());

  const handOver = (patient: unknown, headers: Record<string, string> = {}, windowId = "ward-7-pc-1") =>
    fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${bearer}`,
        ...headers,
      },
      body: JSON.stringify({ patient, windowId, encounter: { reference: "Encounter/enc-42" } }),
    });
  const launch = (patientContextId: string) =>
    fetch(`${stack.baseUrl}/api/v1/launches`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ patientContextId }),
    });
  const received = async () =>
    stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "source", "details", "nhs_number_index"])
      .where("event_type", "=", "patient_context.received")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
  const count = async (table: "patients" | "patient_contexts" | "patient_system_identifiers") =>
    Number(
      (
        await stack.built.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("a patient whose details agree with PDS is verified at once and launches, audited with the system and encounter", async () => {
    const response = await handOver(hartley("EPR-1001"));
    expect(response.status).toBe(201);
    const answer = (await response.json()) as Answer;
    expect(answer).toMatchObject({
      mustConfirm: false,
      launchable: true,
      verification: { status: "verified" },
    });
    expect(answer.confirmUrl).toBeUndefined();
    expect(answer.patientUrl).toBe(`${stack.baseUrl}/patient-context/${answer.contextId}`);
    expect(answer.differences.filter((d) => d.identifying).map((d) => d.comparison)).toEqual([
      "same",
      "same",
      "same",
    ]);
    const record = await received();
    expect(record.outcome).toBe("handover.verified");
    expect(JSON.parse(String(record.details))).toMatchObject({
      handoverSource: "api",
      apiClientId: CLIENT.id,
      encounter: "Encounter/enc-42",
      createdPatient: false,
    });
    const launched = await launch(answer.contextId);
    expect(launched.status).toBe(201);
    expect(await launched.json()).toMatchObject({ launchUrl: expect.stringContaining("9991000054") });
    // The page the user sees for the context is the patient, in their session.
    const page = await agent.get(answer.patientUrl);
    expect(page.status).toBe(200);
    expect(page.body).toContain("HARTLEY");
  });

  it("details that differ from PDS must be confirmed by the user first, on our confirmation page", async () => {
    const response = await handOver(hartley("EPR-1002", { birthDate: "1984-03-15" }), {}, "ward-7-pc-2");
    const answer = (await response.json()) as Answer;
    expect(answer).toMatchObject({
      mustConfirm: true,
      launchable: false,
      verification: { status: "needs_confirmation" },
    });
    expect(answer.differences.find((d) => d.field === "birthDate")).toMatchObject({
      comparison: "different",
      sent: expect.stringContaining("15"),
      pds: expect.stringContaining("14"),
    });
    expect(answer.confirmUrl).toMatch(
      new RegExp(`/patient-context/${answer.contextId}/checks/[0-9a-f-]{36}$`),
    );
    const refused = await launch(answer.contextId);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "launch.unverified" } });
    const confirmation = await agent.get(answer.confirmUrl ?? "");
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toContain('data-testid="comparison"');
    expect(JSON.parse(String((await received()).details)).identityDifferences).toBe("birthDate");
  });

  it("never writes over local details: the demonstration record of Hartley keeps its own name", async () => {
    const response = await handOver(
      hartley("EPR-1003", { name: [{ family: "Hartley-Smith", given: ["Oscar"] }] }),
      {},
      "ward-7-pc-3",
    );
    expect(response.status).toBe(201);
    const details = JSON.parse(String((await received()).details));
    expect(details.localDifferences).toBe("name");
    const page = await agent.get(((await response.json()) as Answer).patientUrl);
    expect(page.body).toContain("HARTLEY, Oscar James");
    expect(page.body).not.toContain("Hartley-Smith");
  });

  it("adds a patient new to us with what was sent, marked as sent by the system, and finds them again by its identifier", async () => {
    const zebedee = {
      resourceType: "Patient",
      identifier: [
        { system: NHS, value: "5900046192" },
        { system: MRN_SYSTEM, value: "EPR-2001" },
      ],
      name: [{ family: "Karate-test-gtikmto", given: ["Zebedee"], prefix: ["Mr"] }],
      birthDate: "1991-06-28",
      gender: "male",
    };
    const patientsBefore = await count("patients");
    const first = (await (await handOver(zebedee, {}, "ward-7-pc-4")).json()) as Answer;
    expect(first.verification.status).toBe("verified");
    expect(JSON.parse(String((await received()).details)).createdPatient).toBe(true);
    expect(await count("patients")).toBe(patientsBefore + 1);
    const page = await agent.get(first.patientUrl);
    expect(page.body).toContain(`Sent by ${CLIENT.id}`);
    const again = (await (await handOver(zebedee, {}, "ward-7-pc-4")).json()) as Answer;
    expect(await count("patients")).toBe(patientsBefore + 1);
    expect(again.contextId).not.toBe(first.contextId);
    // The same window's newer hand-over supersedes the earlier context.
    expect((await launch(first.contextId)).status).toBe(409);
    expect((await launch(again.contextId)).status).toBe(201);
  });

  it("a superseded NHS number names PDS's current one, and nothing proceeds until it is confirmed", async () => {
    const amelia = {
      resourceType: "Patient",
      identifier: [
        { system: NHS, value: "9991000003" },
        { system: MRN_SYSTEM, value: "EPR-1004" },
      ],
      name: [{ family: "Hartley", given: ["Amelia"] }],
      birthDate: "1984-03-14",
      gender: "female",
    };
    const answer = (await (await handOver(amelia, {}, "ward-7-pc-5")).json()) as Answer;
    expect(answer).toMatchObject({
      mustConfirm: true,
      launchable: false,
      verification: { status: "superseded", survivingNhsNumber: "9991000100" },
    });
    expect(answer.confirmUrl).toContain(`/patient-context/${answer.contextId}/checks/`);
    expect((await launch(answer.contextId)).status).toBe(409);
    expect((await received()).outcome).toBe("verification.superseded");
  });

  it("an invalidated NHS number cannot be launched, and says so", async () => {
    const oliver = {
      resourceType: "Patient",
      identifier: [
        { system: NHS, value: "9991000011" },
        { system: MRN_SYSTEM, value: "EPR-1005" },
      ],
    };
    const answer = (await (await handOver(oliver, {}, "ward-7-pc-6")).json()) as Answer;
    expect(answer).toMatchObject({
      launchable: false,
      mustConfirm: false,
      verification: { status: "invalidated" },
    });
  });

  it("with PDS down the context still stands, says so, and cannot be launched until checked", async () => {
    const scenario = (name: string | null) =>
      fetch(`${stack.pds.origin}/_sim/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario: name }),
      });
    await scenario("unavailable");
    try {
      const response = await handOver(hartley("EPR-1012", { gender: "female" }), {}, "ward-7-pc-11");
      expect(response.status).toBe(201);
      const answer = (await response.json()) as Answer;
      expect(answer).toMatchObject({ launchable: false, verification: { status: "unavailable" } });
      expect((await received()).outcome).toBe("upstream.unavailable");
      expect((await launch(answer.contextId)).status).not.toBe(201);
    } finally {
      await scenario(null);
    }
  });

  it("a restricted record's address is never compared or shown", async () => {
    const janet = {
      resourceType: "Patient",
      identifier: [
        { system: NHS, value: "9000000025" },
        { system: MRN_SYSTEM, value: "EPR-1006" },
      ],
      name: [{ family: "Smythe", given: ["Janet"] }],
      birthDate: "2010-10-22",
      gender: "female",
      address: [{ line: ["1 Secret Street"], postalCode: "LS1 1AA" }],
    };
    const answer = (await (await handOver(janet, {}, "ward-7-pc-7")).json()) as Answer;
    expect(answer.differences.find((d) => d.field === "address")).toMatchObject({
      comparison: "restricted",
      sent: "Restricted",
      pds: "Restricted",
    });
    expect(JSON.stringify(answer)).not.toContain("Secret Street");
  });

  it("the same Idempotency-Key gives the same answer without asking PDS again; reused for another body it is refused", async () => {
    const key = randomUUID();
    const first = await handOver(hartley("EPR-1007"), { "idempotency-key": key }, "ward-7-pc-8");
    expect(first.status).toBe(201);
    const a = (await first.json()) as Answer;
    const before = await fetch(`${stack.pds.origin}/_sim/stats`).then((r) => r.json());
    const second = await handOver(hartley("EPR-1007"), { "idempotency-key": key }, "ward-7-pc-8");
    expect(second.status).toBe(200);
    const b = (await second.json()) as Answer;
    expect(b.contextId).toBe(a.contextId);
    expect(b.verification).toEqual(a.verification);
    expect(await fetch(`${stack.pds.origin}/_sim/stats`).then((r) => r.json())).toEqual(before);
    const other = await handOver(
      hartley("EPR-1007", { gender: "female" }),
      { "idempotency-key": key },
      "ward-7-pc-8",
    );
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: { code: "handover.idempotency_key_reused" } });
  });

  it("refuses an identifier that already names a patient with another NHS number, changing nothing", async () => {
    await handOver(hartley("EPR-1008"), {}, "ward-7-pc-9");
    const contexts = await count("patient_contexts");
    const conflicting = hartley("EPR-1008", {
      identifier: [
        { system: NHS, value: "9991000046" },
        { system: MRN_SYSTEM, value: "EPR-1008" },
      ],
    });
    const response = await handOver(conflicting, {}, "ward-7-pc-9");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "handover.identifier_conflict" } });
    expect(await count("patient_contexts")).toBe(contexts);
    expect((await received()).outcome).toBe("handover.refused");
  });

  it.each([
    [
      "no NHS number",
      { identifier: [{ system: MRN_SYSTEM, value: "EPR-3001" }] },
      422,
      "handover.no_nhs_number",
    ],
    [
      "a wrong check digit",
      {
        identifier: [
          { system: NHS, value: "9991000055" },
          { system: MRN_SYSTEM, value: "EPR-3002" },
        ],
      },
      422,
      "handover.invalid_nhs_number",
    ],
    [
      "no identifier of the system's own",
      { identifier: [{ system: NHS, value: "9991000054" }] },
      422,
      "handover.no_system_identifier",
    ],
    ["a Patient that is not R4", { birthDate: "14/03/1984" }, 400, "handover.not_r4_patient"],
  ] as const)(
    "refuses %s with its own code, recorded, and nothing left behind",
    async (_name, extra, status, code) => {
      const [patients, contexts, identifiers] = await Promise.all([
        count("patients"),
        count("patient_contexts"),
        count("patient_system_identifiers"),
      ]);
      const response = await handOver({ resourceType: "Patient", ...extra }, {}, "ward-7-pc-10");
      expect(response.status).toBe(status);
      const body = await response.json();
      expect(body).toMatchObject({ error: { code }, correlationId: expect.any(String) });
      expect(JSON.stringify(body)).not.toContain("999100005");
      expect(
        await Promise.all([
          count("patients"),
          count("patient_contexts"),
          count("patient_system_identifiers"),
        ]),
      ).toEqual([patients, contexts, identifiers]);
      const record = await received();
      expect(record.outcome).toBe("handover.refused");
      expect(JSON.parse(String(record.details)).code).toBe(code);
    },
  );

  it("answers a FHIR client's refusal as an OperationOutcome naming the code and the element", async () => {
    const response = await handOver(
      {
        resourceType: "Patient",
        identifier: [
          { system: NHS, value: "9991000055" },
          { system: MRN_SYSTEM, value: "x" },
        ],
      },
      { accept: "application/fhir+json", "content-type": "application/fhir+json" },
    );
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/fhir+json");
    expect(await response.json()).toMatchObject({
      resourceType: "OperationOutcome",
      issue: [
        {
          severity: "error",
          code: "processing",
          details: { coding: [{ code: "handover.invalid_nhs_number" }] },
          expression: ["Patient.identifier[0].value"],
        },
      ],
    });
  });

  it("refuses a body without a window id, or without a patient, with the platform's or our code", async () => {
    const noWindow = await fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ patient: hartley("EPR-1009"), windowId: "spaces are not allowed" }),
    });
    expect(noWindow.status).toBe(400);
    expect(await noWindow.json()).toMatchObject({ error: { code: "handover.invalid_window" } });
    const noPatient = await fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ windowId: "w1" }),
    });
    expect(noPatient.status).toBe(400);
  });

  it("takes a hand-over from the user's own browser session only with the CSRF token", async () => {
    const home = await agent.get(`${stack.baseUrl}/home`);
    const body = JSON.stringify({ patient: hartley("EPR-1010"), windowId: "own-page" });
    const without = await agent.request(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body,
    });
    expect(without.status).toBe(403);
    const withToken = await agent.request(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "x-csrf-token": csrfTokenIn(home.body),
      },
      body,
    });
    expect(withToken.status).toBe(201);
    expect(JSON.parse(String((await received()).details))).toMatchObject({
      handoverSource: "ui",
      apiClientId: "ncrs-connect",
    });
  });

  it("takes a bearer token only with the patient-context scope, and grants only the scopes the system is registered for", async () => {
    const launchOnly = await bearerFor(agent, stack.baseUrl, CLIENT, "launch");
    const refused = await fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${launchOnly}` },
      body: JSON.stringify({ patient: hartley("EPR-1013"), windowId: "w" }),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_scope", scope="patient-context"',
    );
    expect(await refused.json()).toMatchObject({ error: { code: "api_access.insufficient_scope" } });
    const back = await agent.get(
      `${stack.baseUrl}/oauth/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: OTHER.id,
        redirect_uri: OTHER.redirectUri,
        code_challenge: "x".repeat(43),
        code_challenge_method: "S256",
        scope: "launch patient-context",
      })}`,
    );
    const location = new URL(back.location ?? "http://x/");
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("counts hand-overs by source and outcome, and refusals by code, in the metrics", async () => {
    const verified = { source: "api", outcome: "verified" };
    const refusedCode = { source: "api", code: "handover.invalid_nhs_number" };
    const before = await Promise.all([
      metricValue(stack.baseUrl, "ncrs_patient_handovers_total", verified),
      metricValue(stack.baseUrl, "ncrs_patient_handover_refusals_total", refusedCode),
    ]);
    await handOver(hartley("EPR-1014"), {}, "ward-7-pc-12");
    await handOver(
      {
        resourceType: "Patient",
        identifier: [
          { system: NHS, value: "9991000055" },
          { system: MRN_SYSTEM, value: "y" },
        ],
      },
      {},
      "ward-7-pc-12",
    );
    expect(await metricValue(stack.baseUrl, "ncrs_patient_handovers_total", verified)).toBe(
      (before[0] ?? 0) + 1,
    );
    expect(await metricValue(stack.baseUrl, "ncrs_patient_handover_refusals_total", refusedCode)).toBe(
      (before[1] ?? 0) + 1,
    );
    expect(await (await fetch(`${stack.baseUrl}/metrics`)).text()).not.toContain("999100005");
  });

  it("refuses a caller that is not signed in, and never writes an NHS number to the log", async () => {
    const anonymous = await fetch(`${stack.baseUrl}/api/v1/patient-contexts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-token" },
      body: JSON.stringify({ patient: hartley("EPR-1011"), windowId: "w" }),
    });
    expect(anonymous.status).toBe(401);
    const logs = JSON.stringify(stack.logs);
    for (const n of ["9991000054", "5900046192", "9991000003", "9000000025"]) expect(logs).not.toContain(n);
  });
});
