/** Settings of signing in with CIS2 (group "CIS2 sign-in"). */
import { z } from "zod";
import { httpUrl, list, nonNegativeInt, positiveInt, setting } from "./setting.ts";

export const cis2Settings = {
  cis2Issuer: setting({
    env: "CIS2_ISSUER",
    group: "CIS2 sign-in",
    schema: httpUrl,
    description:
      "CIS2 issuer exactly as CIS2 emits it, including an explicit port (INT: `https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare`).",
  }),
  cis2ClientId: setting({
    env: "CIS2_CLIENT_ID",
    group: "CIS2 sign-in",
    schema: z.string().min(1),
    description: "Client id issued by CIS2 (Connection Manager).",
  }),
  cis2ClientAuth: setting({
    env: "CIS2_CLIENT_AUTH",
    group: "CIS2 sign-in",
    schema: z.enum(["private_key_jwt", "client_secret_post"]),
    default: "private_key_jwt",
    description:
      "Token-endpoint client authentication. `private_key_jwt` signs with keys generated under DATA_DIR and published at /.well-known/jwks.json.",
  }),
  cis2ClientSecret: setting({
    env: "CIS2_CLIENT_SECRET",
    group: "CIS2 sign-in",
    schema: z.string().min(16).optional(),
    secret: true,
    description: "Client secret, only for `client_secret_post`.",
  }),
  cis2SigningAlg: setting({
    env: "CIS2_SIGNING_ALG",
    group: "CIS2 sign-in",
    schema: z.enum(["RS512", "RS256"]),
    default: "RS512",
    description: "Algorithm of the private_key_jwt client assertion (as registered in Connection Manager).",
  }),
  cis2AssertionAudience: setting({
    env: "CIS2_ASSERTION_AUDIENCE",
    group: "CIS2 sign-in",
    schema: z.enum(["token_endpoint", "issuer"]),
    default: "token_endpoint",
    description:
      "`aud` of the client assertion: the token endpoint URL (as NHS consumers send) or the issuer.",
  }),
  cis2Scopes: setting({
    env: "CIS2_SCOPES",
    group: "CIS2 sign-in",
    schema: list,
    default: "openid,profile,email,nhsperson,associatedorgs,nationalrbacaccess,selectedrole",
    description: "Scopes requested at sign-in; `changedrole` replaces `selectedrole` when changing role.",
  }),
  cis2AcrValues: setting({
    env: "CIS2_ACR_VALUES",
    group: "CIS2 sign-in",
    schema: z.string().min(1),
    default: "AAL2_OR_AAL3_ANY",
    description: "`acr_values` sent to CIS2 (`AAL2_OR_AAL3_ANY` or `AAL3_ANY`).",
  }),
  cis2AcceptedAcr: setting({
    env: "CIS2_ACCEPTED_ACR",
    group: "CIS2 sign-in",
    schema: list,
    default: "AAL2_OR_AAL3_ANY,AAL3_ANY",
    description: "`acr` values accepted in the ID token.",
  }),
  cis2MinAuthenticationAssurance: setting({
    env: "CIS2_MIN_AAL",
    group: "CIS2 sign-in",
    schema: z.coerce.number().int().min(1).max(3),
    default: "2",
    description: "Lowest `authentication_assurance_level` accepted.",
  }),
  cis2MinIdentityAssurance: setting({
    env: "CIS2_MIN_IAL",
    group: "CIS2 sign-in",
    schema: z.coerce.number().int().min(1).max(3),
    default: "3",
    description: "Lowest `id_assurance_level` accepted.",
  }),
  cis2EndSession: setting({
    env: "CIS2_END_SESSION",
    group: "CIS2 sign-in",
    schema: z.enum(["shared_workstations", "always", "never"]),
    default: "shared_workstations",
    description:
      "When logging out also ends the user's CIS2 session (RP-initiated logout to CIS2's end-session endpoint with `id_token_hint`), so the next person at the computer finds neither it nor NCRS signed in through it: `shared_workstations` (sessions of the shared profile: unregistered browsers and shared workstations), `always` or `never`. Whether CIS2 INT accepts it from every client is not published: confirm at onboarding. The session here ends whatever CIS2 answers. Register `PUBLIC_URL/auth/logged-out` as a post-logout redirect URI.",
  }),
  cis2MaxAgeSeconds: setting({
    env: "CIS2_MAX_AGE_SECONDS",
    group: "CIS2 sign-in",
    schema: positiveInt,
    default: "300",
    description: "`max_age` sent with `prompt=login`; `auth_time` older than this (plus skew) is refused.",
  }),
  cis2ClockSkewSeconds: setting({
    env: "CIS2_CLOCK_SKEW_SECONDS",
    group: "CIS2 sign-in",
    schema: nonNegativeInt.max(120),
    default: "5",
    description: "Clock skew tolerated on `exp`, `iat` and `auth_time`.",
  }),
  cis2HttpTimeoutMs: setting({
    env: "CIS2_HTTP_TIMEOUT_MS",
    group: "CIS2 sign-in",
    schema: positiveInt,
    default: "5000",
    description: "Timeout for each call to CIS2 (discovery, token, userinfo, JWKS).",
  }),
  cis2DiscoveryCacheSeconds: setting({
    env: "CIS2_DISCOVERY_CACHE_SECONDS",
    group: "CIS2 sign-in",
    schema: positiveInt,
    default: "3600",
    description: "How long the discovery document is cached (NHS suggests up to an hour).",
  }),
  cis2LoginTtlSeconds: setting({
    env: "CIS2_LOGIN_TTL_SECONDS",
    group: "CIS2 sign-in",
    schema: positiveInt,
    default: "600",
    description: "How long a started sign-in (state, nonce, PKCE verifier) stays usable.",
  }),
  jwksMaxAgeSeconds: setting({
    env: "JWKS_MAX_AGE_SECONDS",
    group: "CIS2 sign-in",
    schema: nonNegativeInt,
    default: "300",
    description:
      "How long CIS2 may cache our published keys (/.well-known/jwks.json). After `keys stage`, wait at least this long before `keys activate`.",
  }),
  cis2AmrAuthenticators: setting({
    env: "CIS2_AMR_AUTHENTICATORS",
    group: "CIS2 sign-in",
    schema: z.string().transform((v, ctx) => parseAmrMap(v, ctx)),
    default:
      "N3_SMARTCARD=smartcard-identity-agent,CIS2_SMARTCARD=smartcard-connect,FIDO2=security-key,WINDOWS_HELLO=windows-hello,IOS=ipad-app,TOTP=authenticator-app,NHSMAIL=nhsmail,PASSKEY=passkey",
    description:
      "How `amr` values map to authenticator kinds (drives help content). Values beyond N3_SMARTCARD are inferred; confirm in INT.",
  }),
} as const;

function parseAmrMap(value: string, ctx: z.RefinementCtx): Readonly<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const pair of value.split(",").filter((p) => p.trim().length > 0)) {
    const [amr, kind] = pair.split("=").map((s) => s.trim());
    if (!amr || !kind) {
      ctx.addIssue({ code: "custom", message: `"${pair}" is not AMR=kind` });
      continue;
    }
    map[amr] = kind;
  }
  return Object.freeze(map);
}
