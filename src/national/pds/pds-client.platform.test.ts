/**
 * The PDS adapter behind the NHS API platform: tokens got, reused and renewed through the real
 * simulator, a 401 answered by one retry with a fresh token, and every token failure failing the
 * read closed with a `pds.*` error naming the platform's reason as its cause.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nhsNumber } from "../../patients/nhs-number.ts";
import { AppError } from "../../platform/errors.ts";
import { type PlatformHarness, startPlatformHarness } from "../apim/platform-simulator.test-support.ts";
import { PdsClient, type PdsClientOptions } from "./pds-client.ts";
import { testClientOptions } from "./pds-simulator.test-support.ts";

let platform: PlatformHarness;

beforeAll(async () => {
  platform = await startPlatformHarness();
});
afterAll(async () => {
  await platform.close();
});
beforeEach(async () => {
  await platform.apim("POST", "/reset");
  await fetch(`${platform.pds.origin}/_sim/reset`, { method: "POST" });
});

function client(overrides: Partial<PdsClientOptions> = {}): PdsClient {
  return new PdsClient(
    testClientOptions(platform.pds.baseUrl, {
      tokenSource: platform.tokens(),
      sleep: async () => {},
      ...overrides,
    }),
  );
}

const read = (pds: PdsClient, number = "9000000009") =>
  pds.read(nhsNumber(number), { correlationId: "corr-1" });

async function patientStatuses(): Promise<(number | null)[]> {
  const body = (await (await fetch(`${platform.pds.origin}/_sim/requests`)).json()) as {
    requests: { status: number | null; authorization: boolean }[];
  };
  return body.requests.map((r) => r.status);
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe("PDS with application-restricted access through the API platform", () => {
  it("reads with a platform token, and reads again with the same token", async () => {
    const pds = client();
    expect((await read(pds)).kind).toBe("found");
    expect((await read(pds, "9991000038")).kind).toBe("found");
    expect(await patientStatuses()).toEqual([200, 200]);
    expect(await platform.tokenRequests()).toHaveLength(1);
  });

  it("expired token in the middle of a session: PDS's 401 is answered by one retry with a fresh token", async () => {
    const pds = client();
    await read(pds);
    await platform.apim("POST", "/expire-tokens");
    expect((await read(pds, "9991000038")).kind).toBe("found");
    expect(await patientStatuses()).toEqual([200, 401, 200]);
    expect(await platform.tokenRequests()).toHaveLength(2);
  });

  it("a 401 again with the fresh token fails the read at once: pds.access_denied, nothing more sent", async () => {
    const pds = client();
    await read(pds);
    await platform.apim("PUT", "/scenario", { scenario: "refuse-access-tokens" });
    const error = await failure(read(pds, "9991000038"));
    expect(error.code).toBe("pds.access_denied");
    expect(await patientStatuses()).toEqual([200, 401, 401]);
    expect(await platform.tokenRequests()).toHaveLength(2);
  });

  it("a rejected assertion fails the read closed before PDS is called, naming the platform's reason", async () => {
    await platform.apim("PUT", "/scenario", { scenario: "jwks-unreachable" });
    const error = await failure(read(client()));
    expect(error.code).toBe("pds.access_denied");
    expect(error.details).toEqual({ platform: "apim.invalid_key" });
    expect((error.cause as AppError).code).toBe("apim.invalid_key");
    expect(await patientStatuses()).toEqual([]);
  });

  it("the token endpoint being unavailable is PDS being unavailable to us: pds.unavailable", async () => {
    await platform.apim("PUT", "/scenario", { scenario: "unavailable" });
    const error = await failure(read(client()));
    expect(error.code).toBe("pds.unavailable");
    expect(error.details).toEqual({ platform: "apim.unreachable" });
    expect(await patientStatuses()).toEqual([]);
  });

  it("a token failure does not open the circuit: PDS itself is not at fault", async () => {
    const pds = client({ circuit: { failureThreshold: 1, resetAfterMs: 60_000 } });
    await platform.apim("PUT", "/scenario", { scenario: "unavailable" });
    await failure(read(pds));
    await platform.apim("PUT", "/scenario", { scenario: null });
    expect(pds.circuitState).toBe("closed");
    expect((await read(pds)).kind).toBe("found");
  });
});
