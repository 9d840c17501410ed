/** Opaque random tokens and their one-way digests: cookies carry tokens, the database only digests. */
import { hash, randomBytes, randomFillSync, timingSafeEqual } from "node:crypto";

/** 256 bits of randomness, base64url. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

// One call to the CSPRNG fills nonces for many responses: a call costs far more than copying bytes
// out of the buffer, and every nonce still gets its own fresh random bytes, never handed out twice.
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

/** 128 bits of randomness, base64: a fresh value for each response's Content-Security-Policy. */
export function randomNonce(): string {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  nonceOffset += NONCE_BYTES;
  return noncePool.toString("base64", nonceOffset - NONCE_BYTES, nonceOffset);
}

/** SHA-256 of a token, base64url: what we store and look up by. */
export function digest(token: string): string {
  return hash("sha256", token, "base64url");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
