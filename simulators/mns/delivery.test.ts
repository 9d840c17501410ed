import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMnsSimulator } from "./server.ts";
import { type Harness, startHarness, TEST_SECRET } from "./test-support/harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

const RECORD_CHANGE = { type: "pds-record-change-2", nhsNumber: "9991000038" };

type Attempt = { attempt: number; status: number | null; correlationId: string };

describe("retries", () => {
  it("retries after 500s and stops at the first 2xx, resending the same event each time", async () => {
    harness.receiver.respondWith(500, 503);
    const { body } = await harness.control("POST", "/publish", RECORD_CHANGE);
    const attempts = body["attempts"] as Attempt[];
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 202],
    ]);
    expect(body["delivered"]).toBe(true);
    const received = harness.receiver.requests;
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(received[0]?.body ?? "{}").id).toBe(body["eventId"]);
    // One delivery, one correlation id across its attempts.
    expect(new Set(received.map((r) => r.headers["x-correlation-id"])).size).toBe(1);
  });

  it("gives up after 3 attempts by default and reports the event as not delivered", async () => {
    harness.receiver.respondWith(500, 500, 500, 500);
    const { body } = await harness.control("POST", "/publish", RECORD_CHANGE);
    expect(body["delivered"]).toBe(false);
    expect((body["attempts"] as Attempt[]).map((a) => a.status)).toEqual([500, 500, 500]);
    expect(harness.receiver.requests).toHaveLength(3);
  });

  it("takes the number of attempts from the request", async () => {
    harness.receiver.respondWith(429, 429, 429, 429);
    const once = await harness.control("POST", "/publish", { ...RECORD_CHANGE, attempts: 1 });
    expect((once.body["attempts"] as Attempt[]).map((a) => a.status)).toEqual([429]);
    const five = await harness.control("POST", "/publish", { ...RECORD_CHANGE, attempts: 5 });
    expect((five.body["attempts"] as Attempt[]).map((a) => a.status)).toEqual([429, 429, 429, 202]);
  });

  it("treats 4xx as not delivered too (only 2xx means accepted)", async () => {
    harness.receiver.respondWith(400);
    const { body } = await harness.control("POST", "/publish", RECORD_CHANGE);
    expect((body["attempts"] as Attempt[]).map((a) => a.status)).toEqual([400, 202]);
  });
});

describe("an endpoint that does not answer", () => {
  it("records each attempt with no status and an error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const mns = await startMnsSimulator({
      port: 0,
      endpoint: `http://127.0.0.1:${port}/intake`,
      secret: TEST_SECRET,
      pdsOrigin: harness.pds.origin,
      retryDelayMs: 1,
    });
    try {
      const response = await fetch(`${mns.origin}/_sim/publish`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...RECORD_CHANGE, attempts: 2 }),
      });
      const body = (await response.json()) as {
        delivered: boolean;
        attempts: (Attempt & { error?: string })[];
      };
      expect(body.delivered).toBe(false);
      expect(body.attempts.map((a) => a.status)).toEqual([null, null]);
      expect(body.attempts[0]?.error).toBeTruthy();
    } finally {
      await mns.close();
    }
  });
});

describe("delivery log", () => {
  it("lists every attempt with event id, type, format, attempt, status and time, oldest first", async () => {
    harness.receiver.respondWith(500);
    const first = await harness.control("POST", "/publish", RECORD_CHANGE);
    await harness.control("POST", "/publish", {
      ...RECORD_CHANGE,
      type: "pds-change-of-gp-2",
      format: "fhir",
    });
    const { body } = await harness.control("GET", "/deliveries");
    const deliveries = body["deliveries"] as Record<string, unknown>[];
    expect(body["total"]).toBe(3);
    expect(deliveries.map((d) => [d["type"], d["format"], d["attempt"], d["status"]])).toEqual([
      ["pds-record-change-2", "cloudevent", 1, 500],
      ["pds-record-change-2", "cloudevent", 2, 202],
      ["pds-change-of-gp-2", "fhir", 1, 202],
    ]);
    expect(deliveries[0]).toMatchObject({ eventId: first.body["eventId"], nhsNumber: "9991000038" });
    expect(String(deliveries[0]?.["time"])).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("honours limit, rejects a bad one, and empties on reset", async () => {
    await harness.control("POST", "/publish", RECORD_CHANGE);
    await harness.control("POST", "/publish", RECORD_CHANGE);
    const limited = await harness.control("GET", "/deliveries?limit=1");
    expect((limited.body["deliveries"] as unknown[]).length).toBe(1);
    expect((await harness.control("GET", "/deliveries?limit=0")).status).toBe(400);
    expect((await harness.control("POST", "/reset")).body).toEqual({ status: "reset" });
    expect((await harness.control("GET", "/deliveries")).body).toEqual({ total: 0, deliveries: [] });
  });
});

it("reports health", async () => {
  expect(await harness.control("GET", "/health")).toEqual({ status: 200, body: { status: "ok" } });
});
