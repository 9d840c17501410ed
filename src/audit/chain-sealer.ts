/**
 * Seals drafts onto the end of the chain: gives each its sequence and time, its chain hash over
 * the previous hash and its canonical text, and its Merkle leaf, and works out the new head. Pure
 * and synchronous, so the store can run it inside the transaction that holds the head.
 */
import type { ChainHead, RecordDraft, SealedBatch } from "./audit.ports.ts";
import { assertSealable, recordCanonical, type StoredRecord } from "./audit-record.ts";
import { chainHash, recordLeafHash } from "./hash-chain.ts";
import { type MerkleNode, MerkleTree } from "./merkle-tree.ts";

/**
 * Interior nodes from this level up are stored: about one row per 128 records, and every proof
 * then reads fewer than 3 × 2^8 leaves however long the trail (see src/audit/README.md).
 */
export const STORED_NODE_LEVEL = 8;

/** The head of an empty trail. */
export const EMPTY_HEAD: ChainHead = { size: 0, lastHash: null, lastTime: 0, peaks: [] };

/**
 * Seals `drafts` after `head`. Times never go backwards along the chain (a record is stamped no
 * earlier than the one before it, whichever instance's clock wrote that), so a time range is
 * always one contiguous run of sequences.
 *
 * @throws AuditRecordError if a draft could not be hashed faithfully (nothing is sealed).
 */
export function sealBatch(head: ChainHead, drafts: readonly RecordDraft[], now: number): SealedBatch {
  const tree = MerkleTree.restore(head.size, head.peaks);
  const time = Math.max(now, head.lastTime);
  const records: StoredRecord[] = [];
  const nodes: MerkleNode[] = [];
  let previous = head.lastHash;
  for (const draft of drafts) {
    const content = { ...draft, time };
    assertSealable(content);
    const seq = tree.size + 1;
    const hash = chainHash(previous, recordCanonical(content));
    for (const node of tree.append(recordLeafHash(seq, hash))) {
      if (node.level >= STORED_NODE_LEVEL) nodes.push(node);
    }
    records.push({ ...content, seq, hash });
    previous = hash;
  }
  return {
    records,
    nodes,
    head: {
      size: tree.size,
      lastHash: previous,
      lastTime: records.length > 0 ? time : head.lastTime,
      peaks: tree.peaks,
    },
  };
}
