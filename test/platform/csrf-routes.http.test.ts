/**
 * CSRF gaps: every state-changing route the real app registers is enumerated. Each must be
 * CSRF-protected or carry one of the exemptions listed here with its reason; and each protected
 * route really refuses a signed-in browser's request that lacks the token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfRouteTable } from "../../src/platform/http/csrf-routes.ts";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

/** Routes called server to server, or whose own credential does the token's job. Review each addition. */
const EXEMPT = [
  "POST /auth/backchannel-logout",
  "POST /oauth/token",
  "POST /api/v1/events/mns",
  "POST /launch",
  "POST /embed/v1/launch",
  "POST /context-launch",
].sort();

/** Placeholder path parameters that pass each route's own validation, so the CSRF check is what answers. */
const PARAMS: Readonly<Record<string, string>> = {
  ctx: "testctx0000000000000001",
  check: "00000000-0000-4000-8000-000000000001",
  id: "00000000-0000-4000-8000-000000000002",
  ref: "00000000-0000-4000-8000-000000000003",
};

describe("CSRF on every state-changing route", () => {
  let stack: Stack;
  let clinician: HttpAgent;
  let admin: HttpAgent;

  beforeAll(async () => {
    stack = await startStack();
    clinician = new HttpAgent();
    admin = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    await signIn(admin, stack.baseUrl, { user: USERS.admin });
  });
  afterAll(async () => stack?.close());

  it("CSRF gaps: no state-changing route is without CSRF protection or a listed, justified exemption", () => {
    const routes = csrfRouteTable(stack.built.app);
    expect(routes.length).toBeGreaterThan(15);
    const exempt = routes.filter((r) => typeof r.protection === "object");
    expect(exempt.map((r) => `${r.method} ${r.url}`).sort()).toEqual(EXEMPT);
    for (const route of exempt)
      expect((route.protection as { exempt: string }).exempt.length).toBeGreaterThanOrEqual(20);
  });

  it("CSRF gaps: every protected route refuses a signed-in browser's post without the token", async () => {
    const protectedRoutes = csrfRouteTable(stack.built.app).filter((r) => typeof r.protection === "string");
    const answers: string[] = [];
    for (const route of protectedRoutes) {
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) => PARAMS[name] ?? "x");
      const agent = /^\/(admin|api\/v1\/admin)\//.test(path) ? admin : clinician;
      for (const type of ["form", "json"] as const) {
        const response = await agent.request(`${stack.baseUrl}${path}`, {
          method: route.method,
          headers: {
            accept: "application/json",
            "content-type": type === "form" ? "application/x-www-form-urlencoded" : "application/json",
          },
          // Enough of a body to pass each route's own validation, which runs before the CSRF check.
          body:
            type === "form"
              ? `patientContextId=${PARAMS["ctx"]}`
              : JSON.stringify({ patientContextId: PARAMS["ctx"], patient: {}, windowId: "w" }),
        });
        answers.push(`${route.method} ${route.url} (${type}): ${response.status} ${codeOf(response.body)}`);
      }
    }
    expect(answers.filter((a) => !a.endsWith(": 403 request.csrf_invalid"))).toEqual([]);
    expect(answers.length).toBeGreaterThan(30);
  });
});

function codeOf(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? "";
  } catch {
    return "";
  }
}
