/**
 * One events test world: a fresh database of the chosen dialect (with demo patients), the PDS
 * simulator, the events domain built as the product builds it, the intake route on a Fastify
 * instance with the real request-id and error-handling plugins, and (optionally) the MNS simulator
 * delivering to it. Domain events are recorded in order, as the audit trail would receive them.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { type MnsSimulator, startMnsSimulator } from "../../../simulators/mns/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../../simulators/pds/server.ts";
import type { EventsCompositionSettings } from "../../../src/composition/events.composition.ts";
import { signatureHeader } from "../../../src/events/mns-signature.ts";
import { PatientIndexService } from "../../../src/patients/patient-index.service.ts";
import { AddressLimiter } from "../../../src/platform/address-limiter.ts";
import { systemClock } from "../../../src/platform/clock.ts";
import { registerErrorHandling } from "../../../src/platform/http/error-handler.ts";
import {
  registerRequestContext,
  requestIdServerOptions,
} from "../../../src/platform/http/request-context.ts";
import type { Dialect } from "../../../src/storage/database.ts";
import { eventIntakeRoutes, INTAKE_PATH } from "../../../src/web/routes/events.routes.ts";
import { type EventsTestDatabase, openEventsDatabase } from "./events-database.ts";
import { buildEventsSystem, type EventsSystem, SECRET } from "./events-system.ts";

export interface Recorded {
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

export interface HarnessOptions {
  readonly dialect: Dialect;
  readonly settings?: Partial<EventsCompositionSettings>;
  /** The PDS simulator's spike arrest (default off; 5 is PDS's own). */
  readonly pdsRateLimit?: number;
  readonly pdsRatePerSecond?: number;
  readonly pdsCacheSeconds?: number;
  /** Start the MNS simulator delivering to the intake (default true). */
  readonly mns?: boolean;
}

export interface Harness extends EventsSystem {
  readonly db: EventsTestDatabase;
  readonly pds: PdsSimulator;
  readonly mns: MnsSimulator | null;
  readonly intakeUrl: string;
  readonly recorded: Recorded[];
  /** Domain events of one name, in order. */
  named(name: string): Record<string, unknown>[];
  /** POSTs to the MNS simulator's control API; returns its JSON answer. */
  mnsControl(path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Calls the PDS simulator's control API. */
  pdsControl(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Posts a body to the intake, signed (or with the given signature header). */
  post(body: string, contentType: string, signature?: string): Promise<Response>;
  /** Runs the worker until nothing is waiting or being processed (or the time is up). */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The intake endpoint on Fastify with the platform's request context and error handling. */
export async function intakeServer(system: EventsSystem): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ...requestIdServerOptions });
  registerRequestContext(app);
  registerErrorHandling(app, async (_request, _reply, view) => view.definition.title);
  const intake = system.module.httpIntake;
  if (!intake) throw new Error("the test settings configure a signing secret");
  await app.register(eventIntakeRoutes, {
    intake,
    bodyLimitBytes: 65_536,
    unsigned: { limiter: new AddressLimiter({ perMinute: 1000 }), limited: () => {} },
  });
  return app;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const db = await openEventsDatabase(options.dialect);
  const keysDir = mkdtempSync(join(tmpdir(), "ncrs-events-keys-"));
  const pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: options.pdsRateLimit ?? 0 });
  const system = buildEventsSystem({
    database: db.database,
    pdsBaseUrl: pds.baseUrl,
    keysDir,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.pdsRatePerSecond ? { pdsRatePerSecond: options.pdsRatePerSecond } : {}),
    ...(options.pdsCacheSeconds !== undefined ? { pdsCacheSeconds: options.pdsCacheSeconds } : {}),
  });
  await new PatientIndexService({ patients: system.patients, clock: systemClock }).seedDemoPatients();
  const recorded: Recorded[] = [];
  system.bus.onAny((name, payload) => {
    recorded.push({ name: name as string, payload: payload as unknown as Record<string, unknown> });
  });
  const app = await intakeServer(system);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const intakeUrl = `http://127.0.0.1:${port}${INTAKE_PATH}`;
  const mns =
    options.mns === false
      ? null
      : await startMnsSimulator({
          port: 0,
          endpoint: intakeUrl,
          secret: SECRET,
          pdsOrigin: pds.origin,
          retryDelayMs: 5,
        });

  const harness: Harness = {
    ...system,
    db,
    pds,
    mns,
    intakeUrl,
    recorded,
    named: (name) => recorded.filter((r) => r.name === name).map((r) => r.payload),
    async mnsControl(path, body = {}) {
      if (!mns) throw new Error("no MNS simulator in this harness");
      return json(
        await fetch(`${mns.origin}/_sim/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    },
    async pdsControl(method, path, body) {
      return json(
        await fetch(`${pds.origin}/_sim/${path}`, {
          method,
          ...(body === undefined
            ? {}
            : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
        }),
      );
    },
    async post(body, contentType, signature) {
      const header = signature ?? signatureHeader(SECRET, Math.floor(Date.now() / 1000), Buffer.from(body));
      return fetch(intakeUrl, {
        method: "POST",
        headers: { "content-type": contentType, "x-mns-signature": header },
        body,
      });
    },
    async drain(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const claimed = await system.module.worker.runOnce();
        if (claimed > 0) continue;
        const { backlog } = await system.module.counts();
        if (backlog === 0) return;
        if (Date.now() > deadline) throw new Error(`events still waiting after ${timeoutMs} ms: ${backlog}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await system.module.stop();
      await mns?.close();
      await app.close();
      await pds.close();
      await db.drop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
  return harness;
}
