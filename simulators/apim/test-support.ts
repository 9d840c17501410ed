/**
 * Helpers for the platform simulator's tests: an application with its own RSA key and a JWKS
 * served over real HTTP, assertions signed with any header and claims (to be refused), and the
 * token endpoint called as a client would.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export interface TestApplication {
  readonly apiKey: string;
  readonly kid: string;
  readonly jwksUrl: string;
  readonly privateKey: CryptoKey;
  /** How many times the platform fetched the JWKS. */
  fetches(): number;
  close(): Promise<void>;
}

export async function startTestApplication(apiKey = `app-${randomUUID()}`): Promise<TestApplication> {
  const { privateKey, publicKey } = await generateKeyPair("RS512", {
    extractable: true,
    modulusLength: 2048,
  });
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS512", use: "sig" }] });
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches++;
    response.writeHead(200, { "content-type": "application/json" }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    apiKey,
    kid,
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    privateKey,
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface AssertionShape {
  readonly header?: Record<string, unknown>;
  readonly claims?: Record<string, unknown>;
  /** Sign with another key than the application's. */
  readonly key?: CryptoKey;
}

/** A client assertion as a correct client makes it, changed by `shape`. */
export async function assertion(
  app: TestApplication,
  tokenUrl: string,
  shape: AssertionShape = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: app.apiKey,
    sub: app.apiKey,
    aud: tokenUrl,
    jti: randomUUID(),
    exp: now + 60,
    ...shape.claims,
  };
  const header = { alg: "RS512", typ: "JWT", kid: app.kid, ...shape.header };
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(defined)
    .setProtectedHeader(
      Object.fromEntries(Object.entries(header).filter(([, v]) => v !== undefined)) as never,
    )
    .sign(shape.key ?? app.privateKey);
}

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Posts a form to the token endpoint with the exact Content-Type the platform wants. */
export async function postToken(
  tokenUrl: string,
  fields: Record<string, string>,
  contentType = "application/x-www-form-urlencoded",
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": contentType },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** The client-credentials form for an assertion. */
export function clientCredentials(clientAssertion: string): Record<string, string> {
  return {
    grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER,
    client_assertion: clientAssertion,
  };
}
