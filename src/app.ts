/**
 * Composition root: builds adapters from configuration, hands them to services, registers the
 * route plugins. It never listens (main.ts does), so tests build exactly what production runs.
 */
import { join } from "node:path";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { type Audit, buildAudit } from "./composition/audit.composition.ts";
import { buildEvents, type EventsModule, eventsSettingsOf } from "./composition/events.composition.ts";
import { buildIdentity, type Identity } from "./composition/identity.composition.ts";
import { buildLaunch, type Launch } from "./composition/launch.composition.ts";
import { buildMesh, type MeshModule } from "./composition/mesh.composition.ts";
import { buildPatients, type Patients } from "./composition/patients.composition.ts";
import { buildRecords, type RecordsModule } from "./composition/records.composition.ts";
import { buildRefusals } from "./composition/refusals.composition.ts";
import { registerRoutes } from "./composition/routes.composition.ts";
import { type Config, unsafeSwitchesOn } from "./config/load-config.ts";
import { createEventBus, type DomainEvents, type Events } from "./domain-events.ts";
import {
  auditCommitMetrics,
  cis2CallMetrics,
  pdsCallMetrics,
  smartEhrCallMetrics,
  subscribeDomainMetrics,
} from "./ops/domain-metrics.ts";
import { subscribeEventMetrics } from "./ops/event-metrics.ts";
import { subscribeHandoverMetrics } from "./ops/handover-metrics.ts";
import { Housekeeping } from "./ops/housekeeping.ts";
import { subscribeLaunchMetrics } from "./ops/launch-metrics.ts";
import { UpstreamHealth } from "./ops/upstream-health.ts";
import { NationalChangeService } from "./patients/national-change.service.ts";
import { type Clock, systemClock } from "./platform/clock.ts";
import { registerErrorHandling } from "./platform/http/error-handler.ts";
import { registerHttpMetrics } from "./platform/http/http-metrics.ts";
import { registerRequestContext, requestIdServerOptions } from "./platform/http/request-context.ts";
import { registerSecurity } from "./platform/http/security.ts";
import { fileSecret } from "./platform/key-store.ts";
import { createLogger } from "./platform/logger.ts";
import { SealedTokens } from "./platform/sealed-token.ts";
import { VERSION } from "./platform/version.ts";
import { type Database, openDatabase } from "./storage/database.ts";
import { SqlOperationalRecords } from "./storage/housekeeping.repository.ts";
import { migrateToLatest } from "./storage/migrate.ts";
import { sealStoredNhsNumbers } from "./storage/seal-stored-nhs-numbers.ts";
import { registerAssets, stylesheet } from "./web/assets.ts";
import { ContextTokens } from "./web/context-token.ts";
import { errorPageData } from "./web/error-page.ts";
import { cookieNames, registerSessionContext } from "./web/session-context.ts";
import { registerViews } from "./web/view-engine.ts";

export { VERSION };

/** The Markdown guides for local IT, served as pages (docs/guides). */

export interface AppOptions {
  readonly config: Config;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** An already-open database (tests share one across app instances); otherwise DATABASE_URL. */
  readonly database?: Database;
}

export interface BuiltApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly database: Database;
  readonly events: Events;
  readonly audit: Audit;
  readonly identity: Identity;
  readonly patients: Patients;
  readonly launch: Launch;
  readonly changeEvents: EventsModule;
  /** The MESH poller when MNS_DELIVERY is mesh. */
  readonly mesh: MeshModule | null;
  /** Records held elsewhere (NRL); null when NRL_BASE_URL is unset. */
  readonly records: RecordsModule | null;
  readonly registry: Registry;
  /** Deletes records past their use; runs every ten minutes. */
  readonly housekeeping: Housekeeping;
  close(): Promise<void>;
}

/**
 * TRUST_PROXY as Fastify takes it. A hop count trusts that many addresses nearest the service
 * (the socket's peer first), which Fastify no longer accepts as a number; addresses are safer, as
 * a client that reaches the service directly cannot pass for a proxy.
 */
export function proxyTrust(
  setting: Config["trustProxy"],
): false | string[] | ((a: string, hop: number) => boolean) {
  return typeof setting === "number" ? (_address, hop) => hop < setting : setting;
}

/** One call observer that tells two. */
function both<E>(first: (event: E) => void, second: (event: E) => void): (event: E) => void {
  return (event) => {
    first(event);
    second(event);
  };
}

export async function buildApp(options: AppOptions): Promise<BuiltApp> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const database =
    options.database ??
    openDatabase(config.databaseUrl, {
      poolMax: config.databasePoolMax,
      onConnectionError: (error) =>
        logger.warn({ err: error }, "database connection lost; the pool will reconnect"),
    });
  await migrateToLatest(database);

  const events = createEventBus();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // How CIS2 and PDS are doing, from the calls made anyway (status page, ncrs_upstream_up).
  const upstream = new UpstreamHealth(registry, () => clock.now());
  const keysDir = join(config.dataDir, "keys");
  // The audit trail subscribes first, so no event can be emitted before it is there to record it.
  const audit = await buildAudit({
    config,
    database,
    events,
    clock,
    keysDir,
    logger,
    onCommitted: auditCommitMetrics(registry),
  });
  // Before anything reads them: NHS numbers still in clear from before migration 0011 are sealed
  // with the audit trail's keys (docs/adr/0014). Counts only in the log.
  const sealed = await sealStoredNhsNumbers(database, audit.protection);
  if (Object.values(sealed).some((n) => n > 0))
    logger.info({ sealed }, "sealed the NHS numbers stored in clear before this version (rows per table)");
  const identity = await buildIdentity({
    config,
    database,
    events,
    clock,
    keysDir,
    onCis2Call: both(cis2CallMetrics(registry), upstream.cis2),
  });
  subscribeDomainMetrics(events, registry, () => identity.sessionRepository.countActive(clock.now()));
  const patients = await buildPatients({
    config,
    keysDir,
    idTokenOf: (sessionId) => identity.sessionRepository.idTokenOf(sessionId),
    database,
    events,
    clock,
    protection: audit.protection,
    onPdsCall: both(pdsCallMetrics(registry), upstream.pds),
  });
  const refusals = buildRefusals({ config, events, registry, logger });
  const launch = buildLaunch({
    config,
    database,
    events,
    clock,
    contexts: patients.contexts,
    rolePolicy: identity.rolePolicy,
    protection: audit.protection,
    anonymousRefusals: refusals.tally,
    onSmartEhrCall: smartEhrCallMetrics(registry),
  });
  subscribeLaunchMetrics(events, registry);
  subscribeHandoverMetrics(events, registry);
  const changeEvents = buildEvents({
    settings: eventsSettingsOf(config),
    database,
    events: {
      emit: async (name, payload) => {
        await events.emit(name, payload as DomainEvents[typeof name]);
      },
    },
    clock,
    demographics: patients.demographics,
    nationalChanges: new NationalChangeService({ patients: patients.repository, events, clock }),
    patients: patients.repository,
    indexer: audit.protection,
    keysDir,
    logger,
    unauthenticated: refusals.tally,
  });
  subscribeEventMetrics(events, registry, () => changeEvents.counts(), clock);
  const mesh = buildMesh({
    config,
    database,
    intake: changeEvents.intake,
    clock,
    logger,
    registry,
    version: VERSION,
  });
  const records = await buildRecords({
    config,
    keysDir,
    database,
    events,
    clock,
    onBackgroundFailure: (error) => logger.warn({ err: error }, "NRL search failed after the page was sent"),
  });
  if (config.seedDemoPatients) {
    const added = await patients.index.seedDemoPatients();
    if (added > 0)
      logger.warn(
        `Seeded the local patient index with ${added} demonstration patients (DEV_SEED_DEMO_PATIENTS)`,
      );
  }

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: proxyTrust(config.trustProxy),
    routerOptions: { ignoreTrailingSlash: true },
    ...requestIdServerOptions,
  });
  const cookies = cookieNames(config.secureCookies);
  const unsafe = unsafeSwitchesOn(config);

  const cookieSecret = config.cookieSecret ?? fileSecret(keysDir, "cookie-secret");
  registerRequestContext(app);
  await registerSecurity(app, {
    cookieSecret,
    secureCookies: config.secureCookies,
    // The launch form posts to us and is redirected to NCRS, which may send the browser on to CIS2
    // to sign in: browsers apply form-action to every redirect of a form post.
    formActionOrigins: [
      ...new Set([launch.ncrsOrigin, new URL(config.cis2Issuer).origin, ...config.ncrsRedirectOrigins]),
    ],
    csrfUserInfo: (request) => request.session?.id ?? "",
    // Every page of ours alike: a tab changing policy as it moves between our pages would lose NCRS's tab.
    openerPolicy: config.ncrsTabReuse ? "same-origin-allow-popups" : "same-origin",
  });
  registerHttpMetrics(app, registry);
  registerSessionContext(app, {
    sessions: identity.sessions,
    cookies,
    secureCookies: config.secureCookies,
    rolePolicy: identity.rolePolicy,
    bearer: (token) => launch.apiAccess.sessionFor(token),
  });
  const sheet = stylesheet(join(config.dataDir, "cache"));
  await registerViews(app, {
    stylesheetUrl: sheet.url,
    rolePolicy: identity.rolePolicy,
    idleWarningSeconds: config.idleWarningSeconds,
    developmentBanner:
      unsafe.length > 0
        ? `Simulated national services and unsafe switches are on: ${unsafe.join(", ")}.`
        : null,
  });
  registerErrorHandling(app, (request, reply, view) =>
    reply.renderPage("error", errorPageData(request, view)),
  );
  await registerAssets(app, sheet);

  await registerRoutes(app, {
    config,
    clock,
    cookies,
    identity,
    patients,
    launch,
    changeEvents,
    audit,
    registry,
    version: VERSION,
    refusalMetrics: refusals.metrics,
    upstream,
    database,
    searchTokens: new SealedTokens(cookieSecret, "patient-search"),
    auditSearchTokens: new SealedTokens(cookieSecret, "audit-search"),
    contextTokens: new ContextTokens(new SealedTokens(cookieSecret, "patient-context")),
    embedOpenTokens: new SealedTokens(cookieSecret, "embed-open"),
    records,
  });

  const housekeeping = new Housekeeping({
    records: new SqlOperationalRecords(database.db),
    loginTransactions: identity.loginTransactions,
    sessionRecordsDays: config.sessionRecordsRetentionDays,
    changeEventsDays: config.eventsRetentionDays,
    registry,
    log: (deleted) => logger.info({ deleted }, "housekeeping deleted records past their use"),
  });
  const housekeepingTimer = setInterval(
    () =>
      void housekeeping
        .run(clock.now())
        .catch((error: unknown) => logger.warn({ err: error }, "housekeeping failed")),
    10 * 60_000,
  );
  housekeepingTimer.unref();
  changeEvents.start();
  mesh?.start();

  return {
    app,
    config,
    database,
    events,
    audit,
    identity,
    patients,
    launch,
    changeEvents,
    mesh,
    records,
    registry,
    housekeeping,
    async close() {
      clearInterval(housekeepingTimer);
      await mesh?.stop();
      await changeEvents.stop();
      identity.watch.stop();
      await app.close();
      await refusals.tally.close();
      await audit.close();
      if (!options.database) await database.close();
    },
  };
}
