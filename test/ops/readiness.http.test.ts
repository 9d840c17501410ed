/**
 * Readiness means this instance can serve (database, migrations, keys); it never asks CIS2 or any
 * other national service, so their outage cannot take every instance out of a load balancer.
 * How the national services are doing is told from the calls we make anyway: on the service
 * status page and as metrics. /metrics can be kept to those holding a configured bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { metricValue } from "../support/metrics.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const METRICS_TOKEN = "metrics-scraper-token-0123456789";

describe("readiness and upstream health", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  const cis2Calls = () => metricValue(stack.baseUrl, "ncrs_cis2_call_duration_seconds_count");

  it("readiness must not depend on CIS2: /readyz asks no national service, and says what it checked", async () => {
    const before = await cis2Calls();
    for (let i = 0; i < 3; i++) {
      const ready = await fetch(`${stack.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
      expect(body.checks.map((c) => c.name)).toEqual(["database", "migrations", "keys"]);
    }
    expect(await cis2Calls()).toBe(before);
  });

  it("readiness must not depend on CIS2: with CIS2 down the instance stays ready, and the status page and metrics say CIS2 is failing", async () => {
    await stack.cis2.close();
    const agent = new HttpAgent();
    const refused = await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    expect(refused.status).toBe(503);
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
    expect(await metricValue(stack.baseUrl, "ncrs_upstream_up", { service: "cis2" })).toBe(0);
    const page = await agent.get(`${stack.baseUrl}/status`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.body).toMatch(/data-testid="upstream-cis2" data-state="failing"/);
    expect(page.body).toMatch(/data-testid="upstream-pds" data-state="(unknown|ok)"/);
    expect(page.body).toContain("Ready to serve");
  });
});

describe("metrics behind a bearer token", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_BEARER_TOKEN: METRICS_TOKEN } });
  });
  afterAll(async () => stack?.close());

  it("refuses /metrics without the configured bearer token, and serves it with it", async () => {
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${stack.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("ncrs_build_info");
  });
});
