/**
 * RFC 6962 Merkle tree hashing (SHA-256) over the audit trail's leaf hashes: tree heads, inclusion
 * and consistency proofs, and their verification (RFC 9162 §2.1.3.2 and §2.1.4.2).
 *
 * The plain recursive functions here (`rootHash`, `inclusionProof`, `consistencyProof`) hold every
 * leaf hash in memory and serve as the reference; `MerkleTree` and the `…From(source)` functions in
 * `merkle-tree.ts` are what the store uses with millions of records.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

/** The leaf hash of one entry: `SHA-256(0x00 || data)`. */
export function leafHash(data: Uint8Array): Uint8Array {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

/** An interior node: `SHA-256(0x01 || left || right)`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** The root of the empty tree: `SHA-256("")`. */
export function emptyRoot(): Uint8Array {
  return createHash("sha256").digest();
}

/** ⌊n / 2⌋. */
export function half(n: number): number {
  return Math.floor(n / 2);
}

/** Whether n is odd. */
export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** Largest power of two strictly below `n` (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && splitPoint(n + 1) === n;
}

/** A tree size or leaf index: a safe, non-negative integer. */
export function isSize(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

/** A 32-byte hash. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] | null {
  return proof === null || (Array.isArray(proof) && proof.every(isHash));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** @throws TypeError naming `what` unless `value` is a 32-byte hash. */
export function assertHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!isHash(value)) throw new TypeError(`${what} must be a ${HASH_SIZE}-byte Uint8Array`);
}

/** Right-to-left fold of perfect-subtree roots (largest first) into the root over all of them. */
export function foldPeaks(peaks: readonly Uint8Array[]): Uint8Array {
  let acc = peaks.at(-1);
  if (acc === undefined) return emptyRoot();
  for (let i = peaks.length - 2; i >= 0; i--) acc = nodeHash(peaks[i] as Uint8Array, acc);
  return acc;
}

/** MTH over `leaves[lo, hi)`. */
export function mth(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 0) return emptyRoot();
  if (hi - lo === 1) return leaves[lo] as Uint8Array;
  const k = splitPoint(hi - lo);
  return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

/** MTH(D[n]) of RFC 6962 §2.1, for any number of leaf hashes. O(n) hashes. */
export function rootHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  return mth(leafHashes, 0, leafHashes.length);
}

function path(leaves: readonly Uint8Array[], m: number, lo: number, hi: number): Uint8Array[] {
  if (hi - lo <= 1) return [];
  const k = splitPoint(hi - lo);
  if (m < k) return [...path(leaves, m, lo, lo + k), mth(leaves, lo + k, hi)];
  return [...path(leaves, m - k, lo + k, hi), mth(leaves, lo, lo + k)];
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path for leaf `index`, leaf end first. O(n) hashes. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!isSize(index) || index >= leafHashes.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${leafHashes.length} leaves`);
  }
  return path(leafHashes, index, 0, leafHashes.length);
}

function subproof(
  leaves: readonly Uint8Array[],
  m: number,
  lo: number,
  hi: number,
  whole: boolean,
): Uint8Array[] {
  if (m === hi - lo) return whole ? [] : [mth(leaves, lo, hi)];
  const k = splitPoint(hi - lo);
  if (m <= k) return [...subproof(leaves, m, lo, lo + k, whole), mth(leaves, lo + k, hi)];
  return [...subproof(leaves, m - k, lo + k, hi, false), mth(leaves, lo, lo + k)];
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: that the first `oldSize` leaves are a prefix. O(n) hashes. */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  if (!isSize(oldSize) || oldSize === 0 || oldSize > leafHashes.length) {
    throw new RangeError(`old size ${oldSize} must be between 1 and ${leafHashes.length}`);
  }
  return subproof(leafHashes, oldSize, 0, leafHashes.length, true);
}

/** Arguments of {@link verifyInclusion}; a `null` proof means an empty one. */
export interface InclusionClaim {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[] | null;
  readonly root: Uint8Array;
}

/** Arguments of {@link verifyConsistency}; a `null` proof means an empty one. */
export interface ConsistencyClaim {
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[] | null;
}

/** Walks an audit path up to the root it implies (RFC 9162 §2.1.3.2); undefined if it cannot fit. */
function rootFromPath(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]) {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? r : undefined;
}

/**
 * Whether `proof` shows the leaf with `leafHash` at `leafIndex` in the tree of `treeSize` leaves whose
 * root is `root`. Malformed input (bad sizes, a leaf hash or proof element that is not 32 bytes) gives
 * false, never throws.
 * O(log n) hashes.
 */
export function verifyInclusion(claim: InclusionClaim): boolean {
  const { leafIndex, treeSize, leafHash: leaf, proof, root } = claim;
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) return false;
  if (!isHash(leaf) || !(root instanceof Uint8Array) || !isProof(proof)) return false;
  const computed = rootFromPath(leafIndex, treeSize, leaf, proof ?? []);
  return computed !== undefined && equalBytes(computed, root);
}

/** Both roots a consistency proof implies (RFC 9162 §2.1.4.2); undefined if it cannot fit. */
function rootsFromConsistency(size1: number, size2: number, root1: Uint8Array, proof: readonly Uint8Array[]) {
  // The old tree is itself a node of the new one when its size is a power of two, so the RFC
  // leaves that node out of the proof and the verifier starts from the old root.
  const [first, ...rest] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  if (first === undefined) return undefined;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let [fr, sr] = [first, first];
  for (const c of rest) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      [fr, sr] = [nodeHash(c, fr), nodeHash(c, sr)];
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? { fr, sr } : undefined;
}

/**
 * Whether `proof` shows that the tree of `size1` leaves with root `root1` is a prefix of the tree of
 * `size2` leaves with root `root2`. An empty old tree proves nothing, so `size1 == 0` is always
 * false; equal sizes need an empty proof and equal roots. Malformed input gives false, never
 * throws. O(log n) hashes.
 */
export function verifyConsistency(claim: ConsistencyClaim): boolean {
  const { size1, size2, root1, root2, proof } = claim;
  if (!isSize(size1) || !isSize(size2) || size1 === 0 || size2 < size1) return false;
  // Roots are only compared, so any length is accepted, as the RFC 9162 reference verifiers do.
  if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array) || !isProof(proof)) return false;
  const steps = proof ?? [];
  if (size1 === size2) return steps.length === 0 && equalBytes(root1, root2);
  const roots = rootsFromConsistency(size1, size2, root1, steps);
  return roots !== undefined && equalBytes(roots.fr, root1) && equalBytes(roots.sr, root2);
}
