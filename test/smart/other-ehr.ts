/**
 * "Northgate EHR": a second SMART EHR for tests, written independently of the EPR simulator (plain
 * node:http, no OAuth server library) and behaving as other servers do where the specification
 * leaves room: it grants scopes in its own order and in SMART v1 syntax, names the patient only in
 * its token response, answers `token_type: "bearer"` in lower case, references the patient by
 * absolute URL, and authenticates us by client_secret_basic or private_key_jwt (checked against our
 * published JWKS). Each knob turns one behaviour into a fault, so each refusal can be provoked.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from "jose";

export interface OtherEhrKnobs {
  discovery: "normal" | "down" | "invalid";
  /** An error for the authorization endpoint to answer with, e.g. `access_denied`. */
  authorizeError: string | null;
  /** Answer with another state than the one sent. */
  tamperState: boolean;
  /** An error for the token endpoint, e.g. `invalid_grant`. */
  tokenError: string | null;
  /** The granted `scope`, or null to leave it out; the default is v1 syntax in another order. */
  scope: string | null;
  omitPatient: boolean;
  idToken: "good" | "none" | "wrong_key" | "wrong_audience";
  /** The user the id_token names (its `fhirUser` Practitioner id). */
  practitioner: string;
  /** Whether its Practitioner resource carries the user's SDS user id. */
  practitionerSdsId: boolean;
  patient: Record<string, unknown>;
  patientStatus: number;
  /** The encounter the token response names, and the patient its subject refers to. */
  encounter: string | null;
  encounterSubject: string | null;
}

export interface SeenRequest {
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly auth: "client_secret_basic" | "private_key_jwt" | "none";
}

const CLIENT_ID = "ncrs-connect-at-northgate";
const PATIENT_ID = "ng-4471";

export class OtherEhr {
  readonly clientId = CLIENT_ID;
  readonly patientId = PATIENT_ID;
  readonly secret = randomBytes(24).toString("base64url");
  readonly seen: SeenRequest[] = [];
  /** Every access token and code it issued, so a test can look for them where they must not be. */
  readonly issued: string[] = [];
  knobs: OtherEhrKnobs;
  origin = "";
  readonly #server: Server;
  readonly #codes = new Map<
    string,
    { challenge: string; redirectUri: string; nonce: string; scope: string }
  >();
  readonly #tokens = new Set<string>();
  #key: { privateKey: CryptoKey; jwk: JWK } | undefined;
  #ncrsJwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  #auth: "client_secret_basic" | "private_key_jwt" = "client_secret_basic";
  #redirectUri = "";

  constructor(patient: Record<string, unknown>) {
    this.knobs = OtherEhr.defaults(patient);
    this.#server = createServer((req, res) => void this.#route(req, res));
  }

  static defaults(patient: Record<string, unknown>): OtherEhrKnobs {
    return {
      discovery: "normal",
      authorizeError: null,
      tamperState: false,
      tokenError: null,
      scope: "patient/Patient.read fhirUser openid launch",
      omitPatient: false,
      idToken: "good",
      practitioner: "555000000001",
      practitionerSdsId: true,
      patient: { ...patient, id: PATIENT_ID },
      patientStatus: 200,
      encounter: null,
      encounterSubject: null,
    };
  }

  get iss(): string {
    return `${this.origin}/r4`;
  }

  /** Registers us: where our browser comes back to, and how we authenticate. */
  register(ncrsUrl: string, auth: "client_secret_basic" | "private_key_jwt"): void {
    this.#redirectUri = `${ncrsUrl}/smart/callback`;
    this.#auth = auth;
    this.#ncrsJwks = createRemoteJWKSet(new URL(`${ncrsUrl}/.well-known/jwks.json`));
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    this.#key = {
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid: "ng-1", alg: "ES256", use: "sig" },
    };
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (typeof address !== "object" || !address) throw new Error("no port");
    this.origin = `http://127.0.0.1:${address.port}`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    try {
      if (url.pathname === "/r4/.well-known/smart-configuration") return this.#discovery(res);
      if (url.pathname === "/jwks") return json(res, 200, { keys: [this.#key?.jwk] });
      if (url.pathname === "/oauth/authorize") return this.#authorize(url, res);
      if (url.pathname === "/oauth/token" && req.method === "POST") return await this.#token(req, res);
      if (url.pathname.startsWith("/r4/")) return this.#fhir(req, url, res);
      json(res, 404, { error: "not_found" });
    } catch (error) {
      json(res, 500, { error: "server_error", error_description: String(error) });
    }
  }

  #discovery(res: ServerResponse) {
    this.seen.push({ path: "discovery", params: {}, auth: "none" });
    if (this.knobs.discovery === "down") return json(res, 503, { error: "unavailable" });
    json(res, 200, {
      issuer: `${this.origin}/issuer`,
      jwks_uri: `${this.origin}/jwks`,
      authorization_endpoint: `${this.origin}/oauth/authorize`,
      ...(this.knobs.discovery === "invalid" ? {} : { token_endpoint: `${this.origin}/oauth/token` }),
      token_endpoint_auth_methods_supported: ["client_secret_basic", "private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: ["ES384", "RS384"],
      grant_types_supported: ["authorization_code"],
      scopes_supported: ["openid", "fhirUser", "launch", "patient/*.read", "patient/*.rs"],
      response_types_supported: ["code"],
      capabilities: [
        "launch-ehr",
        "client-confidential-symmetric",
        "client-confidential-asymmetric",
        "context-ehr-patient",
        "sso-openid-connect",
        "permission-v1",
        "permission-v2",
      ],
      code_challenge_methods_supported: ["S256"],
    });
  }

  #authorize(url: URL, res: ServerResponse) {
    const p = Object.fromEntries(url.searchParams);
    this.seen.push({ path: "authorize", params: p, auth: "none" });
    const ok =
      p["response_type"] === "code" &&
      p["client_id"] === CLIENT_ID &&
      p["redirect_uri"] === this.#redirectUri &&
      p["aud"] === this.iss &&
      p["code_challenge_method"] === "S256" &&
      typeof p["code_challenge"] === "string" &&
      p["launch"] === "ng-launch-1" &&
      (p["scope"] ?? "").split(" ").includes("launch");
    if (!ok) return json(res, 400, { error: "invalid_request" });
    const back = new URL(this.#redirectUri);
    const state = this.knobs.tamperState ? "not-the-state-sent" : (p["state"] ?? "");
    back.searchParams.set("state", state);
    if (this.knobs.authorizeError) back.searchParams.set("error", this.knobs.authorizeError);
    else {
      const code = randomBytes(16).toString("base64url");
      this.#codes.set(code, {
        challenge: p["code_challenge"] ?? "",
        redirectUri: p["redirect_uri"] ?? "",
        nonce: p["nonce"] ?? "",
        scope: p["scope"] ?? "",
      });
      back.searchParams.set("code", code);
      this.issued.push(code);
    }
    res.writeHead(302, { location: back.href });
    res.end();
  }

  async #token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = Object.fromEntries(new URLSearchParams(await body(req)));
    const auth = await this.#authenticate(req, p);
    this.seen.push({ path: "token", params: redacted(p), auth: auth ?? "none" });
    if (!auth || auth !== this.#auth) return json(res, 401, { error: "invalid_client" });
    if (this.knobs.tokenError) return json(res, 400, { error: this.knobs.tokenError });
    const code = this.#codes.get(p["code"] ?? "");
    this.#codes.delete(p["code"] ?? "");
    const challenge = createHash("sha256")
      .update(p["code_verifier"] ?? "")
      .digest("base64url");
    if (!code || code.redirectUri !== p["redirect_uri"] || code.challenge !== challenge)
      return json(res, 400, { error: "invalid_grant" });
    const accessToken = randomBytes(24).toString("base64url");
    this.#tokens.add(accessToken);
    this.issued.push(accessToken);
    const k = this.knobs;
    res.setHeader("cache-control", "no-store");
    json(res, 200, {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: 300,
      ...(k.scope === null ? {} : { scope: k.scope }),
      ...(k.omitPatient ? {} : { patient: PATIENT_ID }),
      ...(k.encounter ? { encounter: k.encounter } : {}),
      ...(k.idToken === "none" ? {} : { id_token: await this.#idToken(code.nonce) }),
    });
  }

  async #authenticate(req: IncomingMessage, p: Record<string, string>): Promise<SeenRequest["auth"] | null> {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    if (basic) {
      const [id, secret] = Buffer.from(basic[1] ?? "", "base64")
        .toString()
        .split(":")
        .map(decodeURIComponent);
      return id === CLIENT_ID && secret === this.secret ? "client_secret_basic" : null;
    }
    if (p["client_assertion_type"] !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return null;
    if (!this.#ncrsJwks) return null;
    try {
      const { payload } = await jwtVerify(p["client_assertion"] ?? "", this.#ncrsJwks, {
        issuer: CLIENT_ID,
        subject: CLIENT_ID,
        audience: `${this.origin}/oauth/token`,
        algorithms: ["ES384", "RS384"],
        maxTokenAge: "5m",
      });
      return payload.jti ? "private_key_jwt" : null;
    } catch {
      return null;
    }
  }

  async #idToken(nonce: string): Promise<string> {
    const key =
      this.knobs.idToken === "wrong_key"
        ? (await generateKeyPair("ES256")).privateKey
        : this.#key?.privateKey;
    if (!key) throw new Error("not started");
    return new SignJWT({
      fhirUser: `${this.iss}/Practitioner/${this.knobs.practitioner}`,
      ...(nonce ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: "ES256", kid: "ng-1" })
      .setIssuer(`${this.origin}/issuer`)
      .setAudience(this.knobs.idToken === "wrong_audience" ? "someone-else" : CLIENT_ID)
      .setSubject(this.knobs.practitioner)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key);
  }

  #fhir(req: IncomingMessage, url: URL, res: ServerResponse) {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    this.seen.push({ path: url.pathname, params: {}, auth: "none" });
    if (!token || !this.#tokens.has(token)) return json(res, 401, { resourceType: "OperationOutcome" });
    const k = this.knobs;
    if (url.pathname === `/r4/Patient/${PATIENT_ID}`) return json(res, k.patientStatus, k.patient);
    if (k.encounter && url.pathname === `/r4/Encounter/${k.encounter}`)
      return json(res, 200, {
        resourceType: "Encounter",
        id: k.encounter,
        status: "in-progress",
        class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" },
        subject: { reference: k.encounterSubject ?? `${this.iss}/Patient/${PATIENT_ID}` },
      });
    if (url.pathname === `/r4/Practitioner/${k.practitioner}`)
      return json(res, 200, {
        resourceType: "Practitioner",
        id: k.practitioner,
        identifier: k.practitionerSdsId
          ? [{ system: "https://fhir.nhs.uk/Id/sds-user-id", value: k.practitioner }]
          : [],
      });
    json(res, 404, { resourceType: "OperationOutcome" });
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

function redacted(p: Record<string, string>): Record<string, string> {
  const { code: _c, code_verifier: _v, client_assertion: _a, ...rest } = p;
  return rest;
}
