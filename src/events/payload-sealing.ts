/**
 * Raw event bodies at rest, encrypted with AES-256-GCM. A body names the patient (subject, Patient
 * URL) and, in a hydrated FHIR signal, may carry the whole record, so it is never stored in clear.
 * The record id is the GCM additional data: a sealed body cannot be moved to another record
 * unnoticed. Keys rotate like the audit's: the last key seals, every listed key still opens.
 *
 * Format: `<keyId>.<iv>.<ciphertext+tag>`, parts in base64url.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomFillSync,
} from "node:crypto";
import type { PayloadSealer } from "./events.ports.ts";

/** A named 32-byte key (the shape `parseKeyList` in src/platform/nhs-number-protection.ts returns). */
export interface SealingKey {
  readonly id: string;
  readonly key: Uint8Array;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IVs are drawn from the system's random source this many at a time (one call, not one per body). */
const IV_POOL = 1024;

/** Why a sealed body cannot be opened: unknown key, or altered text or record id. */
export class UnreadablePayload extends Error {
  constructor(reason: string) {
    super(`sealed event body cannot be opened: ${reason}`);
    this.name = "UnreadablePayload";
  }
}

export class AesGcmPayloadSealer implements PayloadSealer {
  /** KeyObjects: OpenSSL sets each key up once, not for every body (about three times faster). */
  readonly #keys: readonly { readonly id: string; readonly key: KeyObject }[];
  readonly #ivs = Buffer.alloc(IV_BYTES * IV_POOL);
  #ivsUsed = IV_POOL;

  constructor(keys: readonly SealingKey[]) {
    if (keys.length === 0) throw new TypeError("payload sealing needs at least one key");
    for (const k of keys) {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new TypeError(`payload key id "${k.id}" is not valid`);
      if (k.key.length !== 32) throw new TypeError(`payload key ${k.id} must be 32 bytes`);
    }
    this.#keys = keys.map((k) => ({ id: k.id, key: createSecretKey(k.key) }));
  }

  #nextIv(): Buffer {
    if (this.#ivsUsed === IV_POOL) {
      randomFillSync(this.#ivs);
      this.#ivsUsed = 0;
    }
    const at = IV_BYTES * this.#ivsUsed++;
    return Buffer.from(this.#ivs.subarray(at, at + IV_BYTES));
  }

  seal(recordId: string, text: string): string {
    const { id, key } = this.#keys.at(-1) as { id: string; key: KeyObject };
    const iv = this.#nextIv();
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(recordId, "utf8"));
    const sealed = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${id}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
  }

  open(recordId: string, sealed: string): string {
    const [keyId, iv, body, ...rest] = sealed.split(".");
    const key = this.#keys.find((k) => k.id === keyId);
    if (!key || iv === undefined || body === undefined || rest.length > 0)
      throw new UnreadablePayload(key ? "malformed" : `no key "${keyId}"`);
    const bytes = Buffer.from(body, "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(recordId, "utf8"));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new UnreadablePayload("authentication failed");
    }
  }
}
