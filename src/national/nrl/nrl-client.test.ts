/**
 * The NRL adapter against the NRL simulator over real HTTP: what each kind of answer becomes,
 * the headers sent, malformed pointers refused one by one, and every error NRL gives.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type NhsNumber, nhsNumber } from "../../patients/nhs-number.ts";
import { AppError } from "../../platform/errors.ts";
import { staticAccessToken } from "../apim/access-token.ts";
import { type NrlCallEvent, NrlClient, type NrlClientOptions } from "./nrl-client.ts";
import { type NrlHarness, startNrlHarness, testNrlOptions } from "./nrl-simulator.test-support.ts";

let nrl: NrlHarness;
beforeAll(async () => {
  nrl = await startNrlHarness();
});
afterAll(() => nrl.close());
beforeEach(() => nrl.reset());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const asked = { correlationId: "corr-nrl-1", odsCode: "RX4" };

function client(overrides: Partial<NrlClientOptions> = {}): NrlClient {
  return new NrlClient(testNrlOptions(nrl.sim.baseUrl, { sleep: async () => {}, ...overrides }));
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe("NrlClient search", () => {
  it("maps every field of a patient's pointers (POST _search), keeping provenance", async () => {
    const result = await client().search(nhsNumber("9991000054"), asked);
    expect(result.kind).toBe("found");
    if (result.kind !== "found") return;
    expect(result.refused).toBe(0);
    expect(result.provenance.source).toBe("NRL");
    expect(result.provenance.retrievedAt).toBeInstanceOf(Date);
    expect(result.pointers.map((p) => p.id)).toEqual(["RX4-1001", "Y05868-1002", "RR8-1003"]);
    expect(result.pointers[0]).toEqual({
      id: "RX4-1001",
      type: { code: "736253002", display: "Mental health crisis plan" },
      category: { code: "734163000", display: "Care plan" },
      custodian: "RX4",
      author: "RX4",
      created: "2026-10-02T09:30:00Z",
      updated: "2026-10-02T09:30:00Z",
      stability: "static",
      format: "urn:nhs-ic:unstructured",
      retrieval: "SSP",
      version: "1",
    });
    expect(result.pointers[2]?.stability).toBe("dynamic");
  });

  it("searches with GET as well, with the same answer", async () => {
    const post = await client().search(nhsNumber("9991000046"), asked);
    const get = await client({ searchMethod: "GET" }).search(nhsNumber("9991000046"), asked);
    expect(get).toMatchObject({ kind: "found", pointers: post.kind === "found" ? post.pointers : [] });
    const routes = (await nrl.requests()).map((r) => r.route);
    expect(routes).toEqual(["search-post", "search-get"]);
  });

  it("sends a fresh X-Request-ID, the user's ODS code, the correlation id and the token", async () => {
    await client({ tokenSource: staticAccessToken("a-token") }).search(nhsNumber("9991000054"), asked);
    await client().search(nhsNumber("9991000054"), asked);
    const [first, second] = await nrl.requests();
    expect(first?.headers["x-request-id"]).toMatch(UUID);
    expect(second?.headers["x-request-id"]).not.toBe(first?.headers["x-request-id"]);
    expect(first?.headers["nhsd-end-user-organisation-ods"]).toBe("RX4");
    expect(first?.headers["x-correlation-id"]).toBe("corr-nrl-1");
    expect(first?.authorization).toBe(true);
    expect(second?.authorization).toBe(false);
  });

  it("refuses malformed pointers one by one and keeps the rest of the list", async () => {
    const result = await client().search(nhsNumber("9991000038"), asked);
    expect(result).toMatchObject({ kind: "found", refused: 3 });
    expect(result.kind === "found" && result.pointers.map((p) => p.id)).toEqual(["RX4-4001"]);
  });

  it("answers an empty list for a patient with no pointers", async () => {
    const result = await client().search(nhsNumber("9991000003"), asked);
    expect(result).toMatchObject({ kind: "found", pointers: [], refused: 0 });
  });

  it("sees a pointer added at NRL, and no longer one removed", async () => {
    const id = await nrl.addPointer("9991000003", "736373009", "RR8");
    const added = await client().search(nhsNumber("9991000003"), asked);
    expect(added.kind === "found" && added.pointers.map((p) => p.id)).toEqual([id]);
    await nrl.removePointer(id);
    expect(await client().search(nhsNumber("9991000003"), asked)).toMatchObject({ pointers: [] });
  });

  it("takes NRL's 403 (no pointers for this ODS code) as an answer, not an outage", async () => {
    const events: NrlCallEvent[] = [];
    const c = client({
      circuit: { failureThreshold: 1, resetAfterMs: 60_000 },
      onCall: (e) => events.push(e),
    });
    expect(await c.search(nhsNumber("9991000054"), { ...asked, odsCode: "XYZ" })).toMatchObject({
      kind: "none_for_organisation",
    });
    expect(await c.search(nhsNumber("9991000054"), { ...asked, odsCode: "XYZ" })).toMatchObject({
      kind: "none_for_organisation",
    });
    expect(c.circuitState).toBe("closed");
    expect(events.map((e) => [e.outcome, e.status])).toEqual([
      ["none_for_organisation", 403],
      ["none_for_organisation", 403],
    ]);
  });
});

describe("NrlClient errors", () => {
  it("a missing ODS header is NRL's 400 PRECONDITION_FAILED, said as nrl.rejected and not retried", async () => {
    const error = await failure(client().search(nhsNumber("9991000054"), { ...asked, odsCode: "" }));
    expect(error.code).toBe("nrl.rejected");
    expect(error.details).toEqual({ status: 400, nrlCode: "PRECONDITION_FAILED" });
    expect(await nrl.requests()).toHaveLength(1);
  });

  it("an invalid parameter is NRL's 400 INVALID_PARAMETER, said as nrl.rejected", async () => {
    const error = await failure(client().search("9000000000" as NhsNumber, asked));
    expect(error.code).toBe("nrl.rejected");
    expect(error.details).toEqual({ status: 400, nrlCode: "INVALID_PARAMETER" });
  });

  it.each([
    ["unavailable", 503],
    ["server-error", 500],
  ])(
    "NRL's %s (%i) is retried with the same X-Request-ID, then nrl.unavailable",
    async (scenario, status) => {
      await nrl.scenario(scenario);
      const error = await failure(client().search(nhsNumber("9991000054"), asked));
      expect(error.code).toBe("nrl.unavailable");
      expect(error.details).toMatchObject({ status });
      const requests = await nrl.requests();
      expect(requests.map((r) => r.status)).toEqual([status, status, status]);
      expect(new Set(requests.map((r) => r.headers["x-request-id"])).size).toBe(1);
    },
  );

  it("no answer within the time limit is nrl.timeout", async () => {
    await nrl.scenario("slow");
    const error = await failure(
      client({ timeoutMs: 100, maxAttempts: 1 }).search(nhsNumber("9991000054"), asked),
    );
    expect(error.code).toBe("nrl.timeout");
  });

  it("nobody listening is nrl.unavailable", async () => {
    const gone = await startNrlHarness();
    await gone.close();
    const c = new NrlClient(testNrlOptions(gone.sim.baseUrl, { sleep: async () => {}, maxAttempts: 2 }));
    expect((await failure(c.search(nhsNumber("9991000054"), asked))).code).toBe("nrl.unavailable");
  });

  it("the circuit opens after repeated outages and then refuses without calling NRL", async () => {
    await nrl.scenario("unavailable");
    const c = client({ maxAttempts: 1, circuit: { failureThreshold: 2, resetAfterMs: 60_000 } });
    await failure(c.search(nhsNumber("9991000054"), asked));
    await failure(c.search(nhsNumber("9991000054"), asked));
    expect(c.circuitState).toBe("open");
    expect((await failure(c.search(nhsNumber("9991000054"), asked))).code).toBe("nrl.circuit_open");
    expect(await nrl.requests()).toHaveLength(2);
  });
});

describe("NrlClient read", () => {
  it("reads one pointer by id, and null for an id NRL does not hold", async () => {
    expect(await client().read("Y05868-1002", asked)).toMatchObject({
      id: "Y05868-1002",
      type: { code: "1382601000000107" },
      custodian: "Y05868",
    });
    expect(await client().read("RX4-999999", asked)).toBeNull();
    expect((await nrl.requests()).map((r) => [r.route, r.status])).toEqual([
      ["read", 200],
      ["read", 404],
    ]);
  });

  it("refuses a malformed pointer read by id as nrl.bad_response", async () => {
    expect((await failure(client().read("RX4-4002", asked))).code).toBe("nrl.bad_response");
  });
});
