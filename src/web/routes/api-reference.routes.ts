/**
 * `GET /developers/api`: the API reference for suppliers, a page read from the generated OpenAPI
 * document (plugins/openapi.plugin.ts), so it always says what the routes declare.
 */
import type { FastifyInstance } from "fastify";
import { apiReference } from "../api-reference.ts";
import { OPENAPI_PATH } from "../openapi.ts";

export async function apiReferenceRoutes(app: FastifyInstance): Promise<void> {
  app.get("/developers/api", { config: { access: "public" } }, async (_request, reply) =>
    reply.page("api-reference", { ...apiReference(app.swagger()), openApiPath: OPENAPI_PATH }),
  );
}
