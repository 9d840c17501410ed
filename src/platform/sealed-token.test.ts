import { describe, expect, it } from "vitest";
import { SealedTokens } from "./sealed-token.ts";

const NOW = new Date("2026-12-07T10:00:00Z");
const LATER = new Date(NOW.getTime() + 60_000);

describe("SealedTokens", () => {
  const tokens = new SealedTokens("service-secret", "patient-search");

  it("opens what it sealed, for the same holder, before it expires", () => {
    const token = tokens.seal("999 100 0054", "session-1", LATER);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain("9991000054");
    expect(tokens.open(token, "session-1", NOW)).toBe("999 100 0054");
  });

  it("gives nothing for another holder, another purpose, another secret, after expiry, or when altered", () => {
    const token = tokens.seal("Hartley", "session-1", LATER);
    expect(tokens.open(token, "session-2", NOW)).toBeUndefined();
    expect(new SealedTokens("service-secret", "other").open(token, "session-1", NOW)).toBeUndefined();
    expect(
      new SealedTokens("another-secret", "patient-search").open(token, "session-1", NOW),
    ).toBeUndefined();
    expect(tokens.open(token, "session-1", LATER)).toBeUndefined();
    const bytes = Buffer.from(token, "base64url");
    bytes[14] = (bytes[14] as number) ^ 1;
    expect(tokens.open(bytes.toString("base64url"), "session-1", NOW)).toBeUndefined();
    expect(tokens.open("", "session-1", NOW)).toBeUndefined();
    expect(tokens.open("not-a-token", "session-1", NOW)).toBeUndefined();
  });

  it("seals the same value differently each time", () => {
    expect(tokens.seal("Hartley", "s", LATER)).not.toBe(tokens.seal("Hartley", "s", LATER));
  });
});
