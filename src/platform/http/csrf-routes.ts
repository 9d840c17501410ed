/**
 * Every state-changing route proves it is CSRF-protected, or says why it need not be. Routes are
 * checked as they are registered: a POST, PUT, PATCH or DELETE must run the CSRF check (directly,
 * or through `csrfUnless` when a non-cookie credential stands in), or declare
 * `config.csrfExempt` with its reason. A route that does neither stops the service from starting,
 * and the table of what each route does is kept for tests and reviews.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Why this state-changing route needs no CSRF token (e.g. it is called server to server). */
    csrfExempt?: string;
  }
}

type PreHandler = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void;

const GUARD = Symbol("csrf-guard");
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const MIN_REASON = 20;

export interface CsrfRoute {
  readonly method: string;
  readonly url: string;
  /** How the route is protected, or its stated exemption. */
  readonly protection: "csrf" | "csrf_unless" | { readonly exempt: string };
}

const tables = new WeakMap<object, CsrfRoute[]>();

/**
 * A pre-handler that runs the CSRF check unless `skip(request)`: for routes where another
 * credential that a browser never sends by itself (a bearer token) stands in for the cookie, or
 * where there is no session left to protect.
 */
export function csrfUnless(app: FastifyInstance, skip: (request: FastifyRequest) => boolean): PreHandler {
  const guard: PreHandler = (request, reply, done) =>
    skip(request) ? done() : app.csrfProtection(request, reply, done);
  return Object.assign(guard, { [GUARD]: true });
}

function protectionOf(app: FastifyInstance, route: RouteOptions): CsrfRoute["protection"] | undefined {
  // Before validation (preValidation) or after it (preHandler): either guards the route.
  const handlers = [route.preValidation ?? [], route.preHandler ?? []].flat() as unknown[];
  if (handlers.includes(app.csrfProtection)) return "csrf";
  if (handlers.some((h) => typeof h === "function" && GUARD in h)) return "csrf_unless";
  const reason = route.config?.csrfExempt;
  return typeof reason === "string" && reason.trim().length >= MIN_REASON ? { exempt: reason } : undefined;
}

/** Checks every route registered from now on; call once on the root instance, after the CSRF plugin. */
export function enforceCsrfOnRoutes(app: FastifyInstance): void {
  const table: CsrfRoute[] = [];
  tables.set(app, table);
  app.addHook("onRoute", (route) => {
    const methods = [route.method].flat().filter((m) => STATE_CHANGING.has(m));
    if (methods.length === 0) return;
    const protection = protectionOf(app, route);
    if (protection === undefined)
      throw new Error(
        `${methods.join(",")} ${route.url} changes state without CSRF protection: add preHandler app.csrfProtection, or config.csrfExempt with the reason`,
      );
    for (const method of methods) table.push({ method, url: route.url, protection });
  });
}

/** The state-changing routes registered on `app` and how each is protected. */
export function csrfRouteTable(app: FastifyInstance): readonly CsrfRoute[] {
  return tables.get(app) ?? [];
}
