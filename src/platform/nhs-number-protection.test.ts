import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NhsNumberProtection, parseKeyList, UnreadableNhsNumber } from "./nhs-number-protection.ts";

const key = (id: string) => ({ id, key: randomBytes(32) });

describe("NHS number protection", () => {
  const old = key("k1");
  const idx = key("i1");
  const before = new NhsNumberProtection([old], [idx]);

  it("encrypts to a different ciphertext each time, never containing the number, and decrypts", () => {
    const a = before.protect("rec-1", "9991000054");
    const b = before.protect("rec-1", "9991000054");
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain("9991000054");
    expect(a.ciphertext.startsWith("k1.")).toBe(true);
    expect(before.reveal("rec-1", a.ciphertext)).toBe("9991000054");
    expect(a.index).toBe(b.index);
  });

  it("binds the ciphertext to its record and refuses altered ciphertext", () => {
    const { ciphertext } = before.protect("rec-1", "9991000054");
    expect(() => before.reveal("rec-2", ciphertext)).toThrow(UnreadableNhsNumber);
    const [id, iv, sealed] = ciphertext.split(".") as [string, string, string];
    const flipped = `${id}.${iv}.${sealed.startsWith("A") ? `B${sealed.slice(1)}` : `A${sealed.slice(1)}`}`;
    expect(() => before.reveal("rec-1", flipped)).toThrow(UnreadableNhsNumber);
    expect(() => before.reveal("rec-1", "zz.a.b")).toThrow(/no key "zz"/);
  });

  it("seals any text (a document carrying a number) in the same format, bound to its record", () => {
    const json = JSON.stringify({ nhsNumber: "9991000054", name: "Quill" });
    const sealed = before.seal("rec-1", json);
    expect(sealed.startsWith("k1.")).toBe(true);
    expect(sealed).not.toContain("9991000054");
    expect(before.reveal("rec-1", sealed)).toBe(json);
    expect(() => before.reveal("rec-2", sealed)).toThrow(UnreadableNhsNumber);
  });

  it("rotates: the newest key encrypts and indexes, old records still decrypt and are found", () => {
    const stored = before.protect("rec-1", "9991000054");
    const after = new NhsNumberProtection([old, key("k2")], [idx, key("i2")]);
    const fresh = after.protect("rec-2", "9991000054");
    expect(fresh.ciphertext.startsWith("k2.")).toBe(true);
    expect(after.reveal("rec-1", stored.ciphertext)).toBe("9991000054");
    expect(after.indexesOf("9991000054")).toEqual([stored.index, fresh.index]);
  });

  it("refuses anything but ten digits, and bad key lists without echoing keys", () => {
    expect(() => before.protect("r", "999 100 0054")).toThrow(TypeError);
    expect(() => new NhsNumberProtection([], [idx])).toThrow(/at least one key/);
    expect(() => parseKeyList(`a:${randomBytes(16).toString("base64url")}`, "keys")).toThrow(/32 bytes/);
    expect(() =>
      parseKeyList(
        `a:${randomBytes(32).toString("base64url")},a:${randomBytes(32).toString("base64url")}`,
        "keys",
      ),
    ).toThrow(/twice/);
    expect(
      parseKeyList(
        ` a:${randomBytes(32).toString("base64url")} , b:${randomBytes(32).toString("base64url")}`,
        "keys",
      ).map((k) => k.id),
    ).toEqual(["a", "b"]);
  });
});
