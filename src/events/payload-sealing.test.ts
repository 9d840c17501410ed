import { describe, expect, it } from "vitest";
import { AesGcmPayloadSealer, UnreadablePayload } from "./payload-sealing.ts";

const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });

describe("sealed event bodies", () => {
  it("open to the text sealed, and never show it", () => {
    const sealer = new AesGcmPayloadSealer([key("k1", 1)]);
    const sealed = sealer.seal("record-1", '{"subject":"9991000038"}');
    expect(sealed).toMatch(/^k1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("9991000038");
    expect(sealer.open("record-1", sealed)).toBe('{"subject":"9991000038"}');
  });

  it("are bound to their record and to their key", () => {
    const sealer = new AesGcmPayloadSealer([key("k1", 1)]);
    const sealed = sealer.seal("record-1", "body");
    expect(() => sealer.open("record-2", sealed)).toThrow(UnreadablePayload);
    expect(() => new AesGcmPayloadSealer([key("k2", 2)]).open("record-1", sealed)).toThrow(/no key "k1"/);
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}A`;
    expect(() => sealer.open("record-1", tampered)).toThrow(UnreadablePayload);
  });

  it("seal with the newest key and still open with older ones", () => {
    const old = new AesGcmPayloadSealer([key("k1", 1)]).seal("r", "before");
    const rotated = new AesGcmPayloadSealer([key("k1", 1), key("k2", 2)]);
    expect(rotated.open("r", old)).toBe("before");
    expect(rotated.seal("r", "after").startsWith("k2.")).toBe(true);
  });

  it("refuses keys of the wrong size or with bad ids", () => {
    expect(() => new AesGcmPayloadSealer([])).toThrow();
    expect(() => new AesGcmPayloadSealer([{ id: "k", key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
    expect(() => new AesGcmPayloadSealer([{ id: "k.1", key: Buffer.alloc(32) }])).toThrow(/not valid/);
  });
});
