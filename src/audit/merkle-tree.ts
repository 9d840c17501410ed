/**
 * The Merkle tree as the store keeps it: an append-only compact range (`MerkleTree`) that never
 * rehashes old records, and inclusion and consistency proofs built from a `MerkleSource` a page of
 * leaves at a time (or from stored interior nodes), so proofs stay cheap on millions of records.
 * The reference recursive versions and the verifiers are in `merkle.ts`.
 */
import {
  assertHash,
  emptyRoot,
  foldPeaks,
  half,
  isHash,
  isOdd,
  isSize,
  mth,
  nodeHash,
  splitPoint,
} from "./merkle.ts";

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
