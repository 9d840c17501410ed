import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, digest, randomNonce, randomToken } from "./secrets.ts";

describe("secrets", () => {
  it("give every response its own 128-bit nonce, also across refills of the random pool", () => {
    const nonces = Array.from({ length: 1000 }, () => randomNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    // Fresh bytes, not a counter or a repeated block: nonces share no 8-byte prefix.
    expect(new Set(nonces.map((n) => n.slice(0, 11))).size).toBe(nonces.length);
  });

  it("make 256-bit tokens and store them only as their SHA-256", () => {
    const token = randomToken();
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(digest(token)).toBe(hash("sha256", Buffer.from(token), "base64url"));
    expect(digest(token)).not.toBe(digest(randomToken()));
  });

  it("compare secrets of any length without throwing", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
  });
});
