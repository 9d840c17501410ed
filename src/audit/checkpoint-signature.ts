/**
 * Signed checkpoints of the audit trail's Merkle tree. A checkpoint commits to the first
 * `treeSize` records through the tree's root; once signed and handed out, the trail cannot be cut
 * short or rewritten without a consistency proof against it failing.
 *
 * The signed body is text in the shape of a transparency-log checkpoint (C2SP tlog-checkpoint):
 *
 * ```text
 * <origin>\n            the trail's name, e.g. "ncrs-connect.example/audit"
 * <treeSize>\n          decimal, no leading zeros
 * <rootHash>\n          standard base64 (with padding) of the 32-byte RFC 6962 root
 * <issuedAt>\n          UTC time as Date#toISOString writes it: 2026-05-01T09:30:00.000Z
 * ```
 *
 * The signature is a compact JWS (EdDSA over Ed25519) whose payload is that body and whose
 * protected header names the key (`kid`) and the type {@link CHECKPOINT_JWS_TYPE}, so a JWS made
 * for any other purpose with the same key is never taken for a checkpoint.
 */
import type { webcrypto } from "node:crypto";
import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
} from "jose";

/** The `typ` header of every checkpoint signature. */
export const CHECKPOINT_JWS_TYPE = "ncrs-audit-checkpoint";

const ALGORITHM = "EdDSA";

/** A claim about the trail: its first `treeSize` records have this root. */
export interface Checkpoint {
  readonly treeSize: number;
  /** Standard base64 of the 32-byte Merkle root. */
  readonly rootHash: string;
  /** When it was issued, as `Date#toISOString` writes it. */
  readonly issuedAt: string;
  /** The trail's name, one line of printable text. */
  readonly origin: string;
}

/** A checkpoint with its compact JWS and the id of the key that made it. */
export interface SignedCheckpoint extends Checkpoint {
  readonly signature: string;
  readonly kid: string;
}

/** An Ed25519 private key and the id its public JWK is published under. */
export interface CheckpointSigningKey {
  readonly kid: string;
  readonly privateKey: webcrypto.CryptoKey;
}

const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isOriginLine(origin: unknown): boolean {
  return (
    typeof origin === "string" &&
    origin.length > 0 &&
    origin === origin.trim() &&
    origin.isWellFormed() &&
    !/\p{Cc}/u.test(origin)
  );
}

// Only one spelling of each field is accepted, so one checkpoint has exactly one body.
function problemOf(checkpoint: Checkpoint): string | undefined {
  const { treeSize, rootHash, issuedAt, origin } = checkpoint;
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return "treeSize must be a whole number of records";
  if (typeof rootHash !== "string" || !BASE64_HASH.test(rootHash)) {
    return "rootHash must be standard base64 of 32 bytes";
  }
  if (Buffer.from(rootHash, "base64").toString("base64") !== rootHash)
    return "rootHash is not canonical base64";
  if (typeof issuedAt !== "string" || !ISO_INSTANT.test(issuedAt)) {
    return "issuedAt must be an ISO 8601 UTC time with milliseconds";
  }
  if (new Date(issuedAt).toISOString() !== issuedAt) return "issuedAt is not a real time";
  if (!isOriginLine(origin)) return "origin must be one line of printable text without outer spaces";
  return undefined;
}

/**
 * The text that is signed for `checkpoint` (format in the module comment).
 *
 * @throws TypeError naming the field, if a field is malformed.
 */
export function checkpointBody(checkpoint: Checkpoint): string {
  const problem = problemOf(checkpoint);
  if (problem !== undefined) throw new TypeError(`checkpoint ${problem}`);
  const { origin, treeSize, rootHash, issuedAt } = checkpoint;
  return `${origin}\n${treeSize}\n${rootHash}\n${issuedAt}\n`;
}

/**
 * Signs `checkpoint` with an Ed25519 key: a compact JWS (EdDSA) over its body.
 *
 * @throws TypeError if the checkpoint is malformed or the key is not an Ed25519 private key.
 */
export async function signCheckpoint(
  checkpoint: Checkpoint,
  key: CheckpointSigningKey,
): Promise<SignedCheckpoint> {
  const body = checkpointBody(checkpoint);
  const { kid, privateKey } = key;
  if (privateKey.type !== "private" || privateKey.algorithm.name !== "Ed25519") {
    throw new TypeError("checkpoint signing key must be an Ed25519 private key");
  }
  if (typeof kid !== "string" || kid.length === 0) throw new TypeError("checkpoint signing key needs a kid");
  const signature = await new CompactSign(new TextEncoder().encode(body))
    .setProtectedHeader({ alg: ALGORITHM, kid, typ: CHECKPOINT_JWS_TYPE })
    .sign(privateKey);
  const { treeSize, rootHash, issuedAt, origin } = checkpoint;
  return { treeSize, rootHash, issuedAt, origin, signature, kid };
}

/**
 * Whether `signed` carries a valid signature, by the key its `kid` names in `publicJwkSet`, over
 * exactly its own fields. Any mismatch, malformed field, unknown kid or wrong key gives false.
 *
 * @throws if `publicJwkSet` itself is not a JWK set (a configuration error, not a bad checkpoint).
 */
export async function verifyCheckpoint(
  signed: SignedCheckpoint,
  publicJwkSet: JSONWebKeySet,
): Promise<boolean> {
  const keys = createLocalJWKSet(publicJwkSet);
  if (problemOf(signed) !== undefined || typeof signed.signature !== "string") return false;
  try {
    const { payload, protectedHeader } = await compactVerify(signed.signature, keys, {
      algorithms: [ALGORITHM],
    });
    return (
      protectedHeader.kid === signed.kid &&
      protectedHeader.typ === CHECKPOINT_JWS_TYPE &&
      Buffer.from(payload).equals(Buffer.from(checkpointBody(signed), "utf8"))
    );
  } catch {
    return false;
  }
}

/** A fresh checkpoint key: the private key (not extractable) and its public JWK for publishing. */
export interface GeneratedCheckpointKey extends CheckpointSigningKey {
  readonly publicJwk: JWK;
}

/**
 * Makes a new Ed25519 checkpoint key. The kid defaults to the public key's RFC 7638 thumbprint, so
 * it names the key itself.
 */
export async function generateCheckpointKey(kid?: string): Promise<GeneratedCheckpointKey> {
  const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { crv: "Ed25519" });
  const jwk = await exportJWK(publicKey);
  const keyId = kid ?? (await calculateJwkThumbprint(jwk));
  return { kid: keyId, privateKey, publicJwk: { ...jwk, kid: keyId, alg: ALGORITHM, use: "sig" } };
}
