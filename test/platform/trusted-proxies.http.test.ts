/**
 * Trusted proxies: the client address that rate limits (and audit records) use comes from
 * X-Forwarded-For only when the request came through a proxy we were told to trust.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proxyTrust } from "../../src/app.ts";
import { type Stack, startStack } from "../support/stack.ts";

const LIMIT = 3;

async function signInStarts(stack: Stack, forwardedFor: (i: number) => string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT + 2; i++) {
    const response = await fetch(`${stack.baseUrl}/auth/login`, {
      redirect: "manual",
      headers: { "x-forwarded-for": forwardedFor(i) },
    });
    statuses.push(response.status);
  }
  return statuses;
}

describe("trusted proxies", () => {
  describe("with no proxy trusted (the default)", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ env: { RATE_LIMIT_SIGN_IN_PER_MINUTE: String(LIMIT) } });
    });
    afterAll(async () => stack?.close());

    it("trusted proxies: a client's own X-Forwarded-For does not slip past the sign-in rate limit", async () => {
      const statuses = await signInStarts(stack, (i) => `203.0.113.${i + 1}`);
      expect(statuses.slice(0, LIMIT).every((s) => s === 303)).toBe(true);
      expect(statuses.slice(LIMIT)).toEqual([429, 429]);
    });
  });

  describe("with the proxy's address trusted", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({
        env: { RATE_LIMIT_SIGN_IN_PER_MINUTE: String(LIMIT), TRUST_PROXY: "127.0.0.1/32" },
      });
    });
    afterAll(async () => stack?.close());

    it("trusted proxies: clinicians behind the proxy get a rate limit each, not one between them", async () => {
      expect(await signInStarts(stack, (i) => `198.51.100.${i + 1}`)).toEqual(Array(LIMIT + 2).fill(303));
      const one = await signInStarts(stack, () => "198.51.100.200");
      expect(one.slice(LIMIT)).toEqual([429, 429]);
    });

    it("trusted proxies: only the address the trusted proxy saw counts, not what the client wrote before it", async () => {
      const statuses = await signInStarts(stack, (i) => `10.9.9.${i + 1}, 198.51.100.201`);
      expect(statuses.slice(LIMIT)).toEqual([429, 429]);
    });
  });

  it("a hop count trusts that many addresses nearest the service, the socket's peer first", () => {
    const trust = proxyTrust(1) as (address: string, hop: number) => boolean;
    expect([trust("127.0.0.1", 0), trust("198.51.100.1", 1)]).toEqual([true, false]);
    expect(proxyTrust(false)).toBe(false);
    expect(proxyTrust(["10.0.0.0/8"])).toEqual(["10.0.0.0/8"]);
  });
});
