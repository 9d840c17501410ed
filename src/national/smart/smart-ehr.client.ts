/**
 * The SMART EHR launch's OAuth 2.0 and FHIR side, over openid-client's generic OAuth functions
 * (docs/adr/0018): the EHR's SMART configuration (cached for the configured time, read again
 * after; a failed read is never kept, and concurrent launches share one read), its authorization
 * URL with `aud` = iss, the code exchange with PKCE and `private_key_jwt` (`aud` = the token
 * endpoint) or `client_secret_basic`, id_token checks including its signature by the EHR's keys,
 * and FHIR reads with the access token. Only registered EHRs are ever asked anything.
 */
import * as oidc from "openid-client";
import type {
  AuthorizationRequest,
  CodeExchangeChecks,
  SmartEhr,
  SmartEhrClient,
  SmartGrant,
  SmartResult,
} from "../../api-access/smart-launch.ports.ts";
import type { SigningKey } from "../../platform/key-store.ts";
import { readSmartConfiguration } from "./smart-configuration.ts";
import { exchangeProblem } from "./smart-errors.ts";

export interface SmartEhrAuth {
  readonly clientId: string;
  readonly clientAuth: "private_key_jwt" | "client_secret_basic";
  readonly clientSecret?: string | undefined;
}

export interface SmartClientOptions {
  readonly auth: (ehr: SmartEhr) => SmartEhrAuth;
  readonly redirectUri: string;
  readonly signingKey: () => Promise<SigningKey>;
  readonly timeoutMs: number;
  readonly cacheSeconds: number;
  readonly clockSkewSeconds: number;
  /** Only for local simulators: permits http EHRs. */
  readonly allowHttp: boolean;
  /** Told of every call to an EHR (how long, how it ended), for operations. */
  readonly onCall?: (call: { ehrId: string; call: string; outcome: string; durationMs: number }) => void;
}

interface Cached {
  readonly config: Promise<SmartResult<oidc.Configuration>>;
  readonly until: number;
}

const MAX_RESOURCE_BYTES = 1024 * 1024;

export class OidcSmartEhrClient implements SmartEhrClient {
  readonly #options: SmartClientOptions;
  readonly #cache = new Map<string, Cached>();

  constructor(options: SmartClientOptions) {
    this.#options = options;
  }

  async authorizationUrl(ehr: SmartEhr, request: AuthorizationRequest): Promise<SmartResult<URL>> {
    const config = await this.#configuration(ehr);
    if (!config.ok) return config;
    const url = oidc.buildAuthorizationUrl(config.value, {
      response_type: "code",
      redirect_uri: this.#options.redirectUri,
      launch: request.launch,
      scope: request.scopes.join(" "),
      state: request.state,
      aud: ehr.iss,
      code_challenge: request.codeChallenge,
      code_challenge_method: "S256",
      ...(request.scopes.includes("openid") ? { nonce: request.nonce } : {}),
    });
    return { ok: true, value: url };
  }

  async exchange(
    ehr: SmartEhr,
    answer: URLSearchParams,
    checks: CodeExchangeChecks,
  ): Promise<SmartResult<SmartGrant>> {
    const config = await this.#configuration(ehr);
    if (!config.ok) return config;
    const callback = new URL(this.#options.redirectUri);
    for (const [name, value] of answer) callback.searchParams.append(name, value);
    return this.#timed(ehr, "token", async () => {
      try {
        const tokens = await oidc.authorizationCodeGrant(config.value, callback, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: false,
        });
        const claims = tokens.claims();
        return {
          ok: true,
          value: {
            accessToken: tokens.access_token,
            scope: typeof tokens.scope === "string" ? tokens.scope : undefined,
            patient: tokens["patient"],
            encounter: tokens["encounter"],
            idTokenClaims: claims ? { ...claims } : undefined,
          },
        };
      } catch (error) {
        return exchangeProblem(error);
      }
    });
  }

  async read(
    ehr: SmartEhr,
    grant: SmartGrant,
    reference: string,
  ): Promise<SmartResult<Record<string, unknown>>> {
    const config = await this.#configuration(ehr);
    if (!config.ok) return config;
    return this.#timed(ehr, "fhir_read", async () => {
      try {
        const response = await oidc.fetchProtectedResource(
          config.value,
          grant.accessToken,
          new URL(`${ehr.iss}/${reference}`),
          "GET",
          undefined,
          new Headers({ accept: "application/fhir+json" }),
        );
        const text = response.ok ? await response.text() : "";
        if (!response.ok || text.length > MAX_RESOURCE_BYTES)
          return { ok: false, problem: "fhir_read_failed" };
        const resource: unknown = JSON.parse(text);
        if (typeof resource !== "object" || resource === null || Array.isArray(resource))
          return { ok: false, problem: "wrong_resource" };
        return { ok: true, value: resource as Record<string, unknown> };
      } catch {
        return { ok: false, problem: "fhir_read_failed" };
      }
    });
  }

  /** The EHR's configuration: kept for the cache time, shared by concurrent launches, never kept failed. */
  #configuration(ehr: SmartEhr): Promise<SmartResult<oidc.Configuration>> {
    const now = Date.now();
    const cached = this.#cache.get(ehr.id);
    if (cached && cached.until > now) return cached.config;
    const config = this.#timed(ehr, "discovery", () => this.#discover(ehr));
    this.#cache.set(ehr.id, { config, until: now + this.#options.cacheSeconds * 1000 });
    void config.then((result) => {
      if (!result.ok && this.#cache.get(ehr.id)?.config === config) this.#cache.delete(ehr.id);
    });
    return config;
  }

  async #discover(ehr: SmartEhr): Promise<SmartResult<oidc.Configuration>> {
    const o = this.#options;
    const auth = o.auth(ehr);
    const reading = await readSmartConfiguration(ehr.iss, {
      timeoutMs: o.timeoutMs,
      allowHttp: o.allowHttp,
      clientAuth: auth.clientAuth,
    });
    if (!reading.ok) return reading;
    const config = new oidc.Configuration(
      reading.metadata,
      auth.clientId,
      { redirect_uris: [o.redirectUri], [oidc.clockTolerance]: o.clockSkewSeconds },
      this.#clientAuth(auth),
    );
    config.timeout = o.timeoutMs / 1000;
    // An id_token straight from the token endpoint may go unverified over TLS; ours is checked anyway.
    oidc.enableNonRepudiationChecks(config);
    if (o.allowHttp) oidc.allowInsecureRequests(config);
    return { ok: true, value: config };
  }

  #clientAuth(auth: SmartEhrAuth): oidc.ClientAuth {
    if (auth.clientAuth === "client_secret_basic") return oidc.ClientSecretBasic(auth.clientSecret);
    // The key is looked up per request, so a rotation takes effect without reading the EHR again.
    return async (as, client, body, headers) => {
      const key = await this.#options.signingKey();
      const assertion = oidc.PrivateKeyJwt(
        { key: key.privateKey, kid: key.kid },
        {
          [oidc.modifyAssertion]: (_header, payload) => {
            // SMART (after RFC 7523): the assertion's audience is the token endpoint's URL.
            if (as.token_endpoint) payload["aud"] = as.token_endpoint;
            payload["exp"] = Math.floor(Date.now() / 1000) + 300;
          },
        },
      );
      await assertion(as, client, body, headers);
    };
  }

  async #timed<T>(ehr: SmartEhr, call: string, run: () => Promise<SmartResult<T>>): Promise<SmartResult<T>> {
    const started = performance.now();
    const result = await run();
    this.#options.onCall?.({
      ehrId: ehr.id,
      call,
      outcome: result.ok ? "ok" : result.problem,
      durationMs: performance.now() - started,
    });
    return result;
  }
}
