/**
 * The PDS client against the PDS simulator over real HTTP: what each kind of answer becomes, the
 * mapping of real PDS records, the headers sent, and how failures are translated.
 */
import type { OperationOutcome, Patient } from "fhir/r4.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DemographicsReadResult } from "../../patients/national-patient.ts";
import { type NhsNumber, nhsNumber } from "../../patients/nhs-number.ts";
import { AppError } from "../../platform/errors.ts";
import { staticAccessToken } from "./access-token.ts";
import { toNationalPatient } from "./fhir-patient.mapper.ts";
import { PdsClient, type PdsClientOptions } from "./pds-client.ts";
import {
  manualClock,
  type PdsSimulatorProcess,
  startPdsSimulatorProcess,
  testClientOptions,
} from "./pds-simulator.test-support.ts";

let sim: PdsSimulatorProcess;
beforeAll(async () => {
  sim = await startPdsSimulatorProcess();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function client(overrides: Partial<PdsClientOptions> = {}): PdsClient {
  return new PdsClient(testClientOptions(sim.baseUrl, { sleep: async () => {}, ...overrides }));
}

function read(number: string, overrides: Partial<PdsClientOptions> = {}): Promise<DemographicsReadResult> {
  return client(overrides).read(nhsNumber(number), { correlationId: "corr-1" });
}

/** The AppError a read fails with. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

function spineCodeOf(cause: unknown): string | undefined {
  return (cause as OperationOutcome).issue[0]?.details?.coding?.[0]?.code;
}

describe("PdsClient outcomes", () => {
  it("maps a rich record in full; addresses, contacts and a GP whose period has ended are not current", async () => {
    const result = await read("9000000009");
    expect(result.kind).toBe("found");
    if (result.kind !== "found") return;
    expect(result.patient).toEqual({
      nhsNumber: "9000000009",
      versionId: "2",
      nhsNumberVerificationStatus: "01",
      confidentiality: "unrestricted",
      name: { prefix: "Mrs", given: ["Jane"], family: "Smith" },
      birthDate: "2010-10-22",
      gender: "female",
      address: null,
      phone: null,
      email: null,
      gpOdsCode: null,
      death: { dateTime: "2010-10-22T00:00:00+00:00", notificationStatus: "formal" },
    });
    expect(result.retrievedAt).toBeInstanceOf(Date);
  });

  it("maps the same record's home address, phone, email and GP on a date when they were current", async () => {
    const result = await read("9000000009", { clock: manualClock(Date.parse("2021-06-01T12:00:00Z")) });
    expect(result.kind === "found" && result.patient).toMatchObject({
      address: {
        lines: ["1 Trevelyan Square", "Boar Lane", "City Centre", "Leeds", "West Yorkshire"],
        postalCode: "LS1 6AE",
      },
      phone: "01632960587",
      email: "jane.smith@example.com",
      gpOdsCode: "Y12345",
    });
  });

  it("maps restricted records without location data, contacts or GP", async () => {
    for (const number of ["9000000025", "9991000070"]) {
      const result = await read(number);
      expect(result.kind === "found" && result.patient).toMatchObject({
        confidentiality: "restricted",
        address: null,
        phone: null,
        email: null,
        gpOdsCode: null,
      });
    }
    const janet = await read("9000000025");
    expect(janet.kind === "found" && janet.patient.name).toEqual({
      prefix: "Mrs",
      given: ["Janet"],
      family: "Smythe",
    });
  });

  it("keeps location data of a restricted record hidden even when the record holds it", async () => {
    await sim.changePatient("9991000038", { security: "R" });
    const stored = (await sim.storedPatient("9991000038")) as Patient;
    expect(stored.address?.length).toBeGreaterThan(0);
    expect(toNationalPatient(stored, new Date())).toMatchObject({
      address: null,
      phone: null,
      gpOdsCode: null,
    });
  });

  it("maps a minimal record to nulls", async () => {
    const result = await read("9000000033");
    expect(result.kind === "found" && result.patient).toEqual({
      nhsNumber: "9000000033",
      versionId: "2",
      nhsNumberVerificationStatus: "01",
      confidentiality: "unrestricted",
      name: null,
      birthDate: null,
      gender: null,
      address: null,
      phone: null,
      email: null,
      gpOdsCode: null,
      death: null,
    });
  });

  it("reports a superseded number with the surviving patient", async () => {
    const result = await read("9991000003");
    expect(result.kind).toBe("superseded");
    if (result.kind !== "superseded") return;
    expect(result.requested).toBe("9991000003");
    expect(result.patient).toMatchObject({
      nhsNumber: "9991000100",
      versionId: "3",
      name: { given: ["Amelia", "Rose"], family: "Hartley" },
      address: { postalCode: "LS6 2AB" },
      gpOdsCode: "Y90002",
    });
  });

  it("reports invalidated and unknown numbers as outcomes, not errors", async () => {
    expect(await read("9991000011")).toMatchObject({ kind: "invalidated", requested: "9991000011" });
    expect(await read("9993000000")).toMatchObject({ kind: "not_found", requested: "9993000000" });
  });
});

describe("PdsClient requests", () => {
  it("sends a UUID request id, the correlation id, and no Authorization or ODS header unless configured", async () => {
    await read("9000000009");
    const [request] = await sim.requests();
    expect(request?.path).toMatch(/\/Patient\/9000000009$/);
    expect(request?.headers["x-request-id"]).toMatch(UUID_V4);
    expect(request?.headers["x-correlation-id"]).toBe("corr-1");
    expect(request?.headers["nhsd-end-user-organisation-ods"]).toBeNull();
    expect(request?.authorization).toBe(false);
  });

  it("sends the bearer token and the end user's organisation when configured", async () => {
    await read("9000000009", { tokenSource: staticAccessToken("abc123"), endUserOdsCode: "Y90002" });
    const [request] = await sim.requests();
    expect(request?.authorization).toBe(true);
    expect(request?.headers["nhsd-end-user-organisation-ods"]).toBe("Y90002");
  });

  it("uses a fresh request id for each logical read", async () => {
    const pds = client();
    await pds.read(nhsNumber("9000000009"), { correlationId: "a" });
    await pds.read(nhsNumber("9000000009"), { correlationId: "b" });
    const ids = (await sim.requests()).map((r) => r.headers["x-request-id"]);
    expect(new Set(ids).size).toBe(2);
  });
});

describe("PdsClient failures", () => {
  it("turns a refused token into pds.access_denied without retrying", async () => {
    const error = await failure(read("9000000009", { tokenSource: staticAccessToken("not a token!") }));
    expect(error.code).toBe("pds.access_denied");
    expect(spineCodeOf(error.cause)).toBe("ACCESS_DENIED");
    expect(await sim.requests()).toHaveLength(1);
  });

  it("turns a 400 into pds.rejected without retrying, keeping the OperationOutcome", async () => {
    // A number that slipped past validation: only PDS's own check stands between it and a read.
    const invalid = "9000000000" as NhsNumber;
    const error = await failure(client().read(invalid, { correlationId: "c" }));
    expect(error.code).toBe("pds.rejected");
    expect(spineCodeOf(error.cause)).toBe("INVALID_RESOURCE_ID");
    expect(await sim.requests()).toHaveLength(1);
  });

  it("turns a body that is not JSON into pds.bad_response, keeping the parse error", async () => {
    const error = await failure(read("9992000074"));
    expect(error.code).toBe("pds.bad_response");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("retries a reset connection and then reports pds.unavailable", async () => {
    const error = await failure(read("9992000066", { maxAttempts: 2 }));
    expect(error.code).toBe("pds.unavailable");
    expect(error.cause).toBeInstanceOf(Error);
    expect((await sim.requests()).map((r) => r.status)).toEqual([null, null]);
  });

  it("retries a server error and then reports pds.unavailable", async () => {
    const error = await failure(read("9992000082", { maxAttempts: 3 }));
    expect(error.code).toBe("pds.unavailable");
    expect(spineCodeOf(error.cause)).toBe("UNKNOWN_ERROR");
    expect((await sim.requests()).map((r) => r.status)).toEqual([500, 500, 500]);
  });

  it("gives up on a slow answer after the per-attempt time-out with pds.timeout", async () => {
    const error = await failure(read("9992000058", { timeoutMs: 300, maxAttempts: 2 }));
    expect(error.code).toBe("pds.timeout");
    // The request log records a request when it is answered; the counters when it arrives.
    expect((await sim.stats()).requests).toBe(2);
  });
});
