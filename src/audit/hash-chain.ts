/**
 * The audit record chain: each record's hash covers the previous record's hash, so altering,
 * removing or reordering any stored record breaks every hash after it. The chain shows tampering
 * inside the stored range; signed Merkle checkpoints (see `checkpoint-signature.ts`) also catch a
 * cut-off tail or a rewritten history, because the chain alone cannot.
 *
 * Sequences start at {@link FIRST_SEQUENCE} and rise by one; the record with sequence s is leaf
 * s − 1 of the Merkle tree, so a tree of n leaves covers sequences 1…n.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { HASH_SIZE, leafHash } from "./merkle.ts";

/** Domain separation: a chain hash can never be mistaken for any other SHA-256 in the system. */
export const CHAIN_DOMAIN = "ncrs-audit-chain-v1\n";

/** Sequence number of the first record of the trail. */
export const FIRST_SEQUENCE = 1;

const GENESIS_PREVIOUS = new Uint8Array(HASH_SIZE);

/**
 * `SHA-256("ncrs-audit-chain-v1\n" || previousHash || UTF-8(canonicalRecord))`, where the first
 * record's previous hash (`null`) is 32 zero bytes.
 *
 * @throws TypeError if `previousHash` is not 32 bytes or the record holds a lone UTF-16 surrogate
 *   (which UTF-8 cannot encode, so two different records could otherwise hash alike).
 */
export function chainHash(previousHash: Uint8Array | null, canonicalRecord: string): Uint8Array {
  const previous = previousHash ?? GENESIS_PREVIOUS;
  if (!(previous instanceof Uint8Array) || previous.length !== HASH_SIZE) {
    throw new TypeError(`previous hash must be ${HASH_SIZE} bytes`);
  }
  if (!canonicalRecord.isWellFormed()) throw new TypeError("record holds a lone UTF-16 surrogate");
  return createHash("sha256")
    .update(CHAIN_DOMAIN, "utf8")
    .update(previous)
    .update(canonicalRecord, "utf8")
    .digest();
}

/**
 * The Merkle leaf data of a record: its sequence as 8 bytes big-endian, then its 32-byte chain
 * hash (40 bytes in all). The sequence is included so that a leaf proves where the record sits.
 */
export function leafDataOf(sequence: number, hash: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`bad sequence ${sequence}`);
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new TypeError(`record hash must be ${HASH_SIZE} bytes`);
  }
  const data = new Uint8Array(8 + HASH_SIZE);
  const view = new DataView(data.buffer);
  // Two 32-bit halves rather than a BigInt: the same 8 bytes, without an allocation per record.
  view.setUint32(0, Math.floor(sequence / 2 ** 32));
  view.setUint32(4, sequence >>> 0);
  data.set(hash, 8);
  return data;
}

/** The Merkle leaf hash of a record: `SHA-256(0x00 || leafDataOf(sequence, hash))`. */
export function recordLeafHash(sequence: number, hash: Uint8Array): Uint8Array {
  return leafHash(leafDataOf(sequence, hash));
}

/** One stored record as the verifier reads it. */
export interface ChainRecord {
  readonly sequence: number;
  readonly canonical: string;
  readonly hash: Uint8Array;
}

/** Why a chain failed: a record's content or hash changed; a record is missing; records are out of order. */
export type ChainBreak = "hash_mismatch" | "sequence_gap" | "sequence_order";

/**
 * The outcome of {@link verifyChain}. On success, `lastHash` and `nextSequence` continue the check
 * over the following records. On failure, `firstBrokenSequence` is the sequence expected at the
 * first position that does not hold: the altered record, the first missing one, or the first one
 * out of place.
 */
export type ChainVerification =
  | {
      readonly ok: true;
      readonly count: number;
      readonly lastHash: Uint8Array;
      readonly nextSequence: number | null;
    }
  | { readonly ok: false; readonly firstBrokenSequence: number; readonly reason: ChainBreak };

interface ChainState {
  previous: Uint8Array;
  expected: number | null;
  count: number;
}

function startState(startPreviousHash: Uint8Array | null | undefined, firstSequence?: number): ChainState {
  if (startPreviousHash == null) {
    return { previous: GENESIS_PREVIOUS, expected: firstSequence ?? FIRST_SEQUENCE, count: 0 };
  }
  return { previous: startPreviousHash, expected: firstSequence ?? null, count: 0 };
}

function broken(reason: ChainBreak, firstBrokenSequence: number): ChainVerification {
  return { ok: false, firstBrokenSequence, reason };
}

/** Checks one record against the state, peeking at the next one to tell a gap from a reordering. */
function step(
  state: ChainState,
  record: ChainRecord,
  next: ChainRecord | undefined,
): ChainVerification | null {
  const { sequence } = record;
  const expected = state.expected ?? sequence;
  if (!Number.isSafeInteger(sequence) || sequence < expected) return broken("sequence_order", expected);
  if (sequence > expected) {
    // A later record falling back below this one means the records are shuffled, not missing.
    const shuffled = next !== undefined && !(next.sequence > sequence);
    return broken(shuffled ? "sequence_order" : "sequence_gap", expected);
  }
  const hash = chainHash(state.previous, record.canonical);
  const stored = record.hash;
  if (!(stored instanceof Uint8Array) || stored.length !== HASH_SIZE || !timingSafeEqual(hash, stored)) {
    return broken("hash_mismatch", sequence);
  }
  state.previous = hash;
  state.expected = sequence + 1;
  state.count++;
  return null;
}

function finished(state: ChainState): ChainVerification {
  return { ok: true, count: state.count, lastHash: state.previous, nextSequence: state.expected };
}

/**
 * Verifies records in sequence order, streaming: memory stays constant however many records the
 * iterable yields, and it stops reading at the first break.
 *
 * @param startPreviousHash the hash of the record before the first one given; omit (or `null`) to
 *   start at the beginning of the trail (sequence {@link FIRST_SEQUENCE}, 32 zero bytes).
 * @param firstSequence the sequence the first record must have; when continuing from a
 *   `startPreviousHash` without it, the first record's own sequence is taken.
 */
export function verifyChain(
  records: Iterable<ChainRecord>,
  startPreviousHash?: Uint8Array | null,
  firstSequence?: number,
): ChainVerification {
  const state = startState(startPreviousHash, firstSequence);
  const iterator = records[Symbol.iterator]();
  for (let current = iterator.next(); !current.done; ) {
    const next = iterator.next();
    const failure = step(state, current.value, next.done ? undefined : next.value);
    if (failure) {
      iterator.return?.();
      return failure;
    }
    current = next;
  }
  return finished(state);
}

/** {@link verifyChain} over records that arrive asynchronously, such as pages from a database cursor. */
export async function verifyChainAsync(
  records: AsyncIterable<ChainRecord>,
  startPreviousHash?: Uint8Array | null,
  firstSequence?: number,
): Promise<ChainVerification> {
  const state = startState(startPreviousHash, firstSequence);
  const iterator = records[Symbol.asyncIterator]();
  for (let current = await iterator.next(); !current.done; ) {
    const next = await iterator.next();
    const failure = step(state, current.value, next.done ? undefined : next.value);
    if (failure) {
      await iterator.return?.();
      return failure;
    }
    current = next;
  }
  return finished(state);
}
