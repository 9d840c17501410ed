/**
 * Lets a registered point-of-care system act for a user signed in here, through OAuth 2.0's
 * authorization code grant with PKCE (RFC 6749, RFC 7636): the user's browser passes through
 * `/oauth/authorize` with their session, the system's server exchanges the code (authenticating
 * with its secret) for a bearer token, and the token acts for that session until it expires or the
 * session ends. Every launch made with it runs the same checks and audit as the button.
 */
import { createHash } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import { sessionState } from "../identity/session-policy.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { constantTimeEqual, digest, randomToken } from "../platform/secrets.ts";
import { apiAccessErrors, TokenError } from "./api-access.errors.ts";
import type { ApiAccessRepository, TokenHolder } from "./api-access.ports.ts";
import type { ApiClient, ApiScope, AuthorizationGrant } from "./api-access.types.ts";

export interface ApiAccessDeps {
  readonly clients: readonly ApiClient[];
  readonly grants: ApiAccessRepository;
  readonly events: Events;
  readonly clock: Clock;
  readonly tokenTtlSeconds: number;
}

export interface AuthorizeRequest {
  readonly responseType: string | undefined;
  readonly clientId: string | undefined;
  readonly redirectUri: string | undefined;
  readonly codeChallenge: string | undefined;
  readonly codeChallengeMethod: string | undefined;
  readonly state: string | undefined;
  /** Space-separated scopes asked for; absent means all the client is registered for. */
  readonly scope: string | undefined;
}

export interface TokenRequest {
  readonly grantType: string | undefined;
  readonly code: string | undefined;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
}

export interface ClientCredentials {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
}

const CODE_TTL_MS = 60_000;
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;
const STATE = /^[\x20-\x7e]{1,512}$/;

export class ApiAccessService {
  readonly #deps: ApiAccessDeps;

  constructor(deps: ApiAccessDeps) {
    this.#deps = deps;
  }

  /**
   * Where to send the user's browser back to: the client's redirect URI with a code, or with an
   * OAuth error. Throws (a page, not a redirect) when the client or its redirect URI is unknown.
   */
  async authorize(session: Session, request: AuthorizeRequest, correlationId: string): Promise<string> {
    const redirectUri = request.redirectUri ?? "";
    const client = this.#deps.clients.find(
      (c) => c.id === request.clientId && c.redirectUris.includes(redirectUri),
    );
    if (!client) throw new AppError(apiAccessErrors.unknown_client);
    const back = new URL(redirectUri);
    if (request.state !== undefined && STATE.test(request.state))
      back.searchParams.set("state", request.state);
    const problem = authorizeProblem(request) ?? scopeProblem(client, request.scope);
    if (problem) {
      back.searchParams.set("error", problem.error);
      back.searchParams.set("error_description", problem.description);
      return back.href;
    }
    const code = randomToken();
    const now = this.#deps.clock.now();
    await this.#deps.grants.insertGrant({
      codeHash: digest(code),
      clientId: client.id,
      sessionId: session.id,
      redirectUri,
      codeChallenge: request.codeChallenge as string,
      scopes: scopesAsked(client, request.scope),
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
    });
    await this.#deps.events.emit("api_access.granted", {
      correlationId,
      clientId: client.id,
      by: actorOf(session),
    });
    back.searchParams.set("code", code);
    return back.href;
  }

  /** Exchanges a code for a bearer token (the token endpoint). Throws TokenError. */
  async exchange(
    credentials: ClientCredentials,
    request: TokenRequest,
  ): Promise<{ accessToken: string; expiresIn: number; scopes: readonly ApiScope[] }> {
    const client = this.#authenticate(credentials);
    if (request.grantType !== "authorization_code")
      throw new TokenError("unsupported_grant_type", "Only authorization_code is supported.");
    if (!request.code || !request.codeVerifier || !PKCE_VALUE.test(request.codeVerifier))
      throw new TokenError("invalid_request", "code and a valid code_verifier are required.");
    const now = this.#deps.clock.now();
    const codeHash = digest(request.code);
    const grant = await this.#deps.grants.redeemGrant(codeHash, now);
    if (!grant) {
      // A code presented twice: whatever it gave is revoked (RFC 6749 §4.1.2).
      if (await this.#deps.grants.grantExists(codeHash))
        await this.#deps.grants.revokeTokensOfGrant(codeHash);
      throw new TokenError("invalid_grant", "The code is unknown or was already used.");
    }
    const verifierChallenge = createHash("sha256").update(request.codeVerifier).digest("base64url");
    if (
      grant.clientId !== client.id ||
      grant.redirectUri !== request.redirectUri ||
      grant.expiresAt <= now ||
      !constantTimeEqual(verifierChallenge, grant.codeChallenge)
    )
      throw new TokenError("invalid_grant", "The code was not issued for this request, or has expired.");
    return this.#issueToken(grant, now);
  }

  /** The session a bearer token acts for, if the token is live and the session still active. */
  async sessionFor(token: string): Promise<TokenHolder> {
    const now = this.#deps.clock.now();
    const found = await this.#deps.grants.findTokenSession(digest(token), now);
    if (!found || sessionState(found.session, now).kind !== "active")
      throw new AppError(apiAccessErrors.token_invalid);
    return found;
  }

  async #issueToken(grant: AuthorizationGrant, now: Date) {
    const accessToken = randomToken();
    const expiresAt = new Date(now.getTime() + this.#deps.tokenTtlSeconds * 1000);
    await this.#deps.grants.insertToken({
      tokenHash: digest(accessToken),
      clientId: grant.clientId,
      sessionId: grant.sessionId,
      codeHash: grant.codeHash,
      scopes: grant.scopes,
      expiresAt,
    });
    return { accessToken, expiresIn: this.#deps.tokenTtlSeconds, scopes: grant.scopes };
  }

  #authenticate(credentials: ClientCredentials): ApiClient {
    const client = this.#deps.clients.find((c) => c.id === credentials.clientId);
    const presented = createHash("sha256")
      .update(credentials.clientSecret ?? "")
      .digest("hex");
    // Compared in constant time, and the same work is done for an unknown client.
    const expected = client?.secretSha256 ?? "0".repeat(64);
    if (!constantTimeEqual(presented, expected) || !client || !credentials.clientSecret)
      throw new TokenError("invalid_client", "Client authentication failed.");
    return client;
  }
}

function authorizeProblem(request: AuthorizeRequest): { error: string; description: string } | null {
  if (request.responseType !== "code")
    return { error: "unsupported_response_type", description: "Only response_type=code is supported." };
  if (
    request.codeChallengeMethod !== "S256" ||
    !request.codeChallenge ||
    !PKCE_VALUE.test(request.codeChallenge)
  )
    return {
      error: "invalid_request",
      description: "PKCE is required: code_challenge with code_challenge_method=S256.",
    };
  return null;
}

/** The scopes asked for (all the client is registered for when none are named). */
function scopesAsked(client: ApiClient, scope: string | undefined): ApiScope[] {
  if (scope === undefined || scope.trim() === "") return [...client.scopes];
  return [...new Set(scope.trim().split(/ +/))] as ApiScope[];
}

/** RFC 6749 §4.1.2.1 invalid_scope: a scope the client is not registered for, or none we know. */
function scopeProblem(
  client: ApiClient,
  scope: string | undefined,
): { error: string; description: string } | null {
  const asked = scopesAsked(client, scope);
  const refused = asked.filter((s) => !client.scopes.includes(s));
  return refused.length === 0
    ? null
    : {
        error: "invalid_scope",
        description: `This system is not registered for: ${refused.join(" ").slice(0, 100)}. Registered: ${client.scopes.join(" ")}.`,
      };
}
