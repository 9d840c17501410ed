/**
 * Our public keys: the signing keys CIS2 verifies our private_key_jwt client assertions with
 * (`"use":"sig"`), and the encryption key point-of-care systems encrypt signed context launches
 * to (`"use":"enc"`, see docs/adr/0017-signed-context-launch.md). The `use` of each keeps either
 * from being taken for the other.
 */
import type { FastifyInstance } from "fastify";
import type { KeyStore } from "../../platform/key-store.ts";

export async function jwksRoutes(
  app: FastifyInstance,
  deps: { readonly keys: readonly KeyStore[]; readonly maxAgeSeconds: number },
): Promise<void> {
  app.get("/.well-known/jwks.json", { config: { access: "public", json: true } }, async (_request, reply) =>
    reply
      .header("cache-control", `public, max-age=${deps.maxAgeSeconds}`)
      .type("application/jwk-set+json")
      .send({ keys: deps.keys.flatMap((store) => store.publicJwks().keys) }),
  );
}
