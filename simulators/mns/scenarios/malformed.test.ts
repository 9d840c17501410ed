import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, TEST_SECRET } from "../test-support/harness.ts";
import type { ReceivedRequest } from "../test-support/receiver.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

function signatureParts(request: ReceivedRequest): { t: number; v1: string } {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers["x-mns-signature"]));
  if (!match?.[1] || !match[2]) throw new Error("no well-formed signature header");
  return { t: Number(match[1]), v1: match[2] };
}

function validSignature(request: ReceivedRequest): boolean {
  const { t, v1 } = signatureParts(request);
  return createHmac("sha256", TEST_SECRET).update(`${t}.${request.body}`).digest("hex") === v1;
}

function parses(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

async function sendKind(
  kind: string,
  format = "cloudevent",
): Promise<{ sent: ReceivedRequest; reply: Record<string, unknown> }> {
  const { status, body } = await harness.control("POST", "/malformed", { kind, format });
  expect(status).toBe(200);
  // Sent once: no retry even though the receiver may refuse it.
  expect(harness.receiver.requests).toHaveLength(1);
  const sent = harness.receiver.requests[0];
  if (!sent) throw new Error("nothing sent");
  return { sent, reply: body };
}

describe("malformed deliveries, each wrong in one way only", () => {
  it("not-json: a cut-off body, correctly signed", async () => {
    const { sent } = await sendKind("not-json");
    expect(parses(sent.body)).toBe(false);
    expect(validSignature(sent)).toBe(true);
    expect(sent.headers["content-type"]).toBe("application/cloudevents+json");
  });

  it.each(["cloudevent", "fhir"])("missing-subject: no subject anywhere (%s)", async (format) => {
    const { sent } = await sendKind("missing-subject", format);
    expect(parses(sent.body)).toBe(true);
    expect(sent.body).not.toContain('"subject"');
    expect(validSignature(sent)).toBe(true);
  });

  it.each(["cloudevent", "fhir"])(
    "wrong-type: an event type the product never subscribed to (%s)",
    async (format) => {
      const { sent } = await sendKind("wrong-type", format);
      expect(sent.body).toContain("imms-vaccination-record-change-1");
      expect(sent.body).not.toContain("pds-record-change-2");
      expect(validSignature(sent)).toBe(true);
    },
  );

  it("bad-signature: a well-formed header whose HMAC is not under the shared secret", async () => {
    const { sent } = await sendKind("bad-signature");
    expect(parses(sent.body)).toBe(true);
    expect(validSignature(sent)).toBe(false);
    expect(Math.abs(signatureParts(sent).t - Date.now() / 1000)).toBeLessThan(60);
  });

  it("stale-timestamp: correctly signed, but t is ten minutes old", async () => {
    const { sent } = await sendKind("stale-timestamp");
    expect(validSignature(sent)).toBe(true);
    const age = Date.now() / 1000 - signatureParts(sent).t;
    expect(age).toBeGreaterThanOrEqual(600);
    expect(age).toBeLessThan(660);
  });

  it("wrong-content-type: a valid signed event sent as text/plain", async () => {
    const { sent } = await sendKind("wrong-content-type");
    expect(sent.headers["content-type"]).toMatch(/^text\/plain/);
    expect(parses(sent.body)).toBe(true);
    expect(validSignature(sent)).toBe(true);
  });

  it("reports the receiver's answer and what was sent", async () => {
    harness.receiver.respondWith(401);
    const { sent, reply } = await sendKind("bad-signature");
    expect(reply["status"]).toBe(401);
    expect(reply["body"]).toBe(sent.body);
    expect(reply["kind"]).toBe("bad-signature");
    const log = await harness.control("GET", "/deliveries");
    expect(log.body["deliveries"]).toMatchObject([
      { purpose: "malformed:bad-signature", attempt: 1, status: 401 },
    ]);
  });

  it("rejects an unknown kind", async () => {
    expect((await harness.control("POST", "/malformed", { kind: "on-fire" })).status).toBe(400);
    expect(harness.receiver.requests).toHaveLength(0);
  });
});
