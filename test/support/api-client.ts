/**
 * A registered point-of-care system for tests: its secret made as operators make it (the CLI), its
 * API_CLIENTS entry, and a bearer token for a signed-in agent obtained the real way (the user's
 * browser through /oauth/authorize, the system's server at /oauth/token with PKCE).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import type { HttpAgent } from "./http-agent.ts";

export interface TestApiClient {
  readonly id: string;
  readonly secret: string;
  readonly redirectUri: string;
  /** The entry for API_CLIENTS. */
  readonly entry: Record<string, unknown>;
}

export function makeApiClient(
  id = "riverside-epr",
  redirectUri = "http://127.0.0.1:9/ncrs/callback",
  scopes: readonly string[] = ["launch", "patient-context"],
): TestApiClient {
  const made = execFileSync(process.execPath, ["src/cli.ts", "api-client", "secret"], { encoding: "utf8" });
  const secret = /secret \(give it to the system, once\): (\S+)/.exec(made)?.[1] ?? "";
  const secretSha256 = /secretSha256 \(for API_CLIENTS\): ([0-9a-f]{64})/.exec(made)?.[1] ?? "";
  return { id, secret, redirectUri, entry: { id, secretSha256, redirectUris: [redirectUri], scopes } };
}

/** A bearer token acting for the agent's session (the agent must be signed in). */
export async function bearerFor(
  agent: HttpAgent,
  baseUrl: string,
  client: TestApiClient,
  scope?: string,
): Promise<string> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const back = await agent.get(
    `${baseUrl}/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: client.id,
      redirect_uri: client.redirectUri,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "s",
      ...(scope === undefined ? {} : { scope }),
    })}`,
  );
  const code = new URL(back.location ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`no authorization code (status ${back.status})`);
  const basic = Buffer.from(`${client.id}:${client.secret}`).toString("base64");
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token (status ${response.status})`);
  return body.access_token;
}
