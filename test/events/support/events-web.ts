/**
 * The events routes inside the web platform they run in: sessions from a real CIS2 sign-in (the
 * CIS2 simulator), role-based access, CSRF, the NHS design-system views and the error pages, built
 * from the same platform pieces as src/app.ts, plus the events intake, admin and notification
 * routes, the MNS and PDS simulators, and the worker running. `/test/patient-page/:ctx` is a
 * stand-in patient page (the signed-in home page with the notifications partial included) until
 * the real patient page includes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { type Cis2Simulator, startCis2Simulator } from "../../../simulators/cis2/server.ts";
import { type MnsSimulator, startMnsSimulator } from "../../../simulators/mns/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../../simulators/pds/server.ts";
import type { EventsCompositionSettings } from "../../../src/composition/events.composition.ts";
import { buildIdentity, type Identity } from "../../../src/composition/identity.composition.ts";
import { loadConfig } from "../../../src/config/load-config.ts";
import { PatientContextService } from "../../../src/patients/patient-context.service.ts";
import { PatientIndexService } from "../../../src/patients/patient-index.service.ts";
import { systemClock } from "../../../src/platform/clock.ts";
import { registerErrorHandling } from "../../../src/platform/http/error-handler.ts";
import {
  registerRequestContext,
  requestIdServerOptions,
} from "../../../src/platform/http/request-context.ts";
import { registerSecurity } from "../../../src/platform/http/security.ts";
import { createLogger } from "../../../src/platform/logger.ts";
import type { Dialect } from "../../../src/storage/database.ts";
import { SqlPatientContextRepository } from "../../../src/storage/patient-context.repository.ts";
import { registerAssets, stylesheet } from "../../../src/web/assets.ts";
import { authRoutes } from "../../../src/web/routes/auth.routes.ts";
import { eventAdminRoutes, eventIntakeRoutes, INTAKE_PATH } from "../../../src/web/routes/events.routes.ts";
import { jwksRoutes } from "../../../src/web/routes/jwks.routes.ts";
import { notificationRoutes } from "../../../src/web/routes/notifications.routes.ts";
import { startRoutes } from "../../../src/web/routes/start.routes.ts";
import { cookieNames, registerSessionContext } from "../../../src/web/session-context.ts";
import { registerViews } from "../../../src/web/view-engine.ts";
import { freePort, TEST_CLIENT_ID } from "../../support/stack.ts";
import { type EventsTestDatabase, openEventsDatabase } from "./events-database.ts";
import { buildEventsSystem, type EventsSystem, SECRET } from "./events-system.ts";

export interface EventsWeb extends EventsSystem {
  readonly baseUrl: string;
  readonly db: EventsTestDatabase;
  readonly identity: Identity;
  readonly contexts: PatientContextService;
  readonly cis2: Cis2Simulator;
  readonly pds: PdsSimulator;
  readonly mns: MnsSimulator;
  /** POSTs to the MNS simulator's control API. */
  mnsControl(path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Sets (or clears) the PDS simulator's scenario for every request. */
  pdsControlScenario(scenario: string | null): Promise<void>;
  close(): Promise<void>;
}

async function buildWebApp(
  system: EventsSystem,
  identity: Identity,
  contexts: PatientContextService,
  dataDir: string,
  config: ReturnType<typeof loadConfig>,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: createLogger("silent") as FastifyBaseLogger,
    ...requestIdServerOptions,
  });
  const cookies = cookieNames(false);
  registerRequestContext(app);
  await registerSecurity(app, {
    cookieSecret: "events-web-test-cookie-secret-0123456789",
    secureCookies: false,
    formActionOrigins: [],
    csrfUserInfo: (request) => request.session?.id ?? "",
  });
  registerSessionContext(app, {
    sessions: identity.sessions,
    cookies,
    secureCookies: false,
    rolePolicy: identity.rolePolicy,
  });
  const sheet = stylesheet(join(dataDir, "cache"));
  await registerViews(app, {
    stylesheetUrl: sheet.url,
    rolePolicy: identity.rolePolicy,
    idleWarningSeconds: 120,
    developmentBanner: null,
  });
  registerErrorHandling(app, (_request, reply, view) =>
    reply.renderPage("error", { error: view.definition, correlationId: view.correlationId }),
  );
  await registerAssets(app, sheet);
  await app.register(startRoutes);
  await app.register(authRoutes, {
    signIn: identity.signIn,
    sessions: identity.sessions,
    backchannel: identity.backchannel,
    workstations: identity.workstations,
    cookies,
    secureCookies: false,
    publicUrl: config.publicUrl,
    signInTtlSeconds: config.cis2LoginTtlSeconds,
    signInRateLimit: 1000,
    logoutRateLimit: 1000,
  });
  await app.register(jwksRoutes, { keys: identity.keys, maxAgeSeconds: 0 });
  const intake = system.module.httpIntake;
  if (!intake) throw new Error("the test settings configure a signing secret");
  await app.register(eventIntakeRoutes, { intake, bodyLimitBytes: 65_536 });
  await app.register(eventAdminRoutes, { admin: system.module.admin });
  await app.register(notificationRoutes, {
    hub: system.module.hub,
    contexts,
    sessions: identity.sessions,
    cookies,
    rolePolicy: identity.rolePolicy,
    policy: system.module.policy,
    heartbeatMs: system.settings.notifyHeartbeatMs,
  });
  app.get<{ Params: { ctx: string } }>(
    "/test/patient-page/:ctx",
    { config: { access: "clinical" } },
    async (request, reply) => {
      const partial = await reply.viewAsync("partials/patient-notifications.njk", {
        contextId: request.params.ctx,
        cspNonce: reply.cspNonce?.script,
      });
      const home = await reply.renderPage("home", { sessionRows: [] });
      return reply.type("text/html; charset=utf-8").send(home.replace(/(<main[^>]*>)/, `$1${partial}`));
    },
  );
  return app;
}

export async function startEventsWeb(
  dialect: Dialect,
  settings: Partial<EventsCompositionSettings> = {},
): Promise<EventsWeb> {
  const [cis2, pds] = await Promise.all([
    startCis2Simulator({ port: 0 }),
    startPdsSimulator({ port: 0, rateLimitPerSecond: 0 }),
  ]);
  const db = await openEventsDatabase(dialect);
  const dataDir = mkdtempSync(join(tmpdir(), "ncrs-events-web-"));
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    CIS2_ISSUER: cis2.issuer,
    CIS2_CLIENT_ID: TEST_CLIENT_ID,
    PDS_BASE_URL: pds.baseUrl,
    NCRS_LAUNCH_TEMPLATE: "http://localhost:9/launch?nhsNumber={nhsNumber}",
    DEV_ALLOW_HTTP: "true",
  });
  const system = buildEventsSystem({
    database: db.database,
    pdsBaseUrl: pds.baseUrl,
    keysDir: join(dataDir, "keys"),
    settings,
  });
  await new PatientIndexService({ patients: system.patients, clock: systemClock }).seedDemoPatients();
  const identity = await buildIdentity({
    config,
    database: db.database,
    events: system.bus,
    clock: systemClock,
    keysDir: join(dataDir, "keys"),
  });
  const contexts = new PatientContextService({
    contexts: new SqlPatientContextRepository(db.database.db),
    patients: system.patients,
    events: system.bus,
    clock: systemClock,
    ttlSeconds: config.patientContextTtlSeconds,
  });
  const app = await buildWebApp(system, identity, contexts, dataDir, config);
  await app.listen({ port, host: "127.0.0.1" });
  await cis2.registerClient({
    client_id: TEST_CLIENT_ID,
    token_endpoint_auth_method: "private_key_jwt",
    jwks_uri: `${baseUrl}/.well-known/jwks.json`,
    jwks_uri_signing_algorithm: config.cis2SigningAlg,
    redirect_uris: [`${baseUrl}/auth/callback`],
  });
  const mns = await startMnsSimulator({
    port: 0,
    endpoint: `${baseUrl}${INTAKE_PATH}`,
    secret: SECRET,
    pdsOrigin: pds.origin,
    retryDelayMs: 5,
  });
  system.module.start();
  return {
    ...system,
    baseUrl,
    db,
    identity,
    contexts,
    cis2,
    pds,
    mns,
    async mnsControl(path, body = {}) {
      const response = await fetch(`${mns.origin}/_sim/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    async pdsControlScenario(scenario) {
      await fetch(`${pds.origin}/_sim/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario }),
      });
    },
    async close() {
      await system.module.stop();
      await mns.close();
      await app.close();
      await cis2.close();
      await pds.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
