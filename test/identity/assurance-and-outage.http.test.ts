/**
 * Assurance policy (AAL3 only), rate limits on sign-in, and CIS2 being unreachable: each answered
 * with a clear page and a stable code, and readiness says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { metricValue } from "../support/metrics.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe("an organisation that requires AAL3", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        CIS2_ACR_VALUES: "AAL3_ANY",
        CIS2_ACCEPTED_ACR: "AAL3_ANY",
        RATE_LIMIT_SIGN_IN_PER_MINUTE: "12",
      },
    });
  });
  afterAll(async () => stack.close());

  it("admits a smartcard user, and times each call to CIS2 for operations", async () => {
    const calls = (call: string) =>
      metricValue(stack.baseUrl, "ncrs_cis2_call_duration_seconds_count", { call, outcome: "ok" });
    const [tokenBefore, userinfoBefore] = [await calls("token"), await calls("userinfo")];
    expect(
      (
        await signIn(new HttpAgent(), stack.baseUrl, {
          user: USERS.singleRole,
          authenticator: "smartcard-connect",
        })
      ).status,
    ).toBe(200);
    expect(await calls("token")).toBe(tokenBefore + 1);
    expect(await calls("userinfo")).toBe(userinfoBefore + 1);
    expect(await calls("discovery")).toBeGreaterThanOrEqual(1);
  });

  it("refuses an AAL2 authenticator, as CIS2 does, with a clear page", async () => {
    const page = await signIn(new HttpAgent(), stack.baseUrl, {
      user: USERS.aal2Only,
      authenticator: "authenticator-app",
    });
    expect(page.status).toBe(401);
    expect(page.body).toContain("sign_in.cis2_refused");
  });

  it("limits sign-in attempts per client address", async () => {
    let last = 0;
    for (let i = 0; i < 15; i++) last = (await new HttpAgent().get(`${stack.baseUrl}/auth/login`)).status;
    expect(last).toBe(429);
    const json = await fetch(`${stack.baseUrl}/auth/login`, {
      headers: { accept: "application/json" },
      redirect: "manual",
    });
    expect(json.status).toBe(429);
    expect(await json.json()).toMatchObject({ error: { code: "request.rate_limited" } });
  });
});

describe("when CIS2 cannot be reached", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CIS2_HTTP_TIMEOUT_MS: "500" } });
    await stack.cis2.close();
  });
  afterAll(async () => stack.close().catch(() => undefined));

  it("says so plainly at sign-in, with a code and reference, and counts the failed call", async () => {
    const failed = () =>
      metricValue(stack.baseUrl, "ncrs_cis2_call_duration_seconds_count", {
        call: "discovery",
        outcome: "sign_in.cis2_unavailable",
      });
    const before = await failed();
    const page = await new HttpAgent().get(`${stack.baseUrl}/auth/login`);
    expect(page.status).toBe(503);
    expect(page.body).toContain("NHS Care Identity is not responding");
    expect(page.body).toContain("sign_in.cis2_unavailable");
    expect(await failed()).toBeGreaterThan(before);
  });

  it("stays ready and alive (readiness is this instance's, not CIS2's), and the status page says CIS2 is not responding", async () => {
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    const status = await new HttpAgent().get(`${stack.baseUrl}/status`);
    expect(status.body).toMatch(/data-testid="upstream-cis2" data-state="failing"/);
    const health = await fetch(`${stack.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const { version } = (await health.json()) as { version: string };
    expect(await metricValue(stack.baseUrl, "ncrs_build_info", { version })).toBe(1);
  });

  it("keeps serving pages that do not need CIS2", async () => {
    expect((await new HttpAgent().get(`${stack.baseUrl}/`)).status).toBe(200);
  });
});
