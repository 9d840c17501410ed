/**
 * A minimal SMART App Launch client, independent of the simulator's code, for tests and as a
 * benchmark baseline: one browser's cookie for the EPR, and the EHR launch step by step (the EPR's
 * launch link, discovery, authorize with PKCE S256 and aud = iss, the code for a token with
 * client_secret_basic). `runSmartLaunch` does all of it and checks what a careful app checks.
 * Register the app with the simulator's `smartApps` and a secret.
 */
import { createHash, randomBytes } from "node:crypto";

export interface SmartClientApp {
  clientId: string;
  /** The client_secret_basic secret it was registered with. */
  secret: string;
  /** One of its registered redirect URIs. */
  redirectUri: string;
}

export interface SmartConfiguration {
  authorization_endpoint: string;
  token_endpoint: string;
  [field: string]: unknown;
}

export interface SmartTokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope: string;
  patient?: string;
  encounter?: string;
  id_token?: string;
  need_patient_banner?: boolean;
  [field: string]: unknown;
}

export interface AuthorizeRequest {
  iss: string;
  launch: string;
  scope?: string;
  state?: string;
  codeChallenge?: string;
  /** Extra or replacing parameters, e.g. { aud: "…" } or { code_challenge_method: "plain" }. */
  override?: Record<string, string | undefined>;
}

export const DEFAULT_SMART_SCOPE = "launch openid fhirUser patient/Patient.rs patient/Encounter.rs";

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export class SmartClient {
  readonly #origin: string;
  readonly app: SmartClientApp;
  #cookie = "";

  constructor(eprOrigin: string, app: SmartClientApp) {
    this.#origin = eprOrigin;
    this.app = app;
  }

  /** A request with this browser's EPR cookie; redirects not followed. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const own = new URL(url).origin === this.#origin;
    if (own && this.#cookie) headers.set("cookie", this.#cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    const set = response.headers.get("set-cookie");
    if (own && set) this.#cookie = set.split(";")[0] ?? "";
    return response;
  }

  /** Clicks the patient page's app link: returns the `iss` and `launch` sent to the app's launch URL. */
  async launch(
    mrn: string,
    query: Record<string, string> = {},
  ): Promise<{ iss: string; launch: string; location: URL }> {
    const search = new URLSearchParams({ app: this.app.clientId, ...query });
    const answer = await this.fetch(
      `${this.#origin}/patients/${encodeURIComponent(mrn)}/smart-launch?${search}`,
    );
    const location = answer.headers.get("location");
    if (answer.status !== 303 || !location) throw new Error(`launch link answered ${answer.status}`);
    const target = new URL(location);
    const iss = target.searchParams.get("iss");
    const launch = target.searchParams.get("launch");
    if (!iss || !launch) throw new Error(`launch URL without iss or launch: ${location}`);
    return { iss, launch, location: target };
  }

  async discover(iss: string): Promise<SmartConfiguration> {
    const answer = await fetch(`${iss}/.well-known/smart-configuration`);
    if (!answer.ok) throw new Error(`smart-configuration answered ${answer.status}`);
    const body = (await answer.json()) as SmartConfiguration;
    if (typeof body.authorization_endpoint !== "string" || typeof body.token_endpoint !== "string")
      throw new Error("smart-configuration lacks authorization_endpoint or token_endpoint");
    return body;
  }

  authorizeUrl(config: SmartConfiguration, request: AuthorizeRequest): URL {
    const url = new URL(config.authorization_endpoint);
    const params: Record<string, string | undefined> = {
      response_type: "code",
      client_id: this.app.clientId,
      redirect_uri: this.app.redirectUri,
      launch: request.launch,
      scope: request.scope ?? DEFAULT_SMART_SCOPE,
      state: request.state ?? randomBytes(16).toString("base64url"),
      aud: request.iss,
      code_challenge: request.codeChallenge ?? pkcePair().challenge,
      code_challenge_method: "S256",
      ...request.override,
    };
    for (const [key, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  /** Follows authorize in this browser: the redirect's target (the app's redirect URI with code or error). */
  async authorize(url: URL): Promise<URL> {
    const answer = await this.fetch(url.href);
    const location = answer.headers.get("location");
    if (answer.status !== 302 || !location)
      throw new Error(`authorize answered ${answer.status}: ${await answer.text()}`);
    return new URL(location);
  }

  /** Trades the code; `auth` replaces the Basic header (e.g. a client assertion in the form). */
  async token(
    config: SmartConfiguration,
    fields: { code: string; verifier: string; redirectUri?: string },
    auth?: { headers?: Record<string, string>; form?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const basic = Buffer.from(
      `${encodeURIComponent(this.app.clientId)}:${encodeURIComponent(this.app.secret)}`,
    ).toString("base64");
    const form = new URLSearchParams({
      grant_type: "authorization_code",
      code: fields.code,
      redirect_uri: fields.redirectUri ?? this.app.redirectUri,
      code_verifier: fields.verifier,
      ...auth?.form,
    });
    const answer = await fetch(config.token_endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(auth ? auth.headers : { authorization: `Basic ${basic}` }),
      },
      body: form.toString(),
    });
    return {
      status: answer.status,
      body: (await answer.json()) as Record<string, unknown>,
      headers: answer.headers,
    };
  }
}

export interface SmartLaunchResult {
  iss: string;
  launch: string;
  configuration: SmartConfiguration;
  token: SmartTokenResponse;
  client: SmartClient;
}

/** The whole EHR launch for `mrn`, as a confidential symmetric app; throws at the first failure. */
export async function runSmartLaunch(
  epr: { origin: string },
  app: SmartClientApp,
  options: { mrn: string; scope?: string; scenario?: string; client?: SmartClient },
): Promise<SmartLaunchResult> {
  const client = options.client ?? new SmartClient(epr.origin, app);
  const { iss, launch } = await client.launch(
    options.mrn,
    options.scenario ? { scenario: options.scenario } : {},
  );
  const configuration = await client.discover(iss);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString("base64url");
  const scope = options.scope ?? DEFAULT_SMART_SCOPE;
  const back = await client.authorize(
    client.authorizeUrl(configuration, { iss, launch, scope, state, codeChallenge: challenge }),
  );
  const error = back.searchParams.get("error");
  if (error) throw new Error(`authorize refused: ${error}: ${back.searchParams.get("error_description")}`);
  if (back.searchParams.get("state") !== state) throw new Error("authorize answered with another state");
  const code = back.searchParams.get("code") ?? "";
  const answer = await client.token(configuration, { code, verifier });
  if (answer.status !== 200)
    throw new Error(`token answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return { iss, launch, configuration, token: answer.body as SmartTokenResponse, client };
}
