/**
 * `audit-verify`: full verification of a 200,000-record trail as `audit verify` does it (read
 * every record from SQLite a page at a time, rebuild its canonical text, recompute its chain hash,
 * rebuild the Merkle tree and check the signed checkpoint and the chain head), against hashing the
 * same bytes with node:crypto alone, already in memory: each record's chain hash (domain prefix,
 * previous hash, canonical text), its Merkle leaf and the tree's interior nodes. Records per
 * second, medians of three alternating rounds; target ratio ≥ 0.3.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditCheckpoints } from "../src/audit/audit-checkpoints.service.ts";
import { recordCanonical } from "../src/audit/audit-record.ts";
import { AuditTrail } from "../src/audit/audit-trail.service.ts";
import { generateCheckpointKey } from "../src/audit/checkpoint-signature.ts";
import { CHAIN_DOMAIN } from "../src/audit/hash-chain.ts";
import { verifyTrail } from "../src/audit/trail-verifier.ts";
import { systemClock } from "../src/platform/clock.ts";
import { SqlCheckpointStore } from "../src/storage/audit-checkpoint.repository.ts";
import { SqlAuditRecordStore } from "../src/storage/audit-record.repository.ts";
import { SqlRetentionStore } from "../src/storage/audit-retention.repository.ts";
import { type Database, openDatabase } from "../src/storage/database.ts";
import { migrateToLatest } from "../src/storage/migrate.ts";
import { benchProtection, sampleEntry } from "./audit-append.bench.ts";
import { type BenchResult, result } from "./lib/result.ts";

const RECORDS = 200_000;
const ROUNDS = 3;
const median = (values: number[]) =>
  values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Fills `database` with `count` records through the real trail, in large batches. */
export async function fillTrail(database: Database, count: number, entry = sampleEntry): Promise<void> {
  const trail = new AuditTrail({
    store: new SqlAuditRecordStore(database.db),
    protection: benchProtection(),
    clock: systemClock,
    batch: { maxBatch: 5000, lingerMs: 0 },
  });
  for (let done = 0; done < count; done += 20_000) {
    await Promise.all(
      Array.from({ length: Math.min(20_000, count - done) }, (_, i) => trail.append(entry(done + i))),
    );
  }
}

const sha256 = () => createHash("sha256");
const LEAF = Buffer.of(0);
const NODE = Buffer.of(1);

/** Every hash verification computes, and nothing else: chain, leaf, and the tree's nodes. */
function hashOnly(texts: readonly Buffer[]): Buffer {
  let previous = Buffer.alloc(32);
  const peaks: Buffer[] = [];
  const seq = Buffer.alloc(8);
  for (let i = 0; i < texts.length; i++) {
    previous = sha256()
      .update(CHAIN_DOMAIN)
      .update(previous)
      .update(texts[i] as Buffer)
      .digest();
    seq.writeUInt32BE(i + 1, 4); // sequences here stay below 2^32
    let node = sha256().update(LEAF).update(seq).update(previous).digest();
    for (let size = i; size % 2 === 1; size = Math.floor(size / 2)) {
      node = sha256()
        .update(NODE)
        .update(peaks.pop() as Buffer)
        .update(node)
        .digest();
    }
    peaks.push(node);
  }
  return previous;
}

export async function auditVerify(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ncrs-bench-verify-"));
  const database = openDatabase(`sqlite:${join(dir, "audit.db")}`);
  try {
    await migrateToLatest(database);
    await fillTrail(database, RECORDS);
    const key = await generateCheckpointKey();
    const records = new SqlAuditRecordStore(database.db);
    const checkpoints = new SqlCheckpointStore(database.db);
    await new AuditCheckpoints({
      records,
      checkpoints,
      signingKey: async () => key,
      publicKeys: () => ({ keys: [key.publicJwk] }),
      origin: "bench/audit",
      clock: systemClock,
      firstRetainedSeq: async () => 1,
    }).checkpoint();

    const verifyOnce = async () => {
      const started = performance.now();
      const verified = await verifyTrail({
        records,
        checkpoints,
        retention: new SqlRetentionStore(database.db),
        publicKeys: { keys: [key.publicJwk] },
      });
      if (!verified.ok || verified.records !== RECORDS)
        throw new Error(`verification failed: ${JSON.stringify(verified)}`);
      return (performance.now() - started) / 1000;
    };

    // The same bytes, already in memory, hashed in the same chain order with node:crypto alone.
    const texts: Buffer[] = [];
    for await (const page of records.pages(1, RECORDS, 5000)) {
      for (const record of page) texts.push(Buffer.from(recordCanonical(record), "utf8"));
    }
    const hashOnce = () => {
      const started = performance.now();
      hashOnly(texts);
      return (performance.now() - started) / 1000;
    };
    // Alternating rounds, medians compared: one slow pass (a collection, the disk) decides nothing.
    const verifySeconds: number[] = [];
    const hashSeconds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      verifySeconds.push(await verifyOnce());
      hashSeconds.push(hashOnce());
    }
    const productSeconds = median(verifySeconds);
    const baselineSeconds = median(hashSeconds);
    return result(
      "audit-verify",
      "records/s",
      RECORDS / productSeconds,
      RECORDS / baselineSeconds,
      0.3,
      true,
      {
        records: RECORDS,
        rounds: ROUNDS,
        verifySeconds: Math.round(productSeconds * 100) / 100,
        hashOnlySeconds: Math.round(baselineSeconds * 100) / 100,
        database: "sqlite",
      },
    );
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
