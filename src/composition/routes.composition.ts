/**
 * Part of the composition root: registers every page and API route plugin with the services it
 * needs. Security, sessions, views and error handling are registered before this, in app.ts.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { Config } from "../config/load-config.ts";
import type { Session } from "../identity/identity.types.ts";
import { opsRoutes } from "../ops/ops.routes.ts";
import type { RefusalMetrics } from "../ops/refusal-metrics.ts";
import type { UpstreamHealth } from "../ops/upstream-health.ts";
import { AddressLimiter } from "../platform/address-limiter.ts";
import type { Clock } from "../platform/clock.ts";
import type { SealedTokens } from "../platform/sealed-token.ts";
import type { Database } from "../storage/database.ts";
import { pendingMigrations } from "../storage/migrate.ts";
import type { AnonymousLimit } from "../web/anonymous-limit.ts";
import type { ContextTokens } from "../web/context-token.ts";
import { openApiPlugin } from "../web/plugins/openapi.plugin.ts";
import { apiReferenceRoutes } from "../web/routes/api-reference.routes.ts";
import { auditRoutes } from "../web/routes/audit.routes.ts";
import { authRoutes } from "../web/routes/auth.routes.ts";
import { clinicalSafetyRoutes } from "../web/routes/clinical-safety.routes.ts";
import { contextLaunchRoutes } from "../web/routes/context-launch.routes.ts";
import { embedRoutes } from "../web/routes/embed.routes.ts";
import { eventAdminRoutes, eventIntakeRoutes } from "../web/routes/events.routes.ts";
import { helpRoutes } from "../web/routes/help.routes.ts";
import { jwksRoutes } from "../web/routes/jwks.routes.ts";
import { launchRoutes } from "../web/routes/launch.routes.ts";
import { launchApiRoutes } from "../web/routes/launch-api.routes.ts";
import { launchOverviewRoutes } from "../web/routes/launch-overview.routes.ts";
import { notificationRoutes } from "../web/routes/notifications.routes.ts";
import { oauthRoutes } from "../web/routes/oauth.routes.ts";
import { patientContextRoutes } from "../web/routes/patient-contexts.routes.ts";
import { patientRoutes } from "../web/routes/patients.routes.ts";
import { recordsElsewhereRoutes } from "../web/routes/records-elsewhere.routes.ts";
import { sessionRoutes } from "../web/routes/session.routes.ts";
import { smartLaunchRoutes } from "../web/routes/smart-launch.routes.ts";
import { startRoutes } from "../web/routes/start.routes.ts";
import { statusRoutes } from "../web/routes/status.routes.ts";
import { workstationRoutes } from "../web/routes/workstations.routes.ts";
import type { CookieNames } from "../web/session-context.ts";
import type { Audit } from "./audit.composition.ts";
import type { EventsModule } from "./events.composition.ts";
import type { Identity } from "./identity.composition.ts";
import type { Launch } from "./launch.composition.ts";
import type { Patients } from "./patients.composition.ts";
import type { RecordsModule } from "./records.composition.ts";

const GUIDES_DIR = fileURLToPath(new URL("../../docs/guides", import.meta.url));

export interface RouteDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly cookies: CookieNames;
  readonly identity: Identity;
  readonly patients: Patients;
  readonly launch: Launch;
  readonly changeEvents: EventsModule;
  readonly audit: Audit;
  readonly registry: Registry;
  /** The version this instance runs, for the metrics and the status page. */
  readonly version: string;
  /** Seals patient searches for their results addresses. */
  readonly searchTokens: SealedTokens;
  /** For the embeddable button: a handed-over patient's context, sealed. */
  readonly contextTokens: ContextTokens;
  /** For the embeddable button's short hop from its form post to our own origin. */
  readonly embedOpenTokens: SealedTokens;
  /** Seals audit searches for their results addresses. */
  readonly auditSearchTokens: SealedTokens;
  /** Counts requests refused for too many anonymous refusals from one address. */
  readonly refusalMetrics: RefusalMetrics;
  /** How CIS2 and PDS are doing, from the calls made anyway. */
  readonly upstream: UpstreamHealth;
  readonly database: Database;
  /** Records held elsewhere (NRL); null when NRL is not configured. */
  readonly records?: RecordsModule | null;
}

/** A limit per client address on refusals of requests nobody is signed in for, on one channel. */
function anonymousLimit(deps: RouteDeps, channel: string): AnonymousLimit {
  return {
    limiter: new AddressLimiter({ perMinute: deps.config.anonymousRefusalsPerMinute }),
    limited: () => deps.refusalMetrics.limited(channel),
  };
}

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { config, clock, cookies, identity, patients, launch, changeEvents, audit, registry, version } = deps;
  /** Whether another session (one a page or button was made in) was this session's user's. */
  const sameUser = async (session: Session, otherSessionId: string) => {
    const [other] = await identity.sessionRepository.findByIds([otherSessionId]);
    return other !== undefined && other.user.id === session.user.id;
  };
  // First: it describes the routes registered after it.
  await app.register(openApiPlugin);
  await app.register(startRoutes);
  await app.register(authRoutes, {
    signIn: identity.signIn,
    logout: identity.logout,
    sessions: identity.sessions,
    backchannel: identity.backchannel,
    workstations: identity.workstations,
    cookies,
    secureCookies: config.secureCookies,
    publicUrl: config.publicUrl,
    signInTtlSeconds: config.cis2LoginTtlSeconds,
    signInRateLimit: config.signInRateLimitPerMinute,
    logoutRateLimit: config.logoutRateLimitPerMinute,
  });
  await app.register(sessionRoutes, {
    sessions: identity.sessions,
    watch: identity.watch,
    idleWarningSeconds: config.idleWarningSeconds,
    heartbeatMs: config.eventsNotifyHeartbeatMs,
  });
  await app.register(workstationRoutes, {
    workstations: identity.workstations,
    cookies,
    secureCookies: config.secureCookies,
  });
  await app.register(patientRoutes, {
    index: patients.index,
    contexts: patients.contexts,
    verification: patients.verification,
    clock,
    staleAfterSeconds: config.verificationStaleSeconds,
    launch: launch.panel,
    searchTokens: deps.searchTokens,
    sameUser,
    ...(deps.records
      ? { records: { service: deps.records.service, pageWaitMs: deps.records.pageWaitMs } }
      : {}),
  });
  if (deps.records)
    await app.register(recordsElsewhereRoutes, {
      service: deps.records.service,
      contexts: patients.contexts,
    });
  await app.register(launchRoutes, {
    launches: launch.launches,
    anonymous: anonymousLimit(deps, "launch"),
    reuseTab: config.ncrsTabReuse,
  });
  await app.register(launchApiRoutes, { launches: launch.launches });
  await app.register(patientContextRoutes, {
    handover: patients.handover,
    contextTokens: deps.contextTokens,
    publicUrl: config.publicUrl,
  });
  await app.register(apiReferenceRoutes);
  await app.register(embedRoutes, {
    contextTokens: deps.contextTokens,
    openTokens: deps.embedOpenTokens,
    launches: launch.launches,
    contexts: patients.contexts,
    clock,
    verificationStaleSeconds: config.verificationStaleSeconds,
    windowName: config.ncrsWindowName,
    reuseTab: config.ncrsTabReuse,
    anonymous: anonymousLimit(deps, "embed"),
    sameUser,
  });
  const contextLaunch = await launch.openContextLaunch({
    handover: patients.handover,
    anonymous: anonymousLimit(deps, "context_launch"),
  });
  await app.register(contextLaunchRoutes, {
    contextLaunch: contextLaunch.service,
    sessions: identity.sessions,
    rolePolicy: identity.rolePolicy,
    sessionCookie: cookies.session,
    secureCookies: config.secureCookies,
    bindingSeconds: config.cis2LoginTtlSeconds,
  });
  const smartLaunch = await launch.openSmartLaunch({
    handover: patients.handover,
    anonymous: anonymousLimit(deps, "smart_launch"),
  });
  await app.register(smartLaunchRoutes, {
    smartLaunch: smartLaunch.service,
    sessions: identity.sessions,
    rolePolicy: identity.rolePolicy,
    sessionCookie: cookies.session,
    secureCookies: config.secureCookies,
    bindingSeconds: config.smartStateSeconds + config.cis2LoginTtlSeconds,
  });
  await app.register(oauthRoutes, { apiAccess: launch.apiAccess });
  await app.register(helpRoutes, {
    ncrsOrigin: launch.ncrsOrigin,
    secureCookies: config.secureCookies,
    guidesDir: GUIDES_DIR,
  });
  await app.register(clinicalSafetyRoutes, {
    docsDir: fileURLToPath(new URL("../../docs/clinical-safety", import.meta.url)),
  });
  if (changeEvents.httpIntake) {
    await app.register(eventIntakeRoutes, {
      intake: changeEvents.httpIntake,
      bodyLimitBytes: config.bodyLimitBytes,
      unsigned: anonymousLimit(deps, "event_intake"),
    });
  }
  await app.register(eventAdminRoutes, { admin: changeEvents.admin });
  await app.register(notificationRoutes, {
    hub: changeEvents.hub,
    contexts: patients.contexts,
    sessions: identity.sessions,
    cookies,
    rolePolicy: identity.rolePolicy,
    policy: changeEvents.policy,
    heartbeatMs: config.eventsNotifyHeartbeatMs,
    ...(deps.records ? { records: { hub: deps.records.hub, service: deps.records.service } } : {}),
  });
  await app.register(auditRoutes, {
    search: audit.search,
    export: audit.export,
    checkpoints: audit.checkpoints,
    exportMaxDays: config.auditExportMaxDays,
    searchTokens: deps.auditSearchTokens,
    clock,
    organisationNames: (codes) => identity.sessionRepository.organisationNames(codes),
  });
  await app.register(launchOverviewRoutes, { overview: audit.launchOverview });
  await app.register(jwksRoutes, {
    keys: [
      identity.keys,
      smartLaunch.signingKeys,
      contextLaunch.encryptionKeys,
      ...(patients.platformKeys ? [patients.platformKeys] : []),
    ],
    maxAgeSeconds: config.jwksMaxAgeSeconds,
  });
  await app.register(opsRoutes, {
    registry,
    startedAt: clock.now(),
    version,
    metricsBearerToken: config.metricsBearerToken ?? null,
    // Whether this instance can serve: never a national service (their health is on /status).
    readiness: [
      {
        name: "database",
        check: () => identity.sessionRepository.countActive(clock.now()).then(() => undefined),
      },
      {
        name: "migrations",
        check: async () => {
          const pending = await pendingMigrations(deps.database);
          if (pending.length > 0) throw new Error(`migrations not applied: ${pending.join(", ")}`);
        },
      },
      { name: "keys", check: () => identity.keys.signingKey().then(() => undefined) },
    ],
  });
  await app.register(statusRoutes, { upstream: deps.upstream, version, startedAt: clock.now() });
}
