/**
 * A point-of-care system's side of a signed context launch, for tests: its signing keys (inline,
 * or served as a JWKS by a tiny HTTP server that can rotate them), tokens signed with jose as the
 * system would sign them, and the encryption of a token to NCRS Connect's published "enc" key.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import {
  CompactEncrypt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { hartley, MRN_SYSTEM, NHS_NUMBER_SYSTEM as NHS } from "../support/fhir-patients.ts";

export { hartley, MRN_SYSTEM, NHS };

export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string, alg = "ES256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export interface LaunchOptions {
  readonly claims?: Record<string, unknown>;
  /** Claims to leave out (e.g. "jti"). */
  readonly without?: readonly string[];
  readonly header?: Record<string, unknown>;
  readonly iat?: number;
  readonly exp?: number;
}

/** A launch token as a system signs one: iss, aud, iat, exp (60 s), jti, the patient. */
export async function signLaunch(
  key: SigningKey,
  iss: string,
  audience: string,
  options: LaunchOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss,
    aud: audience,
    iat: options.iat ?? now,
    exp: options.exp ?? now + 60,
    jti: randomUUID(),
    patient: hartley("EPR-CL-1"),
    ...options.claims,
  };
  for (const name of options.without ?? []) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...options.header } as never)
    .sign(key.privateKey);
}

/** The signed token encrypted to NCRS Connect's published encryption key (as a JWE for an address). */
export async function encryptTo(baseUrl: string, jws: string): Promise<string> {
  const jwks = (await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const enc = jwks.keys.find((k) => k.use === "enc");
  if (!enc?.kid || !enc.alg) throw new Error("NCRS Connect publishes no encryption key");
  return new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg: enc.alg, enc: "A256GCM", cty: "JWT", kid: enc.kid })
    .encrypt(await importJWK(enc, enc.alg));
}

/** A system's JWKS endpoint; `keys` may be replaced (a rotation) while it runs. */
export class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  readonly #server: Server;
  url = "";

  constructor() {
    this.#server = createServer((_request, response) => {
      this.fetches++;
      response.writeHead(200, { "content-type": "application/jwk-set+json" });
      response.end(JSON.stringify({ keys: this.keys }));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (typeof address !== "object" || !address) throw new Error("no port");
    this.url = `http://127.0.0.1:${address.port}/jwks.json`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
