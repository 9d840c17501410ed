/**
 * The NHS API platform's token endpoint (`POST /oauth2/token`), for the two grants this service
 * uses: client credentials with a signed JWT (application-restricted access) and the exchange of
 * a signed-in user's CIS2 ID token (RFC 8693, user-restricted access). A fresh assertion and
 * `jti` for every request, the exact Content-Type the platform insists on, and every failure in
 * our catalogue. No token or assertion ever goes into an error or a log.
 */
import { randomUUID } from "node:crypto";
import { type Clock, systemClock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";
import type { SigningKey } from "../../platform/key-store.ts";
import { apimErrors } from "./apim.errors.ts";
import { AssertionKeyError, signClientAssertion } from "./client-assertion.ts";
import { type IssuedToken, readTokenResponse, TokenEndpointError } from "./token-response.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

export interface TokenEndpointOptions {
  /** e.g. `https://int.api.service.nhs.uk/oauth2/token`; also the assertion's `aud`, exactly. */
  readonly tokenUrl: string;
  readonly apiKey: string;
  /** The key to sign with now (rotation may change it between requests). */
  readonly signingKey: () => Promise<SigningKey>;
  readonly assertionSeconds: number;
  readonly timeoutMs: number;
  readonly clock?: Clock;
  readonly newJti?: () => string;
}

export class TokenEndpoint {
  readonly #options: TokenEndpointOptions;
  readonly #clock: Clock;
  readonly #newJti: () => string;

  constructor(options: TokenEndpointOptions) {
    if (!URL.canParse(options.tokenUrl))
      throw new RangeError("TokenEndpoint: tokenUrl must be an absolute URL");
    if (options.apiKey.trim() === "") throw new RangeError("TokenEndpoint: apiKey must not be empty");
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#newJti = options.newJti ?? randomUUID;
  }

  /** An application-restricted access token. */
  async clientCredentials(): Promise<IssuedToken> {
    return this.#post({ grant_type: "client_credentials" }, "application");
  }

  /** A user-restricted access token for the user whose CIS2 ID token this is. */
  async exchange(idToken: string): Promise<IssuedToken> {
    return this.#post(
      { grant_type: TOKEN_EXCHANGE, subject_token_type: ID_TOKEN, subject_token: idToken },
      "user",
    );
  }

  async #assertion(): Promise<string> {
    try {
      return await signClientAssertion({
        key: await this.#options.signingKey(),
        apiKey: this.#options.apiKey,
        tokenUrl: this.#options.tokenUrl,
        jti: this.#newJti(),
        now: this.#clock.now(),
        lifetimeSeconds: this.#options.assertionSeconds,
      });
    } catch (error) {
      if (error instanceof AssertionKeyError || error instanceof TypeError)
        throw new AppError(apimErrors.invalid_key, { cause: error });
      throw error;
    }
  }

  async #post(fields: Record<string, string>, mode: "application" | "user"): Promise<IssuedToken> {
    const body = new URLSearchParams({
      ...fields,
      client_assertion_type: JWT_BEARER,
      client_assertion: await this.#assertion(),
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.#options.tokenUrl, {
        method: "POST",
        // Exactly this: the platform answers 415 to anything else, a charset suffix included.
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: body.toString(),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new AppError(apimErrors.unreachable, { cause: error });
    }
    try {
      return readTokenResponse(response.status, text, this.#clock.now());
    } catch (error) {
      if (error instanceof TokenEndpointError) throw new AppError(error.classify(mode), { cause: error });
      throw error;
    }
  }
}
