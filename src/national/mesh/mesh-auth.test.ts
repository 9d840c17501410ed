import { describe, expect, it } from "vitest";
import { freshAuthorization, meshTimestamp, nhsmeshAuthorization } from "./mesh-auth.ts";

// Expected hashes computed independently with
//   printf '%s' 'X26ABC1:<nonce>:<count>:password:<ts>' | openssl dgst -sha256 -hmac '<key>'
const NONCE = "4b3c1d2e-5f60-4718-9a2b-3c4d5e6f7081";

describe("the NHSMESH authorization header", () => {
  it("gives the known value for a known key, nonce, count and timestamp", () => {
    const header = nhsmeshAuthorization(
      { mailboxId: "X26ABC1", password: "password", sharedKey: "TestKey" },
      { nonce: NONCE, nonceCount: 0, at: new Date("2026-12-07T20:40:59.999Z") },
    );
    expect(header).toBe(
      `NHSMESH X26ABC1:${NONCE}:0:202612072040:362767f0044d26c6f358762679fcf440aa3b3e5a04bb7b5f39be460e6d76e163`,
    );
  });

  it("keys the HMAC with the shared key, puts the password only inside it, and upper-cases the mailbox", () => {
    const header = nhsmeshAuthorization(
      { mailboxId: "x26abc1", password: "password", sharedKey: "BackupKey" },
      { nonce: NONCE, nonceCount: 7, at: new Date("2026-01-01T00:00:30Z") },
    );
    expect(header).toBe(
      `NHSMESH X26ABC1:${NONCE}:7:202601010000:cc22f7a48095cdaff24872ae9607c2251de0d5a17506c1febe796c89522e6da0`,
    );
    expect(header).not.toContain("password");
  });

  it("writes the timestamp as yyyyMMddHHmm in UTC", () => {
    expect(meshTimestamp(new Date("2026-06-30T23:59:59+01:00"))).toBe("202606302259");
  });

  it("uses a new nonce for every request", () => {
    const credentials = { mailboxId: "X26ABC1", password: "p", sharedKey: "k" };
    const at = new Date();
    expect(freshAuthorization(credentials, at)).not.toBe(freshAuthorization(credentials, at));
  });
});
