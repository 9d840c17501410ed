/**
 * Wires the audit trail: NHS-number keys and the checkpoint signing key (generated under
 * DATA_DIR/keys when not configured), the SQL stores, the trail subscribed to every domain event,
 * search, export, checkpoints and retention, and their timers. Part of the composition root.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { AuditCheckpoints } from "../audit/audit-checkpoints.service.ts";
import { AuditExport } from "../audit/audit-export.service.ts";
import { AuditRetention, type PruneOutcome } from "../audit/audit-retention.service.ts";
import { AuditSearch } from "../audit/audit-search.service.ts";
import { AuditTrail } from "../audit/audit-trail.service.ts";
import { LaunchOverviewService } from "../audit/launch-overview.service.ts";
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import type { Clock } from "../platform/clock.ts";
import { fileSecret, KeyStore } from "../platform/key-store.ts";
import { type NamedKey, NhsNumberProtection, parseKeyList } from "../platform/nhs-number-protection.ts";
import { randomToken } from "../platform/secrets.ts";
import { FileAuditArchive } from "../storage/audit-archive.ts";
import { SqlCheckpointStore } from "../storage/audit-checkpoint.repository.ts";
import { SqlAuditRecordStore } from "../storage/audit-record.repository.ts";
import { SqlRetentionStore } from "../storage/audit-retention.repository.ts";
import { SqlAuditTallyStore } from "../storage/audit-tally.repository.ts";
import type { Database } from "../storage/database.ts";

export interface Audit {
  readonly trail: AuditTrail;
  readonly checkpoints: AuditCheckpoints;
  readonly search: AuditSearch;
  readonly launchOverview: LaunchOverviewService;
  readonly export: AuditExport;
  readonly retention: AuditRetention;
  readonly records: SqlAuditRecordStore;
  readonly checkpointStore: SqlCheckpointStore;
  readonly retentionStore: SqlRetentionStore;
  readonly signingKeys: KeyStore;
  /** Encrypts and blind-indexes NHS numbers; the change-event inbox indexes with it too. */
  readonly protection: NhsNumberProtection;
  /** Archives and prunes what is due, and audits that it did. */
  runRetention(): Promise<PruneOutcome | undefined>;
  /** Stops the timers, waits for pending records and signs a last checkpoint. */
  close(): Promise<void>;
}

export interface AuditDeps {
  readonly config: Config;
  readonly database: Database;
  readonly events: Events;
  readonly clock: Clock;
  readonly keysDir: string;
  readonly logger: Logger;
  readonly onCommitted?: (batch: { readonly records: number; readonly durationMs: number }) => void;
}

/** A configured key list, or one key kept under DATA_DIR/keys (announced when first made). */
function keyRing(
  configured: string | undefined,
  keysDir: string,
  file: string,
  what: string,
  logger: Logger,
): NamedKey[] {
  if (configured !== undefined) return parseKeyList(configured, what);
  if (!existsSync(join(keysDir, file)))
    logger.warn(`Generated the ${what} under ${keysDir} (${file}); back it up with the database`);
  return [{ id: "local", key: Buffer.from(fileSecret(keysDir, file), "base64url") }];
}

/** The checkpoint origin: configured, or the public host's `/audit`. */
export function checkpointOrigin(config: Config): string {
  return config.auditCheckpointOrigin ?? `${new URL(config.publicUrl).host}/audit`;
}

export async function openCheckpointKeys(keysDir: string): Promise<KeyStore> {
  return KeyStore.open(keysDir, "audit-checkpoint", "EdDSA");
}

export async function buildAudit(deps: AuditDeps): Promise<Audit> {
  const { config, database, events, clock, keysDir, logger } = deps;
  const protection = new NhsNumberProtection(
    keyRing(
      config.auditEncryptionKeys,
      keysDir,
      "audit-nhs-number-encryption-key",
      "audit NHS-number encryption key",
      logger,
    ),
    keyRing(
      config.auditIndexKeys,
      keysDir,
      "audit-nhs-number-index-key",
      "audit NHS-number index key",
      logger,
    ),
  );
  const firstStart = !existsSync(join(keysDir, "audit-checkpoint.json"));
  const signingKeys = await openCheckpointKeys(keysDir);
  if (firstStart) {
    logger.warn(
      `Generated the audit checkpoint signing key under ${keysDir} (audit-checkpoint.json); back it up and never retire it`,
    );
  }
  const records = new SqlAuditRecordStore(database.db);
  const checkpointStore = new SqlCheckpointStore(database.db);
  const retentionStore = new SqlRetentionStore(database.db);
  const origin = checkpointOrigin(config);
  const trail = new AuditTrail({
    store: records,
    protection,
    clock,
    batch: { maxBatch: config.auditBatchMax, lingerMs: config.auditBatchLingerMs },
    ...(deps.onCommitted ? { onCommitted: deps.onCommitted } : {}),
  });
  // Every event, through the one mapping table, before anyone else hears of it; emit() waits for
  // this, so nothing is acknowledged before its record (and any write that comes with it) is durable.
  events.onDurable(
    async (name, payload, alongside) => (await trail.record(name, payload, alongside)) !== null,
  );
  const checkpoints = new AuditCheckpoints({
    records,
    checkpoints: checkpointStore,
    signingKey: () => signingKeys.signingKey(),
    publicKeys: () => signingKeys.publicJwks(),
    origin,
    clock,
    firstRetainedSeq: async () => ((await retentionStore.lastCut())?.upToSeq ?? 0) + 1,
  });
  const search = new AuditSearch({ records, retention: retentionStore, protection, events });
  const launchOverview = new LaunchOverviewService({
    records,
    tallies: new SqlAuditTallyStore(database.db),
    clock,
  });
  const exporter = new AuditExport({
    records,
    search,
    events,
    maxDays: config.auditExportMaxDays,
    observer: origin,
  });
  const retention = new AuditRetention({
    records,
    retention: retentionStore,
    checkpoints: checkpointStore,
    archive: new FileAuditArchive(config.auditArchiveDir ?? join(config.dataDir, "audit-archive")),
    signingKey: () => signingKeys.signingKey(),
    origin,
    clock,
    retentionDays: config.auditRetentionDays,
  });

  const runRetention = async () => {
    if (config.auditRetentionDays === 0) return undefined;
    const pruned = await retention.run();
    if (pruned) {
      await events.emit("audit.pruned", {
        correlationId: `retention-${randomToken().slice(0, 16)}`,
        upToSequence: pruned.upToSeq,
        records: pruned.records,
        archive: pruned.archive,
        archiveSha256: pruned.archiveSha256,
      });
      logger.info({ ...pruned }, "archived and pruned audit records past retention");
    }
    return pruned;
  };
  const every = (ms: number, what: string, job: () => Promise<unknown>) => {
    const timer = setInterval(
      () => void job().catch((error: unknown) => logger.error({ err: error }, `${what} failed`)),
      ms,
    );
    timer.unref();
    return timer;
  };
  const timers = [
    every(config.auditCheckpointSeconds * 1000, "audit checkpoint", () => checkpoints.checkpoint()),
    every(config.auditRetentionCheckHours * 3_600_000, "audit retention", runRetention),
  ];

  return {
    trail,
    checkpoints,
    search,
    launchOverview,
    export: exporter,
    retention,
    records,
    checkpointStore,
    retentionStore,
    signingKeys,
    protection,
    runRetention,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await trail.drain();
      await checkpoints
        .checkpoint()
        .catch((error: unknown) => logger.warn({ err: error }, "last audit checkpoint failed"));
    },
  };
}
