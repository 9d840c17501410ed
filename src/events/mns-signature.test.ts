import { describe, expect, it } from "vitest";
import { AppError } from "../platform/errors.ts";
import { parseSignatureHeader, signatureHeader, signatureOf, verifySignature } from "./mns-signature.ts";

const SECRET = "a-shared-secret-of-some-length";
const BODY = Buffer.from('{"id":"1"}');
const NOW = new Date("2026-05-01T09:00:00Z");
const T = NOW.getTime() / 1000;

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : "not an AppError";
  }
}

const check = (header: string | undefined, overrides: Partial<Parameters<typeof verifySignature>[0]> = {}) =>
  codeOf(() =>
    verifySignature({ header, body: BODY, secrets: [SECRET], now: NOW, windowSeconds: 300, ...overrides }),
  );

describe("X-MNS-Signature", () => {
  it("is the hex HMAC-SHA256 of '<t>.<body>' under the secret (the simulator's documented example shape)", () => {
    expect(signatureOf(SECRET, T, BODY)).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureHeader(SECRET, T, BODY)).toBe(`t=${T},v1=${signatureOf(SECRET, T, BODY)}`);
  });

  it("accepts a valid signature, inside the window either way, and any configured secret", () => {
    expect(check(signatureHeader(SECRET, T, BODY))).toBeUndefined();
    expect(check(signatureHeader(SECRET, T - 300, BODY))).toBeUndefined();
    expect(check(signatureHeader(SECRET, T + 299, BODY))).toBeUndefined();
    expect(
      check(signatureHeader("the-new-secret-x", T, BODY), { secrets: [SECRET, "the-new-secret-x"] }),
    ).toBeUndefined();
    const two = `t=${T},v1=${"0".repeat(64)},v1=${signatureOf(SECRET, T, BODY)}`;
    expect(check(two)).toBeUndefined();
  });

  it("refuses a missing or malformed header", () => {
    for (const header of [
      undefined,
      "",
      "t=1",
      "v1=abc",
      `t=${T},v2=${"a".repeat(64)}`,
      `t=x,v1=${"a".repeat(64)}`,
    ])
      expect(check(header)).toBe("events.signature_missing");
    expect(parseSignatureHeader(`t=${T},t=${T},v1=${"a".repeat(64)}`)).toBeNull();
  });

  it("refuses another secret, another body or another time", () => {
    expect(check(signatureHeader("another-secret-entirely", T, BODY))).toBe("events.signature_invalid");
    expect(check(signatureHeader(SECRET, T, Buffer.from('{"id":"2"}')))).toBe("events.signature_invalid");
    const moved = signatureHeader(SECRET, T, BODY).replace(`t=${T}`, `t=${T + 1}`);
    expect(check(moved)).toBe("events.signature_invalid");
  });

  it("refuses a correct signature made outside the window (a replayed capture)", () => {
    expect(check(signatureHeader(SECRET, T - 301, BODY))).toBe("events.signature_expired");
    expect(check(signatureHeader(SECRET, T + 600, BODY))).toBe("events.signature_expired");
  });
});
