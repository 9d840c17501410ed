/**
 * The OpenAPI description, generated from the routes (@fastify/swagger) and served at
 * /api/v1/openapi.json. Register it before any route: it collects each route as it is added, so a
 * route under /api/v1/ or /oauth/ appears with the schemas it declares, and pages never do.
 * Security is read from what the route enforces (its access level, whether a bearer token may
 * stand in, whether it runs the CSRF check), so the description cannot claim a weaker or
 * stronger guard than the route has; a route declares `schema.security` only for what that cannot
 * say (a signature, client credentials).
 */
import fastifySwagger from "@fastify/swagger";
import type { FastifyInstance, FastifySchema, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { Type } from "typebox";
import { csrfRouteTable } from "../../platform/http/csrf-routes.ts";
import {
  API_INFO,
  API_PREFIXES,
  COMMON_ERRORS,
  errorResponses,
  OPENAPI_PATH,
  SECURITY_SCHEMES,
  TAGS,
} from "../openapi.ts";

type Security = NonNullable<FastifySchema["security"]>;

/** Who may call the route, as OpenAPI security requirements (any one of them is enough). */
function securityOf(app: FastifyInstance, route: RouteOptions): Security {
  const access = route.config?.access ?? "signed_in";
  if (access === "public" || access === "sign_in") return [];
  const methods = [route.method].flat();
  const guarded = csrfRouteTable(app).some(
    (r) => r.url === route.url && methods.includes(r.method) && typeof r.protection === "string",
  );
  const cookie = guarded ? { session: [], csrf: [] } : { session: [] };
  const bearer = route.config?.bearer;
  // The scope the route needs (`true` is launch, the scope of every token before scopes).
  return bearer ? [cookie, { pointOfCareSystem: [bearer === true ? "launch" : bearer] }] : [cookie];
}

export const openApiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: "3.1.0",
        info: API_INFO,
        tags: [...TAGS],
        components: { securitySchemes: SECURITY_SCHEMES },
      },
      transform: ({ schema, url, route }) => {
        if (!API_PREFIXES.some((prefix) => url.startsWith(prefix)))
          return { schema: { ...schema, hide: true }, url };
        if (schema?.security) return { schema, url };
        const security = securityOf(app, route);
        return { schema: security.length > 0 ? { ...schema, security } : schema, url };
      },
    });

    app.get(
      OPENAPI_PATH,
      {
        config: { access: "public", json: true },
        schema: {
          summary: "This description of the API",
          description:
            "The OpenAPI 3.1 description of every API route, generated from the routes themselves.",
          tags: ["Description"],
          operationId: "getOpenApiDescription",
          response: {
            200: Type.Object({}, { additionalProperties: true, description: "An OpenAPI 3.1 document" }),
            ...errorResponses(...COMMON_ERRORS),
          },
        },
      },
      async () => app.swagger(),
    );
  },
  { name: "openapi" },
);
