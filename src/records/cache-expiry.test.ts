import { describe, expect, it } from "vitest";
import { expiresAt } from "./cache-expiry.ts";
import type { RecordPointer } from "./record-pointer.ts";

const at = new Date("2026-12-07T10:00:00Z");
const pointer = (code: string): RecordPointer => ({
  id: `RX4-${code}`,
  type: { code, display: code },
  category: { code: "734163000", display: "Care plan" },
  custodian: "RX4",
  author: "RX4",
  created: null,
  updated: null,
  stability: null,
  format: null,
  retrieval: null,
  version: null,
});

describe("when a cached NRL answer expires", () => {
  const rules = { defaultSeconds: 300, byType: { "1363501000000100": 60 } };

  it("lives the default time when no pointer's type asks for less", () => {
    expect(expiresAt(at, [pointer("736253002")], rules).toISOString()).toBe("2026-12-07T10:05:00.000Z");
    expect(expiresAt(at, [], rules).toISOString()).toBe("2026-12-07T10:05:00.000Z");
  });

  it("lives as long as its shortest-lived pointer type allows", () => {
    expect(expiresAt(at, [pointer("736253002"), pointer("1363501000000100")], rules).toISOString()).toBe(
      "2026-12-07T10:01:00.000Z",
    );
  });

  it("never lives longer than the default, whatever a type says", () => {
    expect(expiresAt(at, [pointer("1")], { defaultSeconds: 60, byType: { "1": 600 } }).toISOString()).toBe(
      "2026-12-07T10:01:00.000Z",
    );
  });
});
