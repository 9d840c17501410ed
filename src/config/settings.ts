/**
 * Every setting the service reads, in one table: environment variable, schema, default and meaning.
 * The table is the single source for parsing (`load-config.ts`) and for `docs/configuration.md`.
 */
import { z } from "zod";

export type SettingGroup =
  | "Server"
  | "Storage"
  | "CIS2 sign-in"
  | "Roles"
  | "Sessions"
  | "PDS"
  | "Patients"
  | "Audit"
  | "Security"
  | "Development";

export interface Setting<S extends z.ZodType = z.ZodType> {
  readonly env: string;
  readonly group: SettingGroup;
  readonly schema: S;
  /** Raw (string) default, as documented; absent means required or optional without default. */
  readonly default?: string;
  readonly description: string;
  /** A secret: never has a default, never logged. */
  readonly secret?: true;
  /** An unsafe development convenience: announced in the log and on the operations page when on. */
  readonly unsafe?: true;
}

const bool = z.enum(["true", "false"]).transform((v) => v === "true");
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);
const httpUrl = z.url({ protocol: /^https?$/ });
/** `id:key,id:key` with 32-byte keys in base64url; the last listed is the newest. */
const keyList = z
  .string()
  .regex(
    /^\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}\s*(,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}\s*)*$/,
    "must be id:key pairs separated by commas, each key 32 random bytes in base64url (43 characters)",
  )
  .optional();

function setting<S extends z.ZodType>(s: Setting<S>): Setting<S> {
  return s;
}

export const settings = {
  port: setting({
    env: "PORT",
    group: "Server",
    schema: nonNegativeInt.max(65535),
    default: "3000",
    description: "TCP port the web server listens on (0 picks a free one).",
  }),
  host: setting({
    env: "HOST",
    group: "Server",
    schema: z.string().min(1),
    default: "127.0.0.1",
    description: "Interface the web server binds to.",
  }),
  publicUrl: setting({
    env: "PUBLIC_URL",
    group: "Server",
    schema: httpUrl.optional(),
    description:
      "External base URL (scheme, host, port) browsers and CIS2 use to reach the service. Defaults to http://localhost:PORT. Cookies get `Secure` and the `__Host-` prefix when this is https.",
  }),
  trustProxy: setting({
    env: "TRUST_PROXY",
    group: "Server",
    schema: bool,
    default: "false",
    description: "Trust X-Forwarded-* headers from a reverse proxy in front of the service.",
  }),
  bodyLimitBytes: setting({
    env: "BODY_LIMIT_BYTES",
    group: "Server",
    schema: positiveInt,
    default: "65536",
    description: "Largest request body accepted; larger ones get 413.",
  }),
  logLevel: setting({
    env: "LOG_LEVEL",
    group: "Server",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    default: "info",
    description: "pino log level.",
  }),
  dataDir: setting({
    env: "DATA_DIR",
    group: "Storage",
    schema: z.string().min(1),
    default: "./data",
    description: "Folder for the embedded database, generated keys and caches (git-ignored).",
  }),
  databaseUrl: setting({
    env: "DATABASE_URL",
    group: "Storage",
    schema: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, "must start with sqlite: or postgres://")
      .optional(),
    description:
      "`sqlite:<file>` (embedded, default `sqlite:<DATA_DIR>/ncrs-connect.db`) or `postgres://…` for several instances.",
  }),
  databasePoolMax: setting({
    env: "DATABASE_POOL_MAX",
    group: "Storage",
    schema: positiveInt,
    default: "10",
    description: "PostgreSQL connection pool size per instance.",
  }),

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

  clinicalActivityCodes: setting({
    env: "ROLE_CLINICAL_ACTIVITY_CODES",
    group: "Roles",
    schema: list,
    default: "B0264,B0360",
    description:
      "A role with any of these national RBAC activity codes may use the clinical pages and launch NCRS.",
  }),
  adminActivityCodes: setting({
    env: "ROLE_ADMIN_ACTIVITY_CODES",
    group: "Roles",
    schema: list,
    default: "B0062",
    description: "A role with any of these activity codes may use the support and administration pages.",
  }),

  sharedIdleSeconds: setting({
    env: "SESSION_SHARED_IDLE_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "900",
    description: "Idle timeout on shared workstations and unregistered browsers.",
  }),
  sharedAbsoluteSeconds: setting({
    env: "SESSION_SHARED_ABSOLUTE_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "43200",
    description: "Absolute session lifetime on shared workstations and unregistered browsers.",
  }),
  personalIdleSeconds: setting({
    env: "SESSION_PERSONAL_IDLE_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "1800",
    description: "Idle timeout on registered personal devices.",
  }),
  personalAbsoluteSeconds: setting({
    env: "SESSION_PERSONAL_ABSOLUTE_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "43200",
    description: "Absolute session lifetime on registered personal devices.",
  }),
  tabletIdleSeconds: setting({
    env: "SESSION_TABLET_IDLE_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "900",
    description: "Idle timeout on registered tablets.",
  }),
  tabletAbsoluteSeconds: setting({
    env: "SESSION_TABLET_ABSOLUTE_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "43200",
    description: "Absolute session lifetime on registered tablets.",
  }),
  idleWarningSeconds: setting({
    env: "SESSION_IDLE_WARNING_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "120",
    description: 'How long before idle expiry the page warns and offers "Stay signed in".',
  }),
  touchIntervalSeconds: setting({
    env: "SESSION_TOUCH_INTERVAL_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "15",
    description:
      "Activity is written to the database at most this often per session (bounds write load; idle expiry is accurate to this).",
  }),
  singleSessionPerUser: setting({
    env: "SESSION_SINGLE_PER_USER",
    group: "Sessions",
    schema: bool,
    default: "false",
    description:
      "End a user's other sessions when they sign in (NHS recommends one active session per user).",
  }),

  pdsBaseUrl: setting({
    env: "PDS_BASE_URL",
    group: "PDS",
    schema: httpUrl,
    description:
      "PDS FHIR R4 base URL (INT: `https://int.api.service.nhs.uk/personal-demographics/FHIR/R4`). `npm start` points it at the simulator.",
  }),
  pdsAccessToken: setting({
    env: "PDS_ACCESS_TOKEN",
    group: "PDS",
    schema: z.string().min(1).optional(),
    secret: true,
    description:
      "Bearer token sent to PDS. Unset: no Authorization header (the sandbox and the simulator need none).",
  }),
  pdsEndUserOds: setting({
    env: "PDS_END_USER_ODS",
    group: "PDS",
    schema: z
      .string()
      .regex(/^[A-Z0-9]{3,6}$/, "an ODS code")
      .optional(),
    description:
      "Sent as NHSD-End-User-Organisation-ODS (mandatory when one application serves several organisations).",
  }),
  pdsTimeoutMs: setting({
    env: "PDS_TIMEOUT_MS",
    group: "PDS",
    schema: positiveInt,
    default: "3000",
    description: "Timeout of each call to PDS.",
  }),
  pdsRatePerSecond: setting({
    env: "PDS_RATE_LIMIT_PER_SECOND",
    group: "PDS",
    schema: positiveInt,
    default: "5",
    description:
      "Most calls sent to PDS in any second, retries included (PDS's default limit is 5 per application).",
  }),
  pdsMaxQueueWaitMs: setting({
    env: "PDS_MAX_QUEUE_WAIT_MS",
    group: "PDS",
    schema: nonNegativeInt,
    default: "10000",
    description: "How long a check may wait for its turn under the rate limit before failing with pds.busy.",
  }),
  pdsMaxAttempts: setting({
    env: "PDS_MAX_ATTEMPTS",
    group: "PDS",
    schema: z.coerce.number().int().min(1).max(6),
    default: "2",
    description:
      "Attempts per read (429, 503, timeouts and network failures are retried with backoff; the X-Request-ID stays the same).",
  }),
  pdsMaxRetryWaitMs: setting({
    env: "PDS_MAX_RETRY_WAIT_MS",
    group: "PDS",
    schema: nonNegativeInt,
    default: "5000",
    description:
      "Longest wait before a retry. A Retry-After longer than this ends the read at once (a clinician is waiting; they can try again).",
  }),
  pdsCacheSeconds: setting({
    env: "PDS_CACHE_SECONDS",
    group: "PDS",
    schema: nonNegativeInt,
    default: "60",
    description: "How long a PDS answer is reused for pages (a check with PDS always asks again).",
  }),
  pdsCircuitFailures: setting({
    env: "PDS_CIRCUIT_FAILURES",
    group: "PDS",
    schema: positiveInt,
    default: "5",
    description: "Consecutive failed reads after which calls to PDS pause.",
  }),
  pdsCircuitResetSeconds: setting({
    env: "PDS_CIRCUIT_RESET_SECONDS",
    group: "PDS",
    schema: positiveInt,
    default: "30",
    description: "How long calls to PDS pause before one trial call.",
  }),

  patientContextTtlSeconds: setting({
    env: "PATIENT_CONTEXT_TTL_SECONDS",
    group: "Patients",
    schema: positiveInt,
    default: "1800",
    description: "How long a patient selection stays usable without activity on it.",
  }),
  verificationStaleSeconds: setting({
    env: "VERIFICATION_STALE_SECONDS",
    group: "Patients",
    schema: positiveInt,
    default: "86400",
    description: "After this long a verified NHS number needs checking with PDS again.",
  }),
  pdsCheckTtlSeconds: setting({
    env: "PDS_CHECK_TTL_SECONDS",
    group: "Patients",
    schema: positiveInt,
    default: "900",
    description: "How long after a check with PDS its result may be confirmed.",
  }),

  auditEncryptionKeys: setting({
    env: "AUDIT_NHS_NUMBER_ENCRYPTION_KEYS",
    group: "Audit",
    schema: keyList,
    secret: true,
    description:
      "AES-256-GCM keys for NHS numbers in audit records, as `id:key,id:key` (key: 32 random bytes, base64url). The last encrypts; all decrypt, so rotate by appending a key and never remove one while records use it. Generated under DATA_DIR (id `local`) when unset; set it (the same on every instance) when running several.",
  }),
  auditIndexKeys: setting({
    env: "AUDIT_NHS_NUMBER_INDEX_KEYS",
    group: "Audit",
    schema: keyList,
    secret: true,
    description:
      "HMAC keys of the blind index that makes audit records searchable by NHS number, as for the encryption keys: the last indexes new records, searches use all. Generated under DATA_DIR when unset.",
  }),
  auditBatchMax: setting({
    env: "AUDIT_BATCH_MAX",
    group: "Audit",
    schema: positiveInt.max(5000),
    default: "256",
    description:
      "Most audit records committed in one transaction (group commit). Under load every commit carries this many; alone, a record commits at once.",
  }),
  auditBatchLingerMs: setting({
    env: "AUDIT_BATCH_LINGER_MS",
    group: "Audit",
    schema: nonNegativeInt.max(1000),
    default: "0",
    description:
      "How long an idle audit writer waits to gather a batch before committing. 0 commits at once; records arriving during a commit always share the next one.",
  }),
  auditCheckpointSeconds: setting({
    env: "AUDIT_CHECKPOINT_INTERVAL_SECONDS",
    group: "Audit",
    schema: positiveInt,
    default: "60",
    description:
      "How often a signed checkpoint of the audit trail's Merkle tree is made (when the trail has grown).",
  }),
  auditCheckpointOrigin: setting({
    env: "AUDIT_CHECKPOINT_ORIGIN",
    group: "Audit",
    schema: z
      .string()
      .regex(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/, "must be one line of printable ASCII")
      .optional(),
    description:
      "The trail's name in every checkpoint. Defaults to `<PUBLIC_URL host>/audit`; keep it stable.",
  }),
  auditRetentionDays: setting({
    env: "AUDIT_RETENTION_DAYS",
    group: "Audit",
    schema: nonNegativeInt,
    default: "2922",
    description:
      "Audit records older than this many days are archived to a checksummed file and then pruned from the database (0: never). The default is 8 years.",
  }),
  auditRetentionCheckHours: setting({
    env: "AUDIT_RETENTION_CHECK_HOURS",
    group: "Audit",
    schema: positiveInt,
    default: "24",
    description: "How often the retention job looks for records due for archiving.",
  }),
  auditArchiveDir: setting({
    env: "AUDIT_ARCHIVE_DIR",
    group: "Audit",
    schema: z.string().min(1).optional(),
    description: "Folder for audit archive files (`DATA_DIR/audit-archive` when unset). Back it up.",
  }),
  auditExportMaxDays: setting({
    env: "AUDIT_EXPORT_MAX_DAYS",
    group: "Audit",
    schema: positiveInt.max(3660),
    default: "31",
    description: "Longest period one FHIR AuditEvent export may cover.",
  }),

  cookieSecret: setting({
    env: "COOKIE_SECRET",
    group: "Security",
    schema: z.string().min(32).optional(),
    secret: true,
    description:
      "Key for signed cookies and CSRF tokens. Generated under DATA_DIR at first start when unset; set it (the same on every instance) when running several.",
  }),
  signInRateLimitPerMinute: setting({
    env: "RATE_LIMIT_SIGN_IN_PER_MINUTE",
    group: "Security",
    schema: positiveInt,
    default: "30",
    description: "Sign-in and callback requests allowed per client address per minute.",
  }),
  logoutRateLimitPerMinute: setting({
    env: "RATE_LIMIT_LOGOUT_PER_MINUTE",
    group: "Security",
    schema: positiveInt,
    default: "60",
    description: "Log-out and back-channel log-out requests allowed per client address per minute.",
  }),

  allowInsecureHttp: setting({
    env: "DEV_ALLOW_HTTP",
    group: "Development",
    schema: bool,
    default: "false",
    unsafe: true,
    description:
      "Allow national services (CIS2, PDS, NCRS) over plain `http:`, as the local simulators are. Never on outside development.",
  }),
  seedDemoPatients: setting({
    env: "DEV_SEED_DEMO_PATIENTS",
    group: "Development",
    schema: bool,
    default: "false",
    unsafe: true,
    description:
      "Fill an empty local patient index with demonstration patients matching the PDS simulator's.",
  }),
  simulatedServices: setting({
    env: "DEV_SIMULATED_SERVICES",
    group: "Development",
    schema: list,
    default: "",
    unsafe: true,
    description:
      "National services answered by local simulators (e.g. `cis2`); announced at start and on the operations page.",
  }),
} as const;

export type Settings = typeof settings;

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
