/**
 * Local simulator of the NHS Multicast Notification Service's event delivery: it makes a change
 * at the PDS simulator, then delivers the signal announcing it (CloudEvent or FHIR R4 Bundle) to
 * an HTTP endpoint, signed, with MNS's at-least-once habits (retries, duplicates, reordering) and
 * malformed deliveries on demand. Driven by a `/_sim/` control API and page.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { registerAssets } from "./assets.ts";
import { registerControlApi } from "./control-api.ts";
import { registerControlPage } from "./control-page.ts";
import { Deliverer } from "./delivery.ts";
import { DeliveryLog } from "./delivery-log.ts";
import { EventStore } from "./event-store.ts";
import { type MeshDeliveryOptions, meshTransport } from "./mesh-transport.ts";
import { PdsControl } from "./pds-control.ts";
import { Publisher } from "./publisher.ts";
import type { EventFormat } from "./signal.ts";
import type { MnsContext } from "./simulator-context.ts";
import { mountSubscriptionApi, type SubscriptionsOption } from "./subscriptions/subscription-api.ts";

export interface MnsSimulatorOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Where events are POSTed (the app's intake), e.g. http://localhost:3000/api/v1/events/mns */
  endpoint: string;
  /** Shared secret for the HMAC signature. */
  secret: string;
  /** Origin of the PDS simulator whose control API makes the changes, e.g. http://127.0.0.1:3102 */
  pdsOrigin: string;
  /** Base URL put in dataref/focus pointers, default `${pdsOrigin}/personal-demographics/FHIR/R4` */
  pdsBaseUrl?: string;
  /** Format used when a request does not say; default "cloudevent". */
  format?: EventFormat;
  /** Attempts per delivery when a request does not say; default 3. */
  attempts?: number;
  /** Wait before the first retry in milliseconds, doubling after; default 500. */
  retryDelayMs?: number;
  /** Time one delivery attempt may take before it counts as failed; default 10000. */
  attemptTimeoutMs?: number;
  /** Receives one line per delivery attempt and per control action; default discards them. */
  log?: (line: string) => void;
  /** Deliver into this MESH mailbox instead of POSTing to `endpoint` (shown as where events go). */
  mesh?: MeshDeliveryOptions;
  /** Serve the subscription API behind the API platform whose tokens `bearer` checks (subscriptions/README.md). */
  subscriptions?: SubscriptionsOption;
}

export interface MnsSimulator {
  /** e.g. `http://127.0.0.1:3104`; the control API and page live under `${origin}/_sim/`. */
  origin: string;
  close(): Promise<void>;
}

function positive(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

function buildContext(options: MnsSimulatorOptions, shutdown: AbortSignal): MnsContext {
  if (options.secret === "") throw new Error("secret must not be empty");
  new URL(options.endpoint); // fail at start, not at the first delivery
  const log = options.log ?? (() => {});
  const deliveries = new DeliveryLog();
  const settings = {
    endpoint: options.endpoint,
    secret: options.secret,
    retryDelayMs: positive("retryDelayMs", options.retryDelayMs ?? 500, 0),
    attemptTimeoutMs: positive("attemptTimeoutMs", options.attemptTimeoutMs ?? 10_000, 1),
    log,
    ...(options.mesh ? { transport: meshTransport(options.mesh) } : {}),
  };
  const deliverer = new Deliverer(settings, deliveries, shutdown);
  const pds = new PdsControl(options.pdsOrigin);
  const events = new EventStore();
  const publisher = new Publisher(pds, deliverer, events, {
    defaultFormat: options.format ?? "cloudevent",
    defaultAttempts: positive("attempts", options.attempts ?? 3, 1),
    pdsBaseUrl:
      options.pdsBaseUrl ?? `${options.pdsOrigin.replace(/\/+$/, "")}/personal-demographics/FHIR/R4`,
  });
  return { pds, publisher, deliverer, deliveries, events, secret: options.secret, log };
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function registerRoutes(app: FastifyInstance, context: MnsContext, options: MnsSimulatorOptions): void {
  app.register(
    async (control) => {
      registerControlApi(control, context);
      registerControlPage(control, context, { endpoint: options.endpoint, pdsOrigin: options.pdsOrigin });
      registerAssets(control);
    },
    { prefix: "/_sim" },
  );
}

/**
 * Starts the simulator and resolves once it is listening. Each call has its own delivery log and
 * remembered events; PDS state belongs to the PDS simulator it drives.
 */
export async function startMnsSimulator(options: MnsSimulatorOptions): Promise<MnsSimulator> {
  const shutdown = new AbortController();
  const context = buildContext(options, shutdown.signal);
  const app = Fastify({ logger: false });
  registerRoutes(app, context, options);
  let origin = "";
  if (options.subscriptions) mountSubscriptionApi(app, options.subscriptions, context.log, () => origin);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  origin = `http://${urlHost(host)}:${port}`;
  context.log(
    `MNS simulator listening on ${origin} (control page ${origin}/_sim/), delivering to ${options.endpoint}`,
  );
  return {
    origin,
    async close() {
      shutdown.abort();
      await app.close();
    },
  };
}
