import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.ts";
import {
  consistencyProofFrom,
  inclusionProofFrom,
  type MerkleNode,
  type MerkleSource,
  MerkleTree,
  rootHashFrom,
} from "./merkle-tree.ts";

const fixtures = new URL("../../../shared/fixtures/merkle/", import.meta.url);

interface Vector {
  readonly file: string;
  readonly body: Record<string, unknown>;
}

/** Every vector file of one kind; a missing fixtures folder fails the run rather than skipping it. */
function vectors(kind: "inclusion" | "consistency"): Vector[] {
  const dir = fileURLToPath(new URL(`${kind}/`, fixtures));
  if (!existsSync(dir)) {
    throw new Error(
      `RFC 6962 test vectors not found at ${dir}: the shared fixtures folder must sit beside the repo`,
    );
  }
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, body: JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) }));
}

const b64 = (value: unknown) => Buffer.from(String(value), "base64");
const proofOf = (value: unknown) => (value === null ? null : (value as string[]).map(b64));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("RFC 6962 test vectors (transparency-dev/merkle)", () => {
  const inclusion = vectors("inclusion");
  const consistency = vectors("consistency");

  it("has the whole set: 98 of each kind, 6 valid", () => {
    expect(inclusion).toHaveLength(98);
    expect(consistency).toHaveLength(98);
    expect(inclusion.filter((v) => v.body["wantErr"] === false)).toHaveLength(6);
    expect(consistency.filter((v) => v.body["wantErr"] === false)).toHaveLength(6);
  });

  it.each(inclusion)("inclusion/$file", ({ body }) => {
    const ok = verifyInclusion({
      leafIndex: body["leafIdx"] as number,
      treeSize: body["treeSize"] as number,
      leafHash: b64(body["leafHash"]),
      proof: proofOf(body["proof"]),
      root: b64(body["root"]),
    });
    expect(ok, String(body["desc"])).toBe(!body["wantErr"]);
  });

  it.each(consistency)("consistency/$file", ({ body }) => {
    const ok = verifyConsistency({
      size1: body["size1"] as number,
      size2: body["size2"] as number,
      root1: b64(body["root1"]),
      root2: b64(body["root2"]),
      proof: proofOf(body["proof"]),
    });
    expect(ok, String(body["desc"])).toBe(!body["wantErr"]);
  });
});

// The leaf inputs of the certificate-transparency reference tests, and the roots of their prefixes.
const ctLeaves = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
];
const ctRoots = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

describe("tree hashing", () => {
  it("gives SHA-256 of nothing for the empty tree", () => {
    expect(Buffer.from(rootHash([])).toString("base64")).toBe("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    expect(hex(new MerkleTree().root())).toBe(hex(emptyRoot()));
  });

  it("matches the certificate-transparency roots for 1 to 8 leaves", () => {
    const leaves = ctLeaves.map((h) => leafHash(Buffer.from(h, "hex")));
    expect(ctRoots.map((_, i) => hex(rootHash(leaves.slice(0, i + 1))))).toEqual(ctRoots);
  });

  it("separates leaves from nodes, so a node cannot pose as a leaf", () => {
    const [a, b] = [leafHash(Buffer.from("a")), leafHash(Buffer.from("b"))];
    expect(hex(leafHash(Buffer.concat([a, b])))).not.toBe(hex(nodeHash(a, b)));
  });
});

/** A seeded generator (SHA-256 of seed and counter), so a failing case can be replayed. */
function random(seed: number): (below: number) => number {
  let counter = 0;
  return (below) => createHash("sha256").update(`${seed}/${counter++}`).digest().readUInt32BE(0) % below;
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`record ${i}`)));

/** A store double over an array: counts reads and keeps the nodes `append` reported from `minLevel` up. */
function arraySource(leaves: Uint8Array[], nodes: MerkleNode[], minLevel: number, pageSize: number) {
  const kept = new Map(
    nodes.filter((n) => n.level >= minLevel).map((n) => [`${n.level}/${n.index}`, n.hash]),
  );
  const reads = { leaves: 0, nodes: 0 };
  const source: MerkleSource = {
    pageSize,
    readLeafHashes: async (start, end) => {
      reads.leaves += end - start;
      return leaves.slice(start, end);
    },
    readNode: async (level, index) => {
      const hash = kept.get(`${level}/${index}`);
      if (hash) reads.nodes++;
      return hash;
    },
  };
  return { source, reads };
}

function grow(n: number) {
  const leaves = leavesOf(n);
  const tree = new MerkleTree();
  const nodes = leaves.flatMap((leaf) => tree.append(leaf));
  return { leaves, tree, nodes };
}

describe("MerkleTree and proofs from a source", () => {
  it("agrees with the recursive root for every size from 0 to 300", () => {
    const leaves = leavesOf(300);
    const tree = new MerkleTree();
    for (let n = 0; n <= 300; n++) {
      expect(hex(tree.root()), `size ${n}`).toBe(hex(rootHash(leaves.slice(0, n))));
      if (n < 300) tree.append(leaves[n] as Uint8Array);
    }
  });

  it("reports each completed node with the root of the leaves beneath it", () => {
    const { leaves, nodes } = grow(37);
    expect(nodes).toHaveLength(37 - 3); // n leaves of which popcount(n) are still peaks
    for (const { level, index, hash } of nodes) {
      const width = 2 ** level;
      expect(hex(hash)).toBe(hex(rootHash(leaves.slice(index * width, (index + 1) * width))));
    }
  });

  it("resumes from a saved size and compact range", () => {
    const { leaves, tree } = grow(21);
    const saved = tree.peaks;
    const resumed = MerkleTree.restore(tree.size, saved);
    const extra = leafHash(Buffer.from("next"));
    tree.append(extra);
    resumed.append(extra);
    expect(hex(resumed.root())).toBe(hex(tree.root()));
    expect(hex(resumed.root())).toBe(hex(rootHash([...leaves, extra])));
    expect(() => MerkleTree.restore(20, saved)).toThrow(RangeError);
  });

  it("builds the same proofs as the recursive functions on random sizes up to 300", async () => {
    const next = random(6962);
    for (let round = 0; round < 40; round++) {
      const n = 1 + next(300);
      const { leaves, nodes } = grow(n);
      const { source } = arraySource(leaves, nodes, 1 + next(4), 2 ** next(5));
      const index = next(n);
      const oldSize = 1 + next(n);
      expect(hex(await rootHashFrom(source, n))).toBe(hex(rootHash(leaves)));
      expect((await inclusionProofFrom(source, index, n)).map(hex)).toEqual(
        inclusionProof(leaves, index).map(hex),
      );
      const fromSource = await consistencyProofFrom(source, oldSize, n);
      expect(fromSource.map(hex), `${oldSize} → ${n}`).toEqual(consistencyProof(leaves, oldSize).map(hex));
    }
  });

  it("reads few leaves when the store keeps nodes from level 4 up", async () => {
    const n = 5000;
    const { leaves, nodes } = grow(n);
    const { source, reads } = arraySource(leaves, nodes, 4, 16);
    const proof = await inclusionProofFrom(source, 1234, n);
    expect(reads.leaves).toBeLessThan(2 ** 5);
    expect(reads.nodes).toBeLessThan(2 * Math.log2(n));
    expect(
      verifyInclusion({
        leafIndex: 1234,
        treeSize: n,
        leafHash: leaves[1234] as Uint8Array,
        proof,
        root: rootHash(leaves),
      }),
    ).toBe(true);
  });

  it("rejects a leaf reader that returns the wrong number of hashes", async () => {
    const source: MerkleSource = { readLeafHashes: async () => [] };
    await expect(rootHashFrom(source, 3)).rejects.toThrow(/leaf reader gave 0 hashes/);
  });
});

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

/** Every single-bit flip of every element, plus shortened and lengthened copies. */
function* tampered(proof: Uint8Array[]): Generator<[string, Uint8Array[]]> {
  for (const [i, element] of proof.entries()) {
    for (let bit = 0; bit < 256; bit++) {
      yield [`bit ${bit} of element ${i}`, proof.map((p, j) => (j === i ? flipBit(element, bit) : p))];
    }
  }
  if (proof.length > 0) yield ["last element dropped", proof.slice(0, -1)];
  if (proof.length > 0) yield ["first element dropped", proof.slice(1)];
  yield ["element appended", [...proof, leafHash(Buffer.from("extra"))]];
  yield ["element prepended", [leafHash(Buffer.from("extra")), ...proof]];
}

describe("generated proofs", () => {
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 64, 100, 255, 256, 300];

  // Failures are collected rather than asserted one by one: there are hundreds of thousands of cases.
  it("verify for every leaf, and fail when tampered with", () => {
    const next = random(9162);
    const wrong: string[] = [];
    for (const n of sizes) {
      const leaves = leavesOf(n);
      const root = rootHash(leaves);
      for (let leafIndex = 0; leafIndex < n; leafIndex++) {
        const claim = { leafIndex, treeSize: n, leafHash: leaves[leafIndex] as Uint8Array, root };
        const proof = inclusionProof(leaves, leafIndex);
        if (!verifyInclusion({ ...claim, proof })) wrong.push(`${leafIndex} of ${n} rejected`);
        if (verifyInclusion({ ...claim, proof, leafIndex: (leafIndex + 1) % (n + 1) })) {
          wrong.push(`${leafIndex} of ${n} accepted at the next index`);
        }
        if (next(16) !== 0) continue; // every bit of every element: a sample of the proofs is enough
        for (const [what, bad] of tampered(proof)) {
          if (verifyInclusion({ ...claim, proof: bad })) wrong.push(`${what}, ${leafIndex} of ${n}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("prove consistency between every pair of sizes, and fail when tampered with", () => {
    const next = random(2025);
    const wrong: string[] = [];
    for (const n of sizes) {
      const leaves = leavesOf(n);
      const root2 = rootHash(leaves);
      const old = new MerkleTree();
      for (let size1 = 1; size1 <= n; size1++) {
        old.append(leaves[size1 - 1] as Uint8Array);
        const claim = { size1, size2: n, root1: old.root(), root2 };
        const proof = consistencyProof(leaves, size1);
        if (!verifyConsistency({ ...claim, proof })) wrong.push(`${size1} → ${n} rejected`);
        if (verifyConsistency({ ...claim, proof, root1: root2, root2: claim.root1 }) !== (size1 === n)) {
          wrong.push(`${size1} → ${n} accepted with the roots swapped`);
        }
        if (next(16) !== 0) continue;
        for (const [what, bad] of tampered(proof)) {
          if (verifyConsistency({ ...claim, proof: bad })) wrong.push(`${what}, ${size1} → ${n}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("malformed input", () => {
  const leaves = leavesOf(5);
  const root = rootHash(leaves);
  const leaf = leaves[2] as Uint8Array;
  const proof = inclusionProof(leaves, 2);

  it("makes the verifiers answer false instead of throwing", () => {
    for (const leafIndex of [-1, 2.5, Number.NaN, 2 ** 60]) {
      expect(verifyInclusion({ leafIndex, treeSize: 5, leafHash: leaf, proof, root })).toBe(false);
    }
    expect(verifyInclusion({ leafIndex: 2, treeSize: 5, leafHash: leaf.subarray(1), proof, root })).toBe(
      false,
    );
    const shortElement = [...proof.slice(0, -1), new Uint8Array(31)];
    expect(verifyInclusion({ leafIndex: 2, treeSize: 5, leafHash: leaf, proof: shortElement, root })).toBe(
      false,
    );
    const notAList = "proof" as unknown as Uint8Array[];
    expect(verifyInclusion({ leafIndex: 2, treeSize: 5, leafHash: leaf, proof: notAList, root })).toBe(false);
    expect(verifyConsistency({ size1: 2, size2: 5, root1: root, root2: root, proof: notAList })).toBe(false);
    expect(verifyConsistency({ size1: 1.5, size2: 5, root1: root, root2: root, proof: [] })).toBe(false);
  });

  it("makes the proof builders throw a RangeError", async () => {
    expect(() => inclusionProof(leaves, 5)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 0)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 6)).toThrow(RangeError);
    const { source } = arraySource(leaves, [], 1, 4);
    await expect(inclusionProofFrom(source, 5, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProofFrom(source, 0, 5)).rejects.toThrow(RangeError);
  });
});
