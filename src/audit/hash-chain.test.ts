import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.ts";
import {
  type ChainRecord,
  chainHash,
  leafDataOf,
  recordLeafHash,
  verifyChain,
  verifyChainAsync,
} from "./hash-chain.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** A well-formed trail of `n` records, sequences 1…n. */
function trail(n: number): ChainRecord[] {
  const records: ChainRecord[] = [];
  let previous: Uint8Array | null = null;
  for (let sequence = 1; sequence <= n; sequence++) {
    const canonical = canonicalJson({ sequence, type: "launch.requested", user: `user ${sequence % 7}` });
    const hash = chainHash(previous, canonical);
    records.push({ sequence, canonical, hash });
    previous = hash;
  }
  return records;
}

describe("chainHash", () => {
  it("hashes the domain prefix, the previous hash and the UTF-8 record", () => {
    const previous = Buffer.alloc(32, 0xab);
    const record = '{"name":"Zoë"}';
    const expected = createHash("sha256")
      .update(Buffer.concat([Buffer.from("ncrs-audit-chain-v1\n"), previous, Buffer.from(record, "utf8")]))
      .digest("hex");
    expect(hex(chainHash(previous, record))).toBe(expected);
  });

  it("starts the trail from 32 zero bytes (value computed outside this code)", () => {
    expect(hex(chainHash(null, "{}"))).toBe(hex(chainHash(new Uint8Array(32), "{}")));
    expect(hex(chainHash(null, "{}"))).toBe(
      "da542881e648e1b7a05525b3d84486dfddfc8d5a8a0485fbd5b01d767f80c3ba",
    );
  });

  it("refuses a previous hash of the wrong size and records UTF-8 cannot carry", () => {
    expect(() => chainHash(new Uint8Array(31), "{}")).toThrow(TypeError);
    expect(() => chainHash(null, '"\ud800"')).toThrow(TypeError);
  });
});

describe("leafDataOf", () => {
  it("is the 8-byte big-endian sequence followed by the record hash", () => {
    const hash = Buffer.alloc(32, 0xab);
    expect(hex(leafDataOf(1, hash))).toBe(`0000000000000001${"ab".repeat(32)}`);
    expect(hex(leafDataOf(2 ** 53 - 1, hash)).slice(0, 16)).toBe("001fffffffffffff");
    expect(hex(leafDataOf(258, hash)).slice(0, 16)).toBe("0000000000000102");
  });

  it("gives the RFC 6962 leaf hash of that data", () => {
    const hash = Buffer.alloc(32, 0xab);
    const data = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 7]), hash]);
    const expected = createHash("sha256")
      .update(Buffer.concat([Buffer.from([0]), data]))
      .digest("hex");
    expect(hex(recordLeafHash(7, hash))).toBe(expected);
  });

  it("refuses sequences that are not whole and hashes that are not 32 bytes", () => {
    const hash = Buffer.alloc(32);
    for (const sequence of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => leafDataOf(sequence, hash), String(sequence)).toThrow(RangeError);
    }
    expect(() => leafDataOf(1, hash.subarray(1))).toThrow(TypeError);
  });
});

describe("verifyChain", () => {
  const records = trail(10);

  it("accepts an intact trail and says how to carry on", () => {
    const result = verifyChain(records);
    expect(result).toEqual({ ok: true, count: 10, lastHash: records[9]?.hash, nextSequence: 11 });
    expect(verifyChain([])).toMatchObject({ ok: true, count: 0, nextSequence: 1 });
  });

  it("finds an altered record at its sequence", () => {
    const altered = records.map((r) =>
      r.sequence === 4 ? { ...r, canonical: r.canonical.replace("user", "usr") } : r,
    );
    expect(verifyChain(altered)).toEqual({ ok: false, firstBrokenSequence: 4, reason: "hash_mismatch" });
  });

  it("finds a record whose content and stored hash were both rewritten, at the next record", () => {
    const canonical = canonicalJson({ sequence: 4, type: "forged" });
    const forged = records.map((r) =>
      r.sequence === 4 ? { ...r, canonical, hash: chainHash(records[2]?.hash ?? null, canonical) } : r,
    );
    expect(verifyChain(forged)).toEqual({ ok: false, firstBrokenSequence: 5, reason: "hash_mismatch" });
  });

  it("finds a deleted record as a gap at the missing sequence", () => {
    expect(verifyChain(records.filter((r) => r.sequence !== 6))).toEqual({
      ok: false,
      firstBrokenSequence: 6,
      reason: "sequence_gap",
    });
    expect(verifyChain(records.slice(1))).toMatchObject({ firstBrokenSequence: 1, reason: "sequence_gap" });
  });

  it("finds swapped and repeated records as out of order", () => {
    const swapped = [...records.slice(0, 2), records[3], records[2], ...records.slice(4)] as ChainRecord[];
    expect(verifyChain(swapped)).toEqual({ ok: false, firstBrokenSequence: 3, reason: "sequence_order" });
    const repeated = [...records.slice(0, 5), records[4], ...records.slice(5)] as ChainRecord[];
    expect(verifyChain(repeated)).toEqual({ ok: false, firstBrokenSequence: 6, reason: "sequence_order" });
    const bad = [{ ...records[0], sequence: Number.NaN }] as ChainRecord[];
    expect(verifyChain(bad)).toMatchObject({ ok: false, reason: "sequence_order" });
  });

  it("finds records swapped with their sequence numbers kept as altered", () => {
    const relabelled = records.map((r, i) => {
      const other = records[i === 2 ? 3 : i === 3 ? 2 : i] as ChainRecord;
      return { ...other, sequence: r.sequence };
    });
    expect(verifyChain(relabelled)).toEqual({ ok: false, firstBrokenSequence: 3, reason: "hash_mismatch" });
  });

  it("gives the same answer in two halves, carrying the previous hash over, as in one pass", () => {
    const whole = verifyChain(records);
    const first = verifyChain(records.slice(0, 4));
    if (!first.ok) throw new Error("first half should verify");
    const second = verifyChain(records.slice(4), first.lastHash, first.nextSequence ?? undefined);
    expect(second).toEqual({ ...whole, count: 6 });
    expect(verifyChain(records.slice(4), first.lastHash)).toEqual({ ...whole, count: 6 });
    expect(verifyChain(records.slice(5), first.lastHash, 5)).toMatchObject({ reason: "sequence_gap" });
    expect(verifyChain(records.slice(4), records[0]?.hash)).toMatchObject({ reason: "hash_mismatch" });
  });

  it("streams: it reads no further than the break and closes the source", () => {
    let pulled = 0;
    let closed = false;
    function* endless(): Generator<ChainRecord> {
      try {
        for (const record of records) {
          pulled++;
          yield record.sequence === 3 ? { ...record, hash: new Uint8Array(32) } : record;
        }
        for (;;) yield { sequence: 0, canonical: "", hash: new Uint8Array(32) };
      } finally {
        closed = true;
      }
    }
    expect(verifyChain(endless())).toMatchObject({ firstBrokenSequence: 3 });
    expect(pulled).toBe(4); // the broken record and the one peeked after it
    expect(closed).toBe(true);
  });
});

describe("verifyChainAsync", () => {
  async function* pages(records: ChainRecord[], size: number): AsyncGenerator<ChainRecord> {
    for (let i = 0; i < records.length; i += size) {
      const page = await Promise.resolve(records.slice(i, i + size));
      yield* page;
    }
  }

  it("agrees with verifyChain", async () => {
    const records = trail(25);
    expect(await verifyChainAsync(pages(records, 4))).toEqual(verifyChain(records));
    const gap = records.filter((r) => r.sequence !== 9);
    expect(await verifyChainAsync(pages(gap, 4))).toEqual(verifyChain(gap));
    expect(await verifyChainAsync(pages(gap, 4))).toMatchObject({
      firstBrokenSequence: 9,
      reason: "sequence_gap",
    });
  });
});
