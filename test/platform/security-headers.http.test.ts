/** Security headers on real responses: CSP with a fresh nonce that the page's script carries, and the rest. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmetHeaders } from "../../src/platform/http/security.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack.close());

async function page(path: string) {
  const response = await fetch(`${stack.baseUrl}${path}`, { headers: { accept: "text/html" } });
  return { headers: response.headers, body: await response.text() };
}

describe("security headers", () => {
  it("send a strict CSP whose nonce is the one on the page's script, fresh for every response", async () => {
    const [a, b] = [await page("/"), await page("/")];
    const csp = a.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{24}$/);
    expect(a.body).toContain(`nonce="${nonce}"`);
    expect(b.headers.get("content-security-policy")).not.toBe(csp);
  });

  it("keep pages out of caches, referrers and frames", async () => {
    const { headers } = await page("/help/smartcard");
    expect(headers.get("cache-control")).toBe("no-store");
    expect(headers.get("referrer-policy")).toBe("no-referrer");
    expect(headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    // NCRS_TAB_REUSE is on by default: pages let the launch page reach the NCRS tab they opened
    // (test/launch/ncrs-tab.http.test.ts covers reuse off, which sends same-origin).
    expect(headers.get("cross-origin-opener-policy")).toBe("same-origin-allow-popups");
    expect(headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(headers.get("origin-agent-cluster")).toBe("?1");
    expect(headers.get("x-permitted-cross-domain-policies")).toBe("none");
    expect(headers.get("x-xss-protection")).toBe("0");
    expect(headers.get("x-powered-by")).toBeNull();
    // Served over plain http in development: no HSTS (it would pin localhost to https).
    expect(headers.get("strict-transport-security")).toBeNull();
  });

  it("send HSTS when served over https, from the same fixed set helmet decides", () => {
    const secure = helmetHeaders({ strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true } });
    expect(secure["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(helmetHeaders({ strictTransportSecurity: false })["strict-transport-security"]).toBeUndefined();
    expect(Object.keys(secure).every((name) => name === name.toLowerCase())).toBe(true);
    // The Content-Security-Policy is never helmet's: ours carries each response's nonce.
    expect(secure["content-security-policy"]).toBeUndefined();
  });

  it("let static assets be cached", async () => {
    const response = await fetch(`${stack.baseUrl}/static/app.js`);
    expect(response.headers.get("cache-control")).toMatch(/max-age=\d+/);
  });

  it("a caller's correlation id never joins another's journey: our request and correlation ids are always our own, the caller's kept beside them", async () => {
    const given = await fetch(`${stack.baseUrl}/healthz`, {
      headers: { "x-request-id": "req-123", "x-correlation-id": "corr-456" },
    });
    expect(given.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(given.headers.get("x-correlation-id")).toBe(given.headers.get("x-request-id"));
    expect(given.headers.get("x-caller-correlation-id")).toBe("corr-456");
    const made = await fetch(`${stack.baseUrl}/healthz`);
    expect(made.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get("x-caller-correlation-id")).toBeNull();
    const unsafe = await fetch(`${stack.baseUrl}/healthz`, {
      headers: { "x-correlation-id": "bad id\twith spaces" },
    });
    expect(unsafe.headers.get("x-caller-correlation-id")).toBeNull();
  });

  it("put the correlation id, and the caller's, on every log line of a request", async () => {
    const response = await fetch(`${stack.baseUrl}/healthz`, {
      headers: { "x-correlation-id": "corr-on-every-line" },
    });
    const ours = response.headers.get("x-correlation-id");
    // Written when the response has finished, which may be just after the client has read it.
    await expect
      .poll(() => stack.logs.some((l) => l["callerCorrelationId"] === "corr-on-every-line"))
      .toBe(true);
    expect(stack.logs.some((l) => l["correlationId"] === "corr-on-every-line")).toBe(false);
    const lines = stack.logs.filter((l) => l["callerCorrelationId"] === "corr-on-every-line");
    expect(lines.every((l) => l["correlationId"] === ours)).toBe(true);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "request completed",
        method: "GET",
        url: "/healthz",
        route: "/healthz",
        status: 200,
      }),
    ]);
  });
});
