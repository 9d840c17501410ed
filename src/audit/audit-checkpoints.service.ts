/**
 * Signed checkpoints and the proofs that tie records and checkpoints together. A checkpoint is
 * made from the chain head's compact range (no records are reread), at most one per tree size
 * whichever instance makes it. Proofs are built from stored chain hashes and the Merkle nodes the
 * append path keeps, so they cost O(log n) reads however long the trail.
 */
import type { JSONWebKeySet } from "jose";
import type { Clock } from "../platform/clock.ts";
import type { AuditRecordStore, CheckpointStore } from "./audit.ports.ts";
import { type CheckpointSigningKey, type SignedCheckpoint, signCheckpoint } from "./checkpoint-signature.ts";
import { recordLeafHash } from "./hash-chain.ts";
import { consistencyProofFrom, inclusionProofFrom, type MerkleSource, MerkleTree } from "./merkle-tree.ts";

export interface CheckpointServiceDeps {
  readonly records: AuditRecordStore;
  readonly checkpoints: CheckpointStore;
  readonly signingKey: () => Promise<CheckpointSigningKey>;
  readonly publicKeys: () => JSONWebKeySet;
  /** The trail's name in every checkpoint, e.g. `ncrs.example.nhs.uk/audit`. */
  readonly origin: string;
  readonly clock: Clock;
  /** The lowest sequence still stored (proofs need leaves from it on). */
  readonly firstRetainedSeq: () => Promise<number>;
}

/** Why a proof cannot be given. */
export type ProofProblem = "unknown_tree_size" | "out_of_range" | "pruned";

/** An inclusion proof: record `seq` is leaf `seq − 1` of the checkpointed tree of `treeSize`. */
export interface InclusionProofView {
  readonly seq: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
}

/** A consistency proof from one checkpointed tree size to a larger one. */
export interface ConsistencyProofView {
  readonly size1: number;
  readonly size2: number;
  readonly proof: readonly string[];
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

export class AuditCheckpoints {
  readonly #deps: CheckpointServiceDeps;
  readonly #source: MerkleSource;

  constructor(deps: CheckpointServiceDeps) {
    this.#deps = deps;
    this.#source = {
      readLeafHashes: async (start, end) => {
        const rows = await deps.records.hashes(start + 1, end);
        return rows.map((r) => recordLeafHash(r.seq, r.hash));
      },
      readNode: (level, index) => deps.records.readNode(level, index),
      pageSize: 1024,
    };
  }

  /** Signs the tree as it stands, unless the latest checkpoint already covers it. */
  async checkpoint(): Promise<SignedCheckpoint | undefined> {
    const [head, latest] = await Promise.all([this.#deps.records.head(), this.#deps.checkpoints.latest()]);
    if (head.size === 0 || (latest !== undefined && latest.treeSize >= head.size)) return undefined;
    const root = MerkleTree.restore(head.size, head.peaks).root();
    const signed = await signCheckpoint(
      {
        treeSize: head.size,
        rootHash: b64(root),
        issuedAt: this.#deps.clock.now().toISOString(),
        origin: this.#deps.origin,
      },
      await this.#deps.signingKey(),
    );
    return (await this.#deps.checkpoints.save(signed))
      ? signed
      : this.#deps.checkpoints.atSize(signed.treeSize);
  }

  latest(): Promise<SignedCheckpoint | undefined> {
    return this.#deps.checkpoints.latest();
  }

  atSize(treeSize: number): Promise<SignedCheckpoint | undefined> {
    return this.#deps.checkpoints.atSize(treeSize);
  }

  /** The public keys checkpoints are signed with (a JWK set). */
  publicKeys(): JSONWebKeySet {
    return this.#deps.publicKeys();
  }

  /** Proof that record `seq` is in the checkpointed tree of `treeSize` (default: the latest). */
  async inclusion(seq: number, treeSize?: number): Promise<InclusionProofView | ProofProblem> {
    const size = treeSize ?? (await this.latest())?.treeSize;
    if (size === undefined || (await this.atSize(size)) === undefined) return "unknown_tree_size";
    if (seq < 1 || seq > size) return "out_of_range";
    if (seq < (await this.#deps.firstRetainedSeq())) return "pruned";
    const [row] = await this.#deps.records.hashes(seq, seq);
    if (row === undefined) return "pruned";
    const proof = await inclusionProofFrom(this.#source, seq - 1, size);
    return {
      seq,
      leafIndex: seq - 1,
      treeSize: size,
      leafHash: b64(recordLeafHash(seq, row.hash)),
      proof: proof.map(b64),
    };
  }

  /** Proof that the checkpointed tree of `size1` is a prefix of the one of `size2`. */
  async consistency(size1: number, size2: number): Promise<ConsistencyProofView | ProofProblem> {
    const [first, second] = await Promise.all([this.atSize(size1), this.atSize(size2)]);
    if (first === undefined || second === undefined) return "unknown_tree_size";
    if (size1 > size2) return "out_of_range";
    try {
      return { size1, size2, proof: (await consistencyProofFrom(this.#source, size1, size2)).map(b64) };
    } catch (error) {
      // Leaves before the retention cut are only in the archive; so are proofs that need them.
      if (error instanceof Error && /leaf reader gave/.test(error.message)) return "pruned";
      throw error;
    }
  }
}
