/** Our public signing keys, for CIS2 to verify our private_key_jwt client assertions. */
import type { FastifyInstance } from "fastify";
import type { KeyStore } from "../../platform/key-store.ts";

export async function jwksRoutes(
  app: FastifyInstance,
  deps: { readonly keys: KeyStore; readonly maxAgeSeconds: number },
): Promise<void> {
  app.get("/.well-known/jwks.json", { config: { access: "public", json: true } }, async (_request, reply) =>
    reply
      .header("cache-control", `public, max-age=${deps.maxAgeSeconds}`)
      .type("application/jwk-set+json")
      .send(deps.keys.publicJwks()),
  );
}
