/**
 * Wires MNS over MESH when MNS_DELIVERY is `mesh`: the MESH client (certificate, key and CA read
 * from their configured paths), the lease shared through the database, and the poller feeding the
 * events intake. Its messages are counted by outcome (`ncrs_mesh_messages_total`).
 */
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { Config } from "../config/load-config.ts";
import type { EventIntakeService } from "../events/intake.service.ts";
import { MeshClient } from "../national/mesh/mesh-client.ts";
import { MeshPoller } from "../national/mesh/mesh-poller.ts";
import type { Clock } from "../platform/clock.ts";
import type { Database } from "../storage/database.ts";
import { SqlLease } from "../storage/lease.repository.ts";

export interface MeshModule {
  readonly client: MeshClient;
  readonly poller: MeshPoller;
  start(): void;
  stop(): Promise<void>;
}

export interface MeshCompositionDeps {
  readonly config: Config;
  readonly database: Database;
  readonly intake: Pick<EventIntakeService, "receive">;
  readonly clock: Clock;
  readonly logger: Pick<Logger, "info" | "warn" | "error">;
  readonly registry?: Registry;
  readonly version: string;
}

function required<T>(value: T | undefined, env: string): T {
  // loadConfig already refused a `mesh` delivery without these; this only narrows the type.
  if (value === undefined) throw new Error(`${env} is required when MNS_DELIVERY is mesh`);
  return value;
}

/**
 * The MESH client for the configured mailbox (certificate, key and CA read from their paths), or
 * null when events arrive over HTTP. Throws when a file cannot be read.
 */
export function meshClientOf(config: Config, clock: Clock, version: string): MeshClient | null {
  if (config.mnsDelivery !== "mesh") return null;
  return new MeshClient({
    baseUrl: required(config.meshUrl, "MESH_URL"),
    mailboxId: required(config.meshMailboxId, "MESH_MAILBOX_ID"),
    password: required(config.meshMailboxPassword, "MESH_MAILBOX_PASSWORD"),
    sharedKey: required(config.meshSharedKey, "MESH_SHARED_KEY"),
    tls: {
      cert: readPem(required(config.meshClientCert, "MESH_CLIENT_CERT"), "MESH_CLIENT_CERT"),
      key: readPem(required(config.meshClientKey, "MESH_CLIENT_KEY"), "MESH_CLIENT_KEY"),
      ca: readPem(required(config.meshCaCert, "MESH_CA_CERT"), "MESH_CA_CERT"),
    },
    clock,
    timeoutMs: config.meshTimeoutMs,
    pageSize: config.meshPageSize,
    clientVersion: `ncrs-connect==${version}`,
  });
}

function readPem(path: string, env: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${env}: cannot read ${path}`, { cause: error });
  }
}

/** The MESH poller, or null when events arrive over HTTP. Nothing runs until `start()`. */
export function buildMesh(deps: MeshCompositionDeps): MeshModule | null {
  const { config, logger } = deps;
  const client = meshClientOf(config, deps.clock, deps.version);
  if (client === null) return null;
  const messages = deps.registry
    ? new Counter({
        name: "ncrs_mesh_messages_total",
        help: "MESH messages handled by the poller, by outcome (accepted, duplicate, refused, report, gone, failed)",
        labelNames: ["outcome"],
        registers: [deps.registry],
      })
    : null;
  const poller = new MeshPoller({
    client,
    intake: deps.intake,
    lease: new SqlLease(deps.database.db),
    clock: deps.clock,
    pollMs: config.meshPollSeconds * 1000,
    leaseMs: config.meshLeaseSeconds * 1000,
    pageSize: config.meshPageSize,
    concurrency: config.meshConcurrency,
    log: {
      info: (fields, message) => logger.info(fields, message),
      warn: (fields, message) => logger.warn(fields, message),
      error: (fields, message) => logger.error(fields, message),
    },
    onMessage: (outcome) => messages?.inc({ outcome }),
  });
  logger.info(
    { mailbox: client.mailboxId, pollSeconds: config.meshPollSeconds },
    "MNS events arrive over MESH",
  );
  return {
    client,
    poller,
    start: () => poller.start(),
    stop: async () => {
      await poller.stop();
      client.close();
    },
  };
}
