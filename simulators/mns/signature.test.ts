import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signatureHeader } from "./signature.ts";
import { type Harness, startHarness, TEST_SECRET } from "./test-support/harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

/** Recomputed here with node:crypto directly, so a mistake in signature.ts cannot hide itself. */
function expectedV1(secret: string, t: string, rawBody: string): string {
  return createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex");
}

describe("signatureHeader", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>", () => {
    const header = signatureHeader("s3cret", 1_700_000_000, '{"a":1}');
    expect(header).toBe(`t=1700000000,v1=${expectedV1("s3cret", "1700000000", '{"a":1}')}`);
  });

  it("changes when the body, the time or the secret changes", () => {
    const base = signatureHeader("k", 1, "body");
    expect(signatureHeader("k", 1, "body ")).not.toBe(base);
    expect(signatureHeader("k", 2, "body")).not.toBe(base);
    expect(signatureHeader("k2", 1, "body")).not.toBe(base);
  });
});

describe.each(["cloudevent", "fhir"] as const)("a %s delivery", (format) => {
  it("carries a verifiable X-MNS-Signature over the raw body, a correlation id and the content type", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { status } = await harness.control("POST", "/publish", {
      type: "pds-record-change-2",
      nhsNumber: "9991000038",
      format,
    });
    expect(status).toBe(200);
    const [request] = harness.receiver.requests;
    if (!request) throw new Error("nothing delivered");
    expect(request.method).toBe("POST");
    const header = String(request.headers["x-mns-signature"]);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    if (!match?.[1] || !match[2]) throw new Error(`malformed signature header: ${header}`);
    expect(Number(match[1])).toBeGreaterThanOrEqual(before);
    expect(Number(match[1])).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(match[2]).toBe(expectedV1(TEST_SECRET, match[1], request.body));
    expect(request.headers["x-correlation-id"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const contentType = format === "cloudevent" ? "application/cloudevents+json" : "application/fhir+json";
    expect(request.headers["content-type"]).toBe(contentType);
  });
});

it("gives each delivery its own correlation id", async () => {
  await harness.control("POST", "/publish", { type: "pds-record-change-2", nhsNumber: "9991000038" });
  await harness.control("POST", "/publish", { type: "pds-record-change-2", nhsNumber: "9991000038" });
  const ids = harness.receiver.requests.map((request) => request.headers["x-correlation-id"]);
  expect(ids).toHaveLength(2);
  expect(ids[0]).not.toBe(ids[1]);
});
