/**
 * RFC 6962 Merkle tree hashing (SHA-256) over the audit trail's leaf hashes: tree heads, inclusion
 * and consistency proofs, and their verification (RFC 9162 §2.1.3.2 and §2.1.4.2).
 *
 * Two ways to build: the plain recursive functions (`rootHash`, `inclusionProof`,
 * `consistencyProof`) hold every leaf hash in memory and serve as the reference; `MerkleTree` and the
 * `…From(source)` functions are what the store uses with millions of records.
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

function half(n: number): number {
  return Math.floor(n / 2);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** Largest power of two strictly below `n` (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && splitPoint(n + 1) === n;
}

function isSize(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] | null {
  return proof === null || (Array.isArray(proof) && proof.every(isHash));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function assertHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!isHash(value)) throw new TypeError(`${what} must be a ${HASH_SIZE}-byte Uint8Array`);
}

/** Right-to-left fold of perfect-subtree roots (largest first) into the root over all of them. */
function foldPeaks(peaks: readonly Uint8Array[]): Uint8Array {
  let acc = peaks.at(-1);
  if (acc === undefined) return emptyRoot();
  for (let i = peaks.length - 2; i >= 0; i--) acc = nodeHash(peaks[i] as Uint8Array, acc);
  return acc;
}

function mth(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
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

/** A perfect subtree: the root over leaves [index × 2^level, (index + 1) × 2^level). */
export interface MerkleNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/**
 * An append-only tree that keeps only its compact range: the roots of the perfect subtrees that
 * make it up, one per set bit of its size (at most 53). `append` costs O(1) hashes amortised
 * (O(log n) at worst) and `root()` O(log n), so the trail never rehashes old records. Save `size`
 * and `peaks` with a checkpoint and `MerkleTree.restore` resumes from them after a restart.
 */
export class MerkleTree {
  #size = 0;
  #peaks: Uint8Array[] = [];

  /** Resumes a tree from its size and compact range (largest subtree first). */
  static restore(size: number, peaks: readonly Uint8Array[]): MerkleTree {
    const bits = isSize(size) ? size.toString(2).replaceAll("0", "").length : -1;
    if (bits !== peaks.length) throw new RangeError(`a tree of ${size} leaves has ${bits} peaks`);
    for (const peak of peaks) assertHash(peak, "peak");
    const tree = new MerkleTree();
    tree.#size = size;
    tree.#peaks = [...peaks];
    return tree;
  }

  get size(): number {
    return this.#size;
  }

  get peaks(): readonly Uint8Array[] {
    return [...this.#peaks];
  }

  /**
   * Adds one leaf hash and returns the interior nodes it completed (level ≥ 1), so a store may keep
   * some of them for {@link MerkleSource.readNode}.
   */
  append(leaf: Uint8Array): MerkleNode[] {
    assertHash(leaf, "leaf hash");
    const leafIndex = this.#size;
    const completed: MerkleNode[] = [];
    let hash = leaf;
    // Each trailing 1 bit of the old size is a peak of the same height as the new one: merge them.
    for (let level = 1, n = leafIndex; isOdd(n); level++, n = half(n)) {
      const left = this.#peaks.pop();
      if (left === undefined) throw new Error("compact range is out of step with the tree size");
      hash = nodeHash(left, hash);
      completed.push({ level, index: Math.floor(leafIndex / 2 ** level), hash });
    }
    this.#peaks.push(hash);
    this.#size = leafIndex + 1;
    return completed;
  }

  /** The current root (MTH over every leaf appended). O(log n) hashes. */
  root(): Uint8Array {
    return foldPeaks(this.#peaks);
  }
}

/** Where the store's leaf hashes (and optionally stored interior nodes) come from. */
export interface MerkleSource {
  /** Leaf hashes of leaves [start, end), in order; asked for at most `pageSize` at a time. */
  readonly readLeafHashes: (start: number, end: number) => Promise<readonly Uint8Array[]>;
  /** A stored perfect-subtree root (see {@link MerkleTree.append}), or undefined if not kept. */
  readonly readNode?: (level: number, index: number) => Promise<Uint8Array | undefined>;
  /** Most leaf hashes read at once; 1024 unless given. */
  readonly pageSize?: number;
}

async function perfectHash(source: MerkleSource, level: number, index: number): Promise<Uint8Array> {
  const stored = level > 0 ? await source.readNode?.(level, index) : undefined;
  if (stored !== undefined) {
    assertHash(stored, `stored node (${level}, ${index})`);
    return stored;
  }
  const width = 2 ** level;
  if (width > (source.pageSize ?? 1024)) {
    const left = await perfectHash(source, level - 1, 2 * index);
    return nodeHash(left, await perfectHash(source, level - 1, 2 * index + 1));
  }
  const leaves = await source.readLeafHashes(index * width, (index + 1) * width);
  if (leaves.length !== width || !leaves.every(isHash)) {
    throw new Error(`leaf reader gave ${leaves.length} hashes for ${width} leaves from ${index * width}`);
  }
  return mth(leaves, 0, width);
}

/**
 * MTH over leaves [start, end). Every range a proof needs starts at a multiple of the largest power
 * of two not above its length, so it splits into aligned perfect subtrees, largest first.
 */
async function rangeHash(source: MerkleSource, start: number, end: number): Promise<Uint8Array> {
  const peaks: Uint8Array[] = [];
  for (let width = splitPoint(2 * (end - start)), at = start; at < end; width /= 2) {
    if (at + width > end) continue;
    peaks.push(await perfectHash(source, Math.log2(width), at / width));
    at += width;
  }
  return foldPeaks(peaks);
}

async function hashRanges(
  source: MerkleSource,
  ranges: readonly (readonly [number, number])[],
): Promise<Uint8Array[]> {
  const hashes: Uint8Array[] = [];
  for (const [start, end] of ranges) hashes.push(await rangeHash(source, start, end));
  return hashes;
}

/** The root of the first `treeSize` leaves of `source`. */
export async function rootHashFrom(source: MerkleSource, treeSize: number): Promise<Uint8Array> {
  if (!isSize(treeSize)) throw new RangeError(`tree size ${treeSize} is not a size`);
  return treeSize === 0 ? emptyRoot() : rangeHash(source, 0, treeSize);
}

/**
 * {@link inclusionProof} for leaf `leafIndex` of the first `treeSize` leaves of `source`.
 * Cost: O(log n) proof nodes. With no stored nodes it reads and hashes all n leaves, a page at a
 * time (memory O(pageSize + log n)); if the store keeps every node of level ≥ t it reads O(log n)
 * nodes and O(2^t) leaves (under 2^(t+1)), whatever the tree size.
 */
export async function inclusionProofFrom(
  source: MerkleSource,
  leafIndex: number,
  treeSize: number,
): Promise<Uint8Array[]> {
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) {
    throw new RangeError(`leaf index ${leafIndex} is outside a tree of ${treeSize} leaves`);
  }
  // PATH's recursion, top down: at each split the sibling half is a proof node.
  const ranges: [number, number][] = [];
  let [lo, hi] = [0, treeSize];
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (leafIndex < mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      lo = mid;
    }
  }
  return hashRanges(source, ranges.reverse());
}

/**
 * {@link consistencyProof} from `oldSize` to `newSize` leaves of `source`. Costs as for
 * {@link inclusionProofFrom} (under 3 × 2^t leaves when nodes of level ≥ t are stored).
 */
export async function consistencyProofFrom(
  source: MerkleSource,
  oldSize: number,
  newSize: number,
): Promise<Uint8Array[]> {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize === 0 || oldSize > newSize) {
    throw new RangeError(`old size ${oldSize} must be between 1 and ${newSize}`);
  }
  // SUBPROOF's recursion, top down; `whole` is its flag b (still inside the old tree's root).
  const ranges: [number, number][] = [];
  let [lo, hi, whole] = [0, newSize, true];
  while (hi !== oldSize) {
    const mid = lo + splitPoint(hi - lo);
    if (oldSize <= mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      [lo, whole] = [mid, false];
    }
  }
  if (!whole) ranges.push([lo, hi]);
  return hashRanges(source, ranges.reverse());
}
