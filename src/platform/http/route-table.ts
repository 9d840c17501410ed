/**
 * Every route the service registers, as method and URL pattern: for tests that must cover every
 * route (no request may answer 5xx, every state-changing route is CSRF-protected) and for reviews.
 */
import type { FastifyInstance } from "fastify";

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

const tables = new WeakMap<object, RegisteredRoute[]>();

/** Records every route registered from now on; call once on the root instance. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RegisteredRoute[] = [];
  tables.set(app, table);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) if (method !== "HEAD") table.push({ method, url: route.url });
  });
}

/** The routes registered on `app` since `recordRoutes`. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return tables.get(app) ?? [];
}
