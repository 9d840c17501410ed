/**
 * How this service authenticates to the NHS API platform (group "NHS API platform"), and which
 * way PDS is called (PDS_AUTH). The platform's facts behind the defaults are in
 * docs/adr/0019-api-platform-authentication.md.
 */
import { z } from "zod";
import { httpUrl, positiveInt, setting } from "./setting.ts";

export const PDS_AUTH_MODES = ["none", "static", "application", "user"] as const;
export type PdsAuthMode = (typeof PDS_AUTH_MODES)[number];

export const apimSettings = {
  pdsAuth: setting({
    env: "PDS_AUTH",
    group: "PDS",
    schema: z.enum(PDS_AUTH_MODES).optional(),
    description:
      "How calls to PDS are authorised: `none` (no Authorization header: the sandbox); `static` (PDS_ACCESS_TOKEN as it is); `application` (application-restricted access: an access token from the NHS API platform for a signed JWT, see APIM_*); `user` (user-restricted access: a clinician's check reads PDS with a token exchanged for their CIS2 ID token, and the service's own reads, for change events, go with the application's access as in `application`; needs APIM_* as `application` does). Unset: `static` when PDS_ACCESS_TOKEN is set, else `none`. `npm start` sets `application` against the PDS simulator's token endpoint.",
  }),
  apimTokenUrl: setting({
    env: "APIM_TOKEN_URL",
    group: "NHS API platform",
    schema: httpUrl.optional(),
    description:
      "The platform's token endpoint, exactly as registered: it is also the `aud` of every signed JWT, so no trailing slash and no `-mock` mix-up (INT: `https://int.api.service.nhs.uk/oauth2/token`; production: `https://api.service.nhs.uk/oauth2/token`). Required when PDS_AUTH is `application`.",
  }),
  apimApiKey: setting({
    env: "APIM_API_KEY",
    group: "NHS API platform",
    schema: z.string().trim().min(1).optional(),
    secret: true,
    description:
      "The API key of this service's application on the NHS API platform (the `iss` and `sub` of its signed JWTs). Required when PDS_AUTH is `application`.",
  }),
  apimPrivateKeyPath: setting({
    env: "APIM_PRIVATE_KEY_PATH",
    group: "NHS API platform",
    schema: z.string().min(1).optional(),
    description:
      "An RSA private key (PKCS#8 PEM, 4096 bits as NHS England asks) to sign with, when its public key is published elsewhere under APIM_KEY_ID. Unset: a key is generated under DATA_DIR, published at /.well-known/jwks.json (register that URL as the application's JWKS) and rotated with `npm run cli -- keys <stage|activate|retire> apim-client`.",
  }),
  apimKeyId: setting({
    env: "APIM_KEY_ID",
    group: "NHS API platform",
    schema: z.string().trim().min(1).optional(),
    description: "The `kid` the key in APIM_PRIVATE_KEY_PATH is published under. Required with it.",
  }),
  apimKeyBits: setting({
    env: "APIM_KEY_BITS",
    group: "NHS API platform",
    schema: z.enum(["2048", "3072", "4096"]).transform(Number),
    default: "4096",
    description:
      "The size of the RSA keys generated for the platform (the `apim-client` store), at start and by `keys stage apim-client`. NHS England's own keys are 4096 bits; a key already generated keeps its size until it is rotated. Tests use 2048 to start faster.",
  }),
  apimAssertionSeconds: setting({
    env: "APIM_ASSERTION_SECONDS",
    group: "NHS API platform",
    schema: positiveInt.max(300),
    default: "60",
    description:
      "How far ahead a signed JWT's `exp` is (the platform refuses more than 300 s; less leaves room for a server clock running ahead).",
  }),
  apimRenewMarginSeconds: setting({
    env: "APIM_RENEW_MARGIN_SECONDS",
    group: "NHS API platform",
    schema: positiveInt,
    default: "60",
    description:
      "An access token is renewed this long before it expires (at most half its life), so no call goes out with a token about to lapse.",
  }),
  apimTimeoutMs: setting({
    env: "APIM_TIMEOUT_MS",
    group: "NHS API platform",
    schema: positiveInt,
    default: "5000",
    description: "Time limit of each request to the token endpoint.",
  }),
} as const;

interface ApimConfig {
  readonly pdsAuth: PdsAuthMode | undefined;
  readonly pdsAccessToken: string | undefined;
  readonly apimTokenUrl: string | undefined;
  readonly apimApiKey: string | undefined;
  readonly apimPrivateKeyPath: string | undefined;
  readonly apimKeyId: string | undefined;
  readonly allowInsecureHttp: boolean;
}

/** PDS_AUTH, or what it means when unset. */
export function pdsAuthMode(config: Pick<ApimConfig, "pdsAuth" | "pdsAccessToken">): PdsAuthMode {
  return config.pdsAuth ?? (config.pdsAccessToken ? "static" : "none");
}

/** Settings that only make sense together, said as problems to fix before start. */
export function apimProblems(c: ApimConfig): string[] {
  const problems: string[] = [];
  const mode = pdsAuthMode(c);
  if (mode === "static" && !c.pdsAccessToken)
    problems.push("PDS_ACCESS_TOKEN: required when PDS_AUTH is static");
  if (mode === "application" || mode === "user") {
    if (!c.apimTokenUrl) problems.push(`APIM_TOKEN_URL: required when PDS_AUTH is ${mode}`);
    if (!c.apimApiKey) problems.push(`APIM_API_KEY: required when PDS_AUTH is ${mode}`);
  }
  if (c.apimTokenUrl?.startsWith("http:") && !c.allowInsecureHttp)
    problems.push("APIM_TOKEN_URL: an http URL needs DEV_ALLOW_HTTP=true (local simulator only)");
  if (c.apimPrivateKeyPath && !c.apimKeyId) problems.push("APIM_KEY_ID: required with APIM_PRIVATE_KEY_PATH");
  return problems;
}
