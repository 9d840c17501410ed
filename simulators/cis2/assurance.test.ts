import { describe, expect, it } from "vitest";
import { admits, DEFAULT_ACR, requestedAcr } from "./assurance.ts";

describe("requested assurance class", () => {
  it("defaults to AAL2_OR_AAL3_ANY when the request names none", () => {
    expect(requestedAcr(undefined)).toBe("AAL2_OR_AAL3_ANY");
    expect(DEFAULT_ACR).toBe("AAL2_OR_AAL3_ANY");
  });

  it("takes the first supported class of a space-separated list", () => {
    expect(requestedAcr("AAL1_USERPASS AAL3_ANY AAL2_OR_AAL3_ANY")).toBe("AAL3_ANY");
  });

  it("falls back to the default when no class is supported", () => {
    expect(requestedAcr("AAL1_USERPASS")).toBe("AAL2_OR_AAL3_ANY");
  });
});

describe("which authenticators a class admits", () => {
  it("AAL3_ANY admits AAL3 only", () => {
    expect(admits("AAL3_ANY", 3)).toBe(true);
    expect(admits("AAL3_ANY", 2)).toBe(false);
  });

  it("AAL2_OR_AAL3_ANY admits both levels", () => {
    expect(admits("AAL2_OR_AAL3_ANY", 2)).toBe(true);
    expect(admits("AAL2_OR_AAL3_ANY", 3)).toBe(true);
  });
});
