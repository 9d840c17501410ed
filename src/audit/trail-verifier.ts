/**
 * Verifies the whole stored trail: every record's chain hash in order (from the start, or from the
 * retention cut), every signed checkpoint's signature and root against the records, and the chain
 * head against the last record. Stops at the first problem and names the first broken record.
 *
 * The chain shows any altered, missing or reordered record inside the stored range; checkpoint
 * roots also show a rewritten history or a cut-off tail up to the latest checkpoint; the head shows
 * a cut-off tail after it (unless the head was rewritten too, which the next checkpoint catches).
 */
import type { JSONWebKeySet } from "jose";
import type { AuditRecordStore, CheckpointStore, RetentionStore } from "./audit.ports.ts";
import { recordCanonical } from "./audit-record.ts";
import { type SignedCheckpoint, verifyCheckpoint } from "./checkpoint-signature.ts";
import { type ChainBreak, type ChainRecord, recordLeafHash, verifyChain } from "./hash-chain.ts";
import { MerkleTree } from "./merkle-tree.ts";

/** What was found wrong. */
export type TrailProblem =
  | ChainBreak
  | "checkpoint_signature"
  | "checkpoint_root_mismatch"
  | "checkpoint_beyond_trail"
  | "head_mismatch";

export type TrailVerification =
  | {
      readonly ok: true;
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly records: number;
      readonly checkpoints: number;
      /** Null before the first checkpoint: the chain is checked, but nothing signed covers it yet. */
      readonly latestCheckpoint: SignedCheckpoint | null;
    }
  | {
      readonly ok: false;
      readonly problem: TrailProblem;
      /** The first record that does not hold (for checkpoint problems, the last one it covers). */
      readonly firstBrokenSequence: number | null;
      readonly detail: string;
    };

export interface VerifierDeps {
  readonly records: AuditRecordStore;
  readonly checkpoints: CheckpointStore;
  readonly retention: RetentionStore;
  readonly publicKeys: JSONWebKeySet;
  /** Records read at once. */
  readonly pageSize?: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

function failed(problem: TrailProblem, seq: number | null, detail: string): TrailVerification {
  return { ok: false, problem, firstBrokenSequence: seq, detail };
}

async function checkSignatures(list: readonly SignedCheckpoint[], keys: JSONWebKeySet) {
  for (const checkpoint of list) {
    if (!(await verifyCheckpoint(checkpoint, keys))) {
      return failed(
        "checkpoint_signature",
        checkpoint.treeSize,
        `checkpoint of size ${checkpoint.treeSize} has no valid signature`,
      );
    }
  }
  return undefined;
}

/** Verifies the whole trail (see the module comment). Reads every record once, a page at a time. */
export async function verifyTrail(deps: VerifierDeps): Promise<TrailVerification> {
  const [cut, head, checkpoints] = await Promise.all([
    deps.retention.lastCut(),
    deps.records.head(),
    deps.checkpoints.all(),
  ]);
  const signatureProblem = await checkSignatures(checkpoints, deps.publicKeys);
  if (signatureProblem) return signatureProblem;
  const firstSeq = (cut?.upToSeq ?? 0) + 1;
  const tree = cut ? MerkleTree.restore(cut.upToSeq, cut.peaks) : new MerkleTree();
  let previous = cut?.lastHash ?? null;
  const pending = checkpoints.filter((c) => c.treeSize > tree.size);
  let next = 0;
  for await (const page of deps.records.pages(firstSeq, Number.MAX_SAFE_INTEGER, deps.pageSize ?? 2000)) {
    const chain = verifyChain(page.map(asChainRecord), previous, tree.size + 1);
    if (!chain.ok)
      return failed(
        chain.reason,
        chain.firstBrokenSequence,
        describe(chain.reason, chain.firstBrokenSequence),
      );
    for (const record of page) {
      tree.append(recordLeafHash(record.seq, record.hash));
      const checkpoint = pending[next];
      if (checkpoint !== undefined && checkpoint.treeSize === tree.size) {
        if (b64(tree.root()) !== checkpoint.rootHash) {
          return failed(
            "checkpoint_root_mismatch",
            tree.size,
            `the records do not give the root signed at tree size ${tree.size}: history was rewritten`,
          );
        }
        next++;
      }
    }
    previous = chain.lastHash;
  }
  const beyond = pending[next];
  if (beyond !== undefined) {
    return failed(
      "checkpoint_beyond_trail",
      tree.size + 1,
      `a checkpoint covers ${beyond.treeSize} records but only ${tree.size} are stored: records after ${tree.size} are missing`,
    );
  }
  const headRoot = MerkleTree.restore(head.size, head.peaks).root();
  const lastMatches =
    head.lastHash === null ? previous === null : previous !== null && b64(previous) === b64(head.lastHash);
  if (head.size !== tree.size || !lastMatches || b64(headRoot) !== b64(tree.root())) {
    return failed(
      "head_mismatch",
      Math.min(head.size, tree.size) + 1,
      `the chain head says ${head.size} records but the stored chain ends at ${tree.size}`,
    );
  }
  const latest = checkpoints.at(-1) ?? null;
  return {
    ok: true,
    firstSeq,
    lastSeq: tree.size,
    records: tree.size - firstSeq + 1,
    checkpoints: checkpoints.length,
    latestCheckpoint: latest,
  };
}

function asChainRecord(
  record: Parameters<typeof recordCanonical>[0] & { seq: number; hash: Uint8Array },
): ChainRecord {
  return { sequence: record.seq, canonical: recordCanonical(record), hash: record.hash };
}

function describe(reason: ChainBreak, seq: number): string {
  switch (reason) {
    case "hash_mismatch":
      return `record ${seq} was altered: its content or hash does not follow from the record before it`;
    case "sequence_gap":
      return `record ${seq} is missing`;
    case "sequence_order":
      return `records are out of order at ${seq}`;
  }
}
