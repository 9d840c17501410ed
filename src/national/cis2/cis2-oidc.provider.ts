/**
 * The CIS2 relying party over OpenID Connect (openid-client): discovery (cached, refreshed after
 * the configured time), the authorization URL with CIS2's parameters, code exchange with
 * `private_key_jwt` (or `client_secret_post`), UserInfo, and logout-token signature checks against
 * CIS2's JWKS. The issuer is used exactly as configured, explicit port included.
 */
import { compactVerify, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import * as oidc from "openid-client";
import type {
  AuthorizationRequest,
  CodeExchangeChecks,
  CodeExchangeResult,
  IdentityProvider,
  TokenClaims,
} from "../../identity/identity.ports.ts";
import { isAppError } from "../../platform/errors.ts";
import type { SigningKey } from "../../platform/key-store.ts";
import { translateCis2Error, translateLogoutTokenError } from "./cis2.errors.ts";

export interface Cis2ProviderOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly clientAuth: "private_key_jwt" | "client_secret_post";
  readonly clientSecret?: string;
  readonly signingKey: () => Promise<SigningKey>;
  readonly assertionAudience: "token_endpoint" | "issuer";
  readonly timeoutMs: number;
  readonly discoveryCacheSeconds: number;
  readonly clockSkewSeconds: number;
  /** Only for the local simulator: permits an http issuer. */
  readonly allowInsecureHttp: boolean;
  /** Told of every call to CIS2 (how long, and how it ended), so operations can tell its speed from ours. */
  readonly onCall?: (call: Cis2Call) => void;
}

export interface Cis2Call {
  readonly call: "discovery" | "token" | "userinfo";
  /** `ok`, or the code of the error it became (e.g. `sign_in.cis2_unavailable`). */
  readonly outcome: string;
  readonly durationMs: number;
}

interface Discovered {
  readonly config: oidc.Configuration;
  readonly jwks: JWTVerifyGetKey;
  readonly fetchedAt: number;
}

export class Cis2OidcProvider implements IdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly #options: Cis2ProviderOptions;
  #discovered: Promise<Discovered> | undefined;
  #discoveredAt = 0;

  constructor(options: Cis2ProviderOptions) {
    this.#options = options;
    this.issuer = options.issuer;
    this.clientId = options.clientId;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    const { config } = await this.#discovery();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.#options.redirectUri,
      response_type: "code",
      scope: request.scopes.join(" "),
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: "S256",
      prompt: "login",
      max_age: String(request.maxAgeSeconds),
      acr_values: request.acrValues,
    });
  }

  async exchangeCode(callbackUrl: URL, checks: CodeExchangeChecks): Promise<CodeExchangeResult> {
    const { config } = await this.#discovery();
    return this.#timed("token", () => this.#exchange(config, callbackUrl, checks));
  }

  async #exchange(
    config: oidc.Configuration,
    callbackUrl: URL,
    checks: CodeExchangeChecks,
  ): Promise<CodeExchangeResult> {
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        maxAge: checks.maxAgeSeconds,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!tokens.id_token || !claims) throw new Error("token response has no id_token");
      return { idToken: tokens.id_token, claims: claims as TokenClaims, accessToken: tokens.access_token };
    } catch (error) {
      throw translateCis2Error(error);
    }
  }

  /** The subject is compared by the caller's named step, so that failure has its own error code. */
  async userInfo(accessToken: string): Promise<TokenClaims> {
    const { config } = await this.#discovery();
    return this.#timed("userinfo", async () => {
      try {
        return (await oidc.fetchUserInfo(config, accessToken, oidc.skipSubjectCheck)) as TokenClaims;
      } catch (error) {
        throw translateCis2Error(error);
      }
    });
  }

  /** Runs one call to CIS2 and reports its duration and outcome. */
  async #timed<T>(call: Cis2Call["call"], run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const report = (outcome: string) =>
      this.#options.onCall?.({ call, outcome, durationMs: performance.now() - started });
    try {
      const result = await run();
      report("ok");
      return result;
    } catch (error) {
      report(isAppError(error) ? error.code : "error");
      throw error;
    }
  }

  async verifyLogoutTokenSignature(token: string): Promise<TokenClaims> {
    const { config, jwks } = await this.#discovery();
    const algorithms = config.serverMetadata().id_token_signing_alg_values_supported ?? ["RS256"];
    try {
      const { payload } = await compactVerify(token, jwks, {
        algorithms: algorithms.filter((a) => a !== "none"),
      });
      return JSON.parse(new TextDecoder().decode(payload)) as TokenClaims;
    } catch (error) {
      throw translateLogoutTokenError(error);
    }
  }

  async endSessionUrl(request: {
    idTokenHint: string;
    postLogoutRedirectUri: string;
    state: string;
  }): Promise<URL | null> {
    let config: oidc.Configuration;
    try {
      ({ config } = await this.#discovery());
    } catch {
      return null;
    }
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, {
      id_token_hint: request.idTokenHint,
      post_logout_redirect_uri: request.postLogoutRedirectUri,
      state: request.state,
    });
  }

  /** Discovery, cached for the configured time; a failed fetch is not cached. */
  #discovery(): Promise<Discovered> {
    const stale = Date.now() - this.#discoveredAt > this.#options.discoveryCacheSeconds * 1000;
    if (!this.#discovered || stale) {
      this.#discoveredAt = Date.now();
      this.#discovered = this.#timed("discovery", () =>
        this.#discover().catch((error: unknown) => {
          throw translateCis2Error(error);
        }),
      ).catch((error: unknown) => {
        this.#discovered = undefined;
        throw error;
      });
    }
    return this.#discovered;
  }

  async #discover(): Promise<Discovered> {
    const o = this.#options;
    const config = await oidc.discovery(
      new URL(o.issuer),
      o.clientId,
      { redirect_uris: [o.redirectUri], [oidc.clockTolerance]: o.clockSkewSeconds },
      this.#clientAuth(),
      {
        timeout: o.timeoutMs / 1000,
        // OIDC lets a client skip the ID token's signature when it came straight from the token
        // endpoint over TLS; we verify it against CIS2's JWKS anyway, so the transport alone is
        // never trusted.
        execute: [
          oidc.enableNonRepudiationChecks,
          ...(o.allowInsecureHttp ? [oidc.allowInsecureRequests] : []),
        ],
      },
    );
    const jwksUri = config.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error("CIS2 discovery has no jwks_uri");
    const jwks = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: o.timeoutMs,
      cooldownDuration: 30_000,
    });
    return { config, jwks, fetchedAt: Date.now() };
  }

  #clientAuth(): oidc.ClientAuth {
    const o = this.#options;
    if (o.clientAuth === "client_secret_post") return oidc.ClientSecretPost(o.clientSecret);
    // The key is looked up per request so a rotation takes effect without rediscovery.
    return async (as, client, body, headers) => {
      const key = await o.signingKey();
      const auth = oidc.PrivateKeyJwt(
        { key: key.privateKey, kid: key.kid },
        {
          [oidc.modifyAssertion]: (_header, payload) => {
            if (o.assertionAudience === "token_endpoint" && as.token_endpoint)
              payload["aud"] = as.token_endpoint;
            // CIS2 consumers issue assertions valid for a few minutes; the library default is 60 s.
            payload["exp"] = Math.floor(Date.now() / 1000) + 300;
          },
        },
      );
      await auth(as, client, body, headers);
    };
  }
}
