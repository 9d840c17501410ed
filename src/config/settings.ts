/**
 * Every setting the service reads, in one table: environment variable, schema, default and meaning.
 * The table is the single source for parsing (`load-config.ts`) and for `docs/configuration.md`;
 * each domain's rows live in their own `settings-*.ts` and are joined here in documentation order.
 */
import { z } from "zod";
import { bool, httpUrl, list, nonNegativeInt, positiveInt, setting, trustProxy } from "./setting.ts";
import { apimSettings } from "./settings-apim.ts";
import { auditSettings } from "./settings-audit.ts";
import { cis2Settings } from "./settings-cis2.ts";
import { doctorSettings } from "./settings-doctor.ts";
import { eventsSettings } from "./settings-events.ts";
import { launchSettings } from "./settings-launch.ts";
import { meshSettings } from "./settings-mesh.ts";
import { mnsSettings } from "./settings-mns.ts";
import { nationalSettings } from "./settings-national.ts";
import { nrlSettings } from "./settings-nrl.ts";
import { smartSettings } from "./settings-smart.ts";

export type { Setting, SettingGroup } from "./setting.ts";

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
    schema: trustProxy,
    default: "false",
    description:
      "Which reverse proxies' X-Forwarded-For (and -Proto, -Host) to believe: `false`; the number of proxies in front of the service (e.g. `1`: the client is the address the nearest proxy saw); or the proxies' addresses and CIDR ranges (e.g. `10.0.0.0/8,127.0.0.1`, or `loopback`). The client address so found is what sign-in rate limits, refusal limits and audit records use. `true` is refused: any client could then choose its own address.",
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
  ...cis2Settings,

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
  sessionWatchPollMs: setting({
    env: "SESSION_WATCH_POLL_MS",
    group: "Sessions",
    schema: positiveInt.min(100).max(60_000),
    default: "1000",
    description:
      "How often each instance looks up the sessions of its open pages, so a page is emptied within about this long of its session ending on another instance (one query per look, however many pages are open; a session ended on this instance is told at once).",
  }),
  touchIntervalSeconds: setting({
    env: "SESSION_TOUCH_INTERVAL_SECONDS",
    group: "Sessions",
    schema: positiveInt,
    default: "15",
    description:
      "Activity is written to the database at most this often per session (bounds write load; idle expiry is accurate to this).",
  }),
  sessionRecordsRetentionDays: setting({
    env: "SESSION_RECORDS_RETENTION_DAYS",
    group: "Sessions",
    schema: positiveInt,
    default: "30",
    description:
      "A session's records (the session, its patient contexts, PDS checks and launch ids) are deleted this many days after its absolute limit. The audit trail keeps the account of what happened.",
  }),
  singleSessionPerUser: setting({
    env: "SESSION_SINGLE_PER_USER",
    group: "Sessions",
    schema: bool,
    default: "false",
    description:
      "End a user's other sessions when they sign in (NHS recommends one active session per user).",
  }),
  ...nationalSettings,
  ...apimSettings,
  ...nrlSettings,
  ...launchSettings,
  ...smartSettings,
  ...eventsSettings,
  ...meshSettings,
  ...mnsSettings,
  ...doctorSettings,
  ...auditSettings,

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
  metricsBearerToken: setting({
    env: "METRICS_BEARER_TOKEN",
    group: "Security",
    schema: z.string().min(24).optional(),
    secret: true,
    description:
      "When set, /metrics answers only requests carrying `Authorization: Bearer <this token>` (at least 24 characters); otherwise it is open, for a metrics network kept apart.",
  }),
  anonymousRefusalsPerMinute: setting({
    env: "RATE_LIMIT_ANONYMOUS_REFUSALS_PER_MINUTE",
    group: "Security",
    schema: positiveInt,
    default: "20",
    description:
      "Refusals of requests nobody is signed in for (a launch without a session, a change event whose signature fails) allowed per client address per minute; past it the address gets 429 until the minute is out. Signed-in users and signed events are never limited by it.",
  }),
  refusalTallySeconds: setting({
    env: "REFUSAL_TALLY_SECONDS",
    group: "Security",
    schema: positiveInt.max(3600),
    default: "60",
    description:
      "Refusals nobody can be named for (a launch id never issued, presented without a session; a change event whose signature fails) are counted and written as one audit record per kind every this many seconds, not one each.",
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
