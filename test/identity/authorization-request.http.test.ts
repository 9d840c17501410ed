/**
 * What the service asks CIS2 for at sign-in, read from the real redirect to CIS2's authorization
 * endpoint: the authorization code flow, `openid` and the role scopes, a fresh `state` and `nonce`
 * every time, `prompt=login` with `max_age` (CIS2 re-authenticates), and the assurance class.
 * (The ID token's answers to them, auth_time, acr, nonce, are checked in id-token.checks.test.ts
 * and sign-in.http.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { type Stack, startStack, TEST_CLIENT_ID } from "../support/stack.ts";

describe("the authorization request to CIS2", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  async function authorizeUrl(): Promise<URL> {
    const start = await new HttpAgent().get(`${stack.baseUrl}/auth/login`);
    expect(start.status).toBe(303);
    return new URL(start.headers.get("location") ?? "");
  }

  it("asks CIS2 for an authorization code with openid and the role scopes, prompt=login, max_age and AAL2_OR_AAL3_ANY, back to our callback", async () => {
    const url = await authorizeUrl();
    expect(url.href.startsWith(stack.cis2.issuer)).toBe(true);
    const q = url.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(TEST_CLIENT_ID);
    expect(q.get("redirect_uri")).toBe(`${stack.baseUrl}/auth/callback`);
    expect(q.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["openid", "selectedrole", "nationalrbacaccess"]),
    );
    expect(q.get("prompt")).toBe("login");
    expect(Number(q.get("max_age"))).toBeGreaterThan(0);
    expect(q.get("acr_values")).toBe("AAL2_OR_AAL3_ANY");
  });

  it("sends a new unguessable state and nonce with every sign-in", async () => {
    const [a, b] = [await authorizeUrl(), await authorizeUrl()];
    for (const name of ["state", "nonce"]) {
      expect(a.searchParams.get(name)?.length ?? 0).toBeGreaterThanOrEqual(22);
      expect(a.searchParams.get(name)).not.toBe(b.searchParams.get(name));
    }
  });
});
