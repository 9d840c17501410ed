/**
 * What the audit trail needs from storage, implemented by `src/storage/audit-*.ts`. The domain
 * computes every hash; adapters only keep what it hands them, atomically.
 */
import type { AtomicWrite } from "../platform/atomic-write.ts";
import type { AuditRecordContent, StoredRecord } from "./audit-record.ts";
import type { SignedCheckpoint } from "./checkpoint-signature.ts";
import type { MerkleNode } from "./merkle-tree.ts";

export interface AppendOptions {
  /** Record ids that may be stored already (see `append`). */
  readonly ids?: readonly string[];
  /**
   * One entry per draft of the batch, in order: a write to apply in the same transaction, before
   * sealing. `seal`'s `applied(i)` says whether draft i's write applied (true when it had none);
   * a draft whose write did not apply must be left out.
   */
  readonly alongside?: readonly (AtomicWrite | undefined)[];
}

/** The end of the chain: what the next record follows, and the tree's compact range. */
export interface ChainHead {
  /** Records appended so far (= the last sequence, = the Merkle tree size). */
  readonly size: number;
  /** Chain hash of the last record; null before the first. */
  readonly lastHash: Uint8Array | null;
  /** Time of the last record (epoch ms); 0 before the first. */
  readonly lastTime: number;
  /** The Merkle tree's peaks at `size` (see MerkleTree.restore). */
  readonly peaks: readonly Uint8Array[];
}

/** A batch of records sealed onto the chain, ready to be stored with the new head. */
export interface SealedBatch {
  readonly records: readonly StoredRecord[];
  /** Interior Merkle nodes to keep (see MerkleTree.append), for cheap proofs. */
  readonly nodes: readonly MerkleNode[];
  readonly head: ChainHead;
}

/** Filters of a search, already validated; all given filters must match. */
export interface RecordQuery {
  readonly nhsNumberIndexes?: readonly string[];
  readonly userId?: string;
  /** Lower case; matches any record whose user name contains it, in any case. */
  readonly userName?: string;
  readonly orgCode?: string;
  readonly outcome?: string;
  readonly type?: string;
  readonly correlationId?: string;
  /** Sequence bounds, inclusive (a time range becomes these; see `seqRangeOf`). */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** Newest first, from this sequence down (keyset paging). */
  readonly limit: number;
}

/** How many records there are of one type and outcome, for one organisation. */
export interface OutcomeTally {
  readonly type: string;
  readonly outcome: string;
  readonly orgCode: string | null;
  readonly records: number;
}

/** Counts over the trail, for overviews that show no one's details. */
export interface AuditTallyStore {
  /** Records of these types with `fromSeq ≤ seq ≤ toSeq`, counted by type, outcome and organisation. */
  tally(types: readonly string[], fromSeq: number, toSeq: number): Promise<readonly OutcomeTally[]>;
}

/** One user's records in an access report. */
export interface AccessSummaryRow {
  readonly userId: string | null;
  readonly userName: string | null;
  readonly orgCode: string | null;
  readonly records: number;
  readonly first: number;
  readonly last: number;
}

/** Where an already stored record is. */
export interface StoredRef {
  readonly seq: number;
  readonly time: number;
}

/** The append-only record store. */
export interface AuditRecordStore {
  /**
   * In one transaction that holds the chain head against every other writer (in this process or
   * another): reads the head, calls `seal` with it, stores the sealed records, nodes and new head.
   * Resolves only once the transaction is durably committed. `ids` are record ids that may be
   * stored already (records of facts reported at least once): `seal` gets those it finds, read
   * under the same hold on the head, so it can leave them out without a race.
   */
  append(
    seal: (
      head: ChainHead,
      stored: ReadonlyMap<string, StoredRef>,
      applied: (index: number) => boolean,
    ) => SealedBatch,
    options?: AppendOptions,
  ): Promise<SealedBatch>;
  head(): Promise<ChainHead>;
  /** Records with `fromSeq ≤ seq ≤ toSeq`, in sequence order, in pages of at most `pageSize`. */
  pages(fromSeq: number, toSeq: number, pageSize: number): AsyncIterable<readonly StoredRecord[]>;
  /** The stored chain hashes of records `fromSeq…toSeq`, in order (missing ones are left out). */
  hashes(fromSeq: number, toSeq: number): Promise<readonly { seq: number; hash: Uint8Array }[]>;
  /** The stored chain hashes of the given records (missing ones are left out). */
  hashesAt(seqs: readonly number[]): Promise<ReadonlyMap<number, Uint8Array>>;
  readNode(level: number, index: number): Promise<Uint8Array | undefined>;
  find(seq: number): Promise<StoredRecord | undefined>;
  search(query: RecordQuery): Promise<readonly StoredRecord[]>;
  /** Who the matching records are from: one row per user and organisation, most records first. */
  accessSummary(query: RecordQuery): Promise<readonly AccessSummaryRow[]>;
  /** The sequences of the first record at or after `from` and the last at or before `to`. */
  seqRangeOf(from: number, to: number): Promise<{ readonly fromSeq: number; readonly toSeq: number }>;
  /** The lowest sequence still stored (after pruning), or null if none. */
  firstSeq(): Promise<number | null>;
}

/** Signed checkpoints, one per tree size. */
export interface CheckpointStore {
  /** Stores a checkpoint; false if one of that size exists already (another instance made it). */
  save(checkpoint: SignedCheckpoint): Promise<boolean>;
  latest(): Promise<SignedCheckpoint | undefined>;
  atSize(treeSize: number): Promise<SignedCheckpoint | undefined>;
  /** Every checkpoint, smallest tree first. */
  all(): Promise<readonly SignedCheckpoint[]>;
}

/** Where the retained trail starts after pruning: everything the verifier needs to carry on. */
export interface PruneCut {
  /** The last pruned sequence; the retained trail starts at `upToSeq + 1`. */
  readonly upToSeq: number;
  /** Chain hash of record `upToSeq`. */
  readonly lastHash: Uint8Array;
  /** The Merkle tree's peaks at size `upToSeq`. */
  readonly peaks: readonly Uint8Array[];
  readonly archiveName: string;
  readonly archiveSha256: string;
  readonly prunedAt: number;
}

/** The record of pruning, and the one path by which records may leave the store. */
export interface RetentionStore {
  lastCut(): Promise<PruneCut | undefined>;
  /**
   * In one transaction: records `cut`, permits deleting records up to `cut.upToSeq` (the database
   * refuses any other delete), deletes them and withdraws the permit. Returns how many went.
   */
  prune(cut: PruneCut): Promise<number>;
}

/** What an archive file holds besides its records. */
export interface ArchiveManifest {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly records: number;
  readonly previousHash: string | null;
  readonly lastHash: string;
  readonly peaks: readonly string[];
  readonly checkpoint: SignedCheckpoint;
}

/** Durable, checksummed archive files. */
export interface AuditArchive {
  /**
   * Writes `lines` (one JSON record each) compressed, then the manifest (asked for once every line
   * is written), syncs the file to disk and
   * returns its name and SHA-256. Only after this returns may the records be pruned.
   */
  write(
    name: string,
    lines: AsyncIterable<string>,
    manifest: () => Promise<ArchiveManifest>,
  ): Promise<{ readonly name: string; readonly sha256: string; readonly bytes: number }>;
}

/** Content of a record before sealing: everything but its time, sequence and hash. */
export type RecordDraft = Omit<AuditRecordContent, "time">;
