import { CompactSign, decodeProtectedHeader, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CHECKPOINT_JWS_TYPE,
  type Checkpoint,
  checkpointBody,
  type GeneratedCheckpointKey,
  generateCheckpointKey,
  type SignedCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from "./checkpoint-signature.ts";
import { leafHash, rootHash } from "./merkle.ts";

const root = Buffer.from(rootHash([leafHash(Buffer.from("record 1")), leafHash(Buffer.from("record 2"))]));
const checkpoint: Checkpoint = {
  treeSize: 2,
  rootHash: root.toString("base64"),
  issuedAt: "2026-05-01T09:30:00.000Z",
  origin: "ncrs-connect.example/audit",
};

let key: GeneratedCheckpointKey;
let other: GeneratedCheckpointKey;
let signed: SignedCheckpoint;

beforeAll(async () => {
  key = await generateCheckpointKey();
  other = await generateCheckpointKey("second");
  signed = await signCheckpoint(checkpoint, key);
});

describe("checkpointBody", () => {
  it("is the origin, size, base64 root and time, one per line", () => {
    expect(checkpointBody(checkpoint)).toBe(
      `ncrs-connect.example/audit\n2\n${root.toString("base64")}\n2026-05-01T09:30:00.000Z\n`,
    );
  });

  it.each([
    ["a negative size", { treeSize: -1 }, /treeSize/],
    ["a fractional size", { treeSize: 1.5 }, /treeSize/],
    ["a short root", { rootHash: Buffer.alloc(31).toString("base64") }, /rootHash/],
    ["an unpadded root", { rootHash: root.toString("base64").slice(0, -1) }, /rootHash/],
    ["a URL-safe root", { rootHash: `${Buffer.alloc(32, 0xfb).toString("base64url")}=` }, /rootHash/],
    ["a root with stray low bits", { rootHash: `${root.toString("base64").slice(0, 42)}B=` }, /canonical/],
    ["a time without milliseconds", { issuedAt: "2026-05-01T09:30:00Z" }, /issuedAt/],
    ["a time with an offset", { issuedAt: "2026-05-01T09:30:00.000+01:00" }, /issuedAt/],
    ["an impossible date", { issuedAt: "2026-02-30T09:30:00.000Z" }, /real time/],
    ["an empty origin", { origin: "" }, /origin/],
    ["a two-line origin", { origin: "a\n3" }, /origin/],
    ["an origin with outer spaces", { origin: " a" }, /origin/],
  ])("refuses %s", (_what, change, message) => {
    expect(() => checkpointBody({ ...checkpoint, ...change })).toThrow(message);
  });
});

describe("signCheckpoint and verifyCheckpoint", () => {
  const jwks = () => ({ keys: [key.publicJwk, other.publicJwk] });

  it("round-trips, with a compact EdDSA JWS over the body naming the key", async () => {
    expect(signed).toMatchObject({ ...checkpoint, kid: key.kid });
    expect(signed.signature.split(".")).toHaveLength(3);
    expect(decodeProtectedHeader(signed.signature)).toEqual({
      alg: "EdDSA",
      kid: key.kid,
      typ: CHECKPOINT_JWS_TYPE,
    });
    const payload = Buffer.from(signed.signature.split(".")[1] ?? "", "base64url").toString("utf8");
    expect(payload).toBe(checkpointBody(checkpoint));
    expect(await verifyCheckpoint(signed, jwks())).toBe(true);
  });

  it.each([
    ["size", { treeSize: 3 }],
    ["root", { rootHash: Buffer.alloc(32, 1).toString("base64") }],
    ["time", { issuedAt: "2026-05-01T09:30:00.001Z" }],
    ["origin", { origin: "ncrs-connect.example/other" }],
  ])("fails when the %s is changed", async (_what, change) => {
    expect(await verifyCheckpoint({ ...signed, ...change }, jwks())).toBe(false);
  });

  it("fails when the signature is altered or malformed", async () => {
    const [header, payload, sig] = signed.signature.split(".") as [string, string, string];
    const flipped = `${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`;
    expect(await verifyCheckpoint({ ...signed, signature: `${header}.${payload}.${flipped}` }, jwks())).toBe(
      false,
    );
    expect(await verifyCheckpoint({ ...signed, signature: "not a jws" }, jwks())).toBe(false);
    expect(await verifyCheckpoint({ ...signed, treeSize: "2" as unknown as number }, jwks())).toBe(false);
  });

  it("fails with the wrong key published under the kid", async () => {
    const impostor = { ...other.publicJwk, kid: key.kid };
    expect(await verifyCheckpoint(signed, { keys: [impostor] })).toBe(false);
  });

  it("fails when the kid is unknown or does not match the signature's", async () => {
    expect(await verifyCheckpoint(signed, { keys: [other.publicJwk] })).toBe(false);
    expect(await verifyCheckpoint({ ...signed, kid: other.kid }, jwks())).toBe(false);
  });

  it("fails for a JWS by the right key over the right body but not typed as a checkpoint", async () => {
    const untyped = await new CompactSign(new TextEncoder().encode(checkpointBody(checkpoint)))
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid })
      .sign(key.privateKey);
    expect(await verifyCheckpoint({ ...signed, signature: untyped }, jwks())).toBe(false);
  });

  it("refuses to sign with a key that is not Ed25519, or with a malformed checkpoint", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    await expect(signCheckpoint(checkpoint, { kid: "ec", privateKey })).rejects.toThrow(/Ed25519/);
    await expect(signCheckpoint({ ...checkpoint, treeSize: -1 }, key)).rejects.toThrow(/treeSize/);
  });
});

describe("generateCheckpointKey", () => {
  it("publishes only the public half, under its thumbprint unless named", async () => {
    expect(key.publicJwk).toMatchObject({
      kty: "OKP",
      crv: "Ed25519",
      alg: "EdDSA",
      use: "sig",
      kid: key.kid,
    });
    expect(key.publicJwk).not.toHaveProperty("d");
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(other.kid).toBe("second");
    expect(key.privateKey.extractable).toBe(false);
  });
});
