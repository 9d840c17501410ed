import { randomUUID } from "node:crypto";
import type { Patient } from "fhir/r4.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS, type ScenarioId } from "./scenarios.ts";
import type { PdsSimulator } from "./server.ts";
import {
  control,
  pdsHeaders,
  readPatient,
  searchPatients,
  spineCode,
  startTestSimulator,
} from "./test-support.ts";

const SLOW_MS = 400;

function numberOf(id: ScenarioId): string {
  const scenario = SCENARIOS.find((entry) => entry.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario.nhsNumber;
}

let sim: PdsSimulator;
beforeAll(async () => {
  sim = await startTestSimulator({ slowDelayMs: SLOW_MS });
});
afterAll(() => sim.close());
afterEach(async () => {
  await control(sim, "PUT", "/scenario", { scenario: null });
});

describe("scenarios selected by test NHS number", () => {
  it("rate-limited-once: 429 without Retry-After, then success when retried with the same X-Request-ID", async () => {
    const requestId = randomUUID();
    const first = await readPatient(sim, numberOf("rate-limited-once"), pdsHeaders(requestId));
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBeNull();
    expect(await spineCode(first)).toBe("TOO_MANY_REQUESTS");

    const retry = await readPatient(sim, numberOf("rate-limited-once"), pdsHeaders(requestId));
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as Patient).id).toBe(numberOf("rate-limited-once"));
  });

  it("rate-limited-once: a retry with a new X-Request-ID is a new first attempt", async () => {
    const first = await readPatient(sim, numberOf("rate-limited-once"));
    const retry = await readPatient(sim, numberOf("rate-limited-once"));
    expect([first.status, retry.status]).toEqual([429, 429]);
  });

  it("unavailable-once: 503 with Retry-After: 5, then success with the same X-Request-ID", async () => {
    const requestId = randomUUID();
    const first = await readPatient(sim, numberOf("unavailable-once"), pdsHeaders(requestId));
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("5");
    expect(await spineCode(first)).toBe("SERVICE_UNAVAILABLE");
    const retry = await readPatient(sim, numberOf("unavailable-once"), pdsHeaders(requestId));
    expect(retry.status).toBe(200);
  });

  it("rate-limited: 429 on every attempt, even with the same X-Request-ID", async () => {
    const requestId = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await readPatient(sim, numberOf("rate-limited"), pdsHeaders(requestId));
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBeNull();
    }
  });

  it("unavailable: 503 with Retry-After: 5 on every attempt", async () => {
    const requestId = randomUUID();
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await readPatient(sim, numberOf("unavailable"), pdsHeaders(requestId));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
    }
  });

  it("slow: answers normally, but after a prompt request made later has already been answered", async () => {
    const finished: string[] = [];
    const slow = readPatient(sim, numberOf("slow")).then((response) => {
      finished.push("slow");
      return response;
    });
    const prompt = await readPatient(sim, "9000000009");
    finished.push("prompt");
    const response = await slow;
    expect(prompt.status).toBe(200);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Patient).id).toBe(numberOf("slow"));
    expect(finished).toEqual(["prompt", "slow"]);
  });

  it("connection-reset: the client sees a network error, not a response", async () => {
    await expect(readPatient(sim, numberOf("connection-reset"))).rejects.toThrow(TypeError);
    const { body } = await control(sim, "GET", "/requests?limit=1");
    const [last] = (body as { requests: { status: number | null; scenario: string | null }[] }).requests;
    expect(last).toMatchObject({ status: null, scenario: "connection-reset" });
  });

  it("malformed-body: 200 application/fhir+json whose body does not parse", async () => {
    const response = await readPatient(sim, numberOf("malformed-body"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/fhir+json");
    const text = await response.text();
    expect(text.startsWith('{"resourceType":"Patient"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it("server-error: 500 UNKNOWN_ERROR", async () => {
    const response = await readPatient(sim, numberOf("server-error"));
    expect(response.status).toBe(500);
    expect(await spineCode(response)).toBe("UNKNOWN_ERROR");
  });

  it("still validates the request before applying a scenario", async () => {
    const response = await readPatient(sim, numberOf("server-error"), {});
    expect(response.status).toBe(400);
  });
});

describe("scenarios selected globally", () => {
  it("applies to every patient until cleared", async () => {
    expect((await control(sim, "PUT", "/scenario", { scenario: "server-error" })).status).toBe(200);
    expect((await readPatient(sim, "9000000009")).status).toBe(500);
    expect((await readPatient(sim, "9991000100")).status).toBe(500);
    await control(sim, "PUT", "/scenario", { scenario: null });
    expect((await readPatient(sim, "9000000009")).status).toBe(200);
  });

  it("rate-limited-once keeps working per X-Request-ID for any patient", async () => {
    await control(sim, "PUT", "/scenario", { scenario: "rate-limited-once" });
    const requestId = randomUUID();
    expect((await readPatient(sim, "9000000009", pdsHeaders(requestId))).status).toBe(429);
    expect((await readPatient(sim, "9000000009", pdsHeaders(requestId))).status).toBe(200);
  });

  it("applies to searches as well as reads", async () => {
    await control(sim, "PUT", "/scenario", { scenario: "unavailable" });
    const response = await searchPatients(sim, "family=Smith&birthdate=eq2010-10-22");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
  });

  it("rejects an unknown scenario id", async () => {
    const { status } = await control(sim, "PUT", "/scenario", { scenario: "meltdown" });
    expect(status).toBe(400);
  });

  it("lists the catalogue with one distinct, valid test number per scenario", async () => {
    const { body } = await control(sim, "GET", "/scenarios");
    const catalogue = body as { active: string | null; scenarios: { id: string; nhsNumber: string }[] };
    expect(catalogue.active).toBeNull();
    expect(catalogue.scenarios.map((s) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
    expect(new Set(catalogue.scenarios.map((s) => s.nhsNumber)).size).toBe(SCENARIOS.length);
  });

  it("each scenario's number reads as an ordinary patient when the scenario lets it through", async () => {
    // Under a global scenario that lets everything through once, every test number has a record.
    await control(sim, "PUT", "/scenario", { scenario: "unavailable-once" });
    for (const scenario of SCENARIOS) {
      const requestId = randomUUID();
      await readPatient(sim, scenario.nhsNumber, pdsHeaders(requestId));
      const response = await readPatient(sim, scenario.nhsNumber, pdsHeaders(requestId));
      expect(response.status, scenario.id).toBe(200);
    }
  });
});

describe("shutdown during a slow answer", () => {
  it("answers at once instead of holding close() up", async () => {
    const slowSim = await startTestSimulator({ slowDelayMs: 600_000 });
    const pending = readPatient(slowSim, numberOf("slow"));
    // Wait until the simulator has seen the request, so close() really interrupts it.
    while (((await control(slowSim, "GET", "/stats")).body as { requests: number }).requests === 0);
    await slowSim.close();
    expect((await pending).status).toBe(200);
  });
});
