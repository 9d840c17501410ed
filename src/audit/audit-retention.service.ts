/**
 * Retention: records older than the retention period are archived, and only then pruned. The run
 * re-verifies the chain over what it archives (it never archives a broken chain), writes the
 * records with a checkpoint signed at the cut to a checksummed file, and then prunes through the
 * one path the database permits, recording where the chain continues (the cut's last hash and the
 * tree's peaks), so the verifier carries on across the cut and later checkpoints still verify.
 *
 * Cuts fall on multiples of 2^8 records, so every Merkle subtree a later proof needs is either
 * wholly retained or a stored node.
 */
import type { Clock } from "../platform/clock.ts";
import type { AuditArchive, AuditRecordStore, CheckpointStore, RetentionStore } from "./audit.ports.ts";
import { recordCanonical, type StoredRecord } from "./audit-record.ts";
import { STORED_NODE_LEVEL } from "./chain-sealer.ts";
import { type CheckpointSigningKey, type SignedCheckpoint, signCheckpoint } from "./checkpoint-signature.ts";
import { recordLeafHash, verifyChain } from "./hash-chain.ts";
import { MerkleTree } from "./merkle-tree.ts";

const DAY_MS = 86_400_000;
const CUT_MULTIPLE = 2 ** STORED_NODE_LEVEL;

export interface RetentionDeps {
  readonly records: AuditRecordStore;
  readonly retention: RetentionStore;
  readonly checkpoints: CheckpointStore;
  readonly archive: AuditArchive;
  readonly signingKey: () => Promise<CheckpointSigningKey>;
  readonly origin: string;
  readonly clock: Clock;
  readonly retentionDays: number;
}

/** What a run archived and pruned. */
export interface PruneOutcome {
  readonly fromSeq: number;
  readonly upToSeq: number;
  readonly records: number;
  readonly archive: string;
  readonly archiveSha256: string;
}

/** The archive would cover a broken chain: nothing is archived or pruned. */
export class ArchiveIntegrityError extends Error {
  constructor(detail: string) {
    super(`audit records were not archived: ${detail}`);
    this.name = "ArchiveIntegrityError";
  }
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** One archive line: the stored record with its sequence and hash. */
export function archiveLine(record: StoredRecord): string {
  return `{"seq":${record.seq},"hash":"${b64(record.hash)}","record":${recordCanonical(record)}}`;
}

export class AuditRetention {
  readonly #deps: RetentionDeps;

  constructor(deps: RetentionDeps) {
    this.#deps = deps;
  }

  /** The last sequence a run now would prune, or undefined if nothing is due. */
  async due(): Promise<{ readonly fromSeq: number; readonly upToSeq: number } | undefined> {
    const cutoff = this.#deps.clock.now().getTime() - this.#deps.retentionDays * DAY_MS;
    const [cut, range] = await Promise.all([
      this.#deps.retention.lastCut(),
      this.#deps.records.seqRangeOf(0, cutoff - 1),
    ]);
    const upToSeq = Math.floor(range.toSeq / CUT_MULTIPLE) * CUT_MULTIPLE;
    const fromSeq = (cut?.upToSeq ?? 0) + 1;
    return upToSeq >= fromSeq ? { fromSeq, upToSeq } : undefined;
  }

  /** Archives and prunes whatever is due. */
  async run(): Promise<PruneOutcome | undefined> {
    const due = await this.due();
    if (!due) return undefined;
    const cut = await this.#deps.retention.lastCut();
    const tree = cut ? MerkleTree.restore(cut.upToSeq, cut.peaks) : new MerkleTree();
    const state = { previous: cut?.lastHash ?? null, tree };
    const name = `audit-${String(due.fromSeq).padStart(12, "0")}-${String(due.upToSeq).padStart(12, "0")}.ndjson.gz`;
    const written = await this.#deps.archive.write(name, this.#lines(due, state), async () => ({
      fromSeq: due.fromSeq,
      toSeq: due.upToSeq,
      records: due.upToSeq - due.fromSeq + 1,
      previousHash: cut ? b64(cut.lastHash) : null,
      lastHash: b64(state.previous as Uint8Array),
      peaks: state.tree.peaks.map(b64),
      checkpoint: await this.#checkpointAt(state.tree),
    }));
    const pruned = await this.#deps.retention.prune({
      upToSeq: due.upToSeq,
      lastHash: state.previous as Uint8Array,
      peaks: state.tree.peaks,
      archiveName: written.name,
      archiveSha256: written.sha256,
      prunedAt: this.#deps.clock.now().getTime(),
    });
    return { ...due, records: pruned, archive: written.name, archiveSha256: written.sha256 };
  }

  /** The records to archive, verified as they go; any break stops the archive before pruning. */
  async *#lines(
    due: { fromSeq: number; upToSeq: number },
    state: { previous: Uint8Array | null; tree: MerkleTree },
  ) {
    for await (const page of this.#deps.records.pages(due.fromSeq, due.upToSeq, 2000)) {
      const chain = verifyChain(
        page.map((r) => ({ sequence: r.seq, canonical: recordCanonical(r), hash: r.hash })),
        state.previous,
        state.tree.size + 1,
      );
      if (!chain.ok) throw new ArchiveIntegrityError(`record ${chain.firstBrokenSequence}: ${chain.reason}`);
      for (const record of page) {
        state.tree.append(recordLeafHash(record.seq, record.hash));
        yield archiveLine(record);
      }
      state.previous = chain.lastHash;
    }
    if (state.tree.size !== due.upToSeq)
      throw new ArchiveIntegrityError(`records end at ${state.tree.size}, not ${due.upToSeq}`);
  }

  /** A checkpoint of the tree at the cut: the one already signed for that size, or a new one. */
  async #checkpointAt(tree: MerkleTree): Promise<SignedCheckpoint> {
    const rootHash = b64(tree.root());
    const existing = await this.#deps.checkpoints.atSize(tree.size);
    if (existing) {
      if (existing.rootHash !== rootHash)
        throw new ArchiveIntegrityError(`the records do not give the root signed at ${tree.size}`);
      return existing;
    }
    const signed = await signCheckpoint(
      {
        treeSize: tree.size,
        rootHash,
        issuedAt: this.#deps.clock.now().toISOString(),
        origin: this.#deps.origin,
      },
      await this.#deps.signingKey(),
    );
    await this.#deps.checkpoints.save(signed);
    return signed;
  }
}
