/**
 * NHS numbers at rest, in the audit trail and in the operational tables (docs/adr/0008, 0014):
 * encrypted with AES-256-GCM and findable through a keyed blind index (HMAC-SHA-256), so a copy
 * of the database reveals no NHS number while support staff can still search by one. Documents
 * that carry a number (a PDS answer) are encrypted whole with the same keys (`seal`).
 *
 * Keys rotate without rewriting records (audit records are immutable): each key has an id; the
 * newest (last) key encrypts and indexes new records, every key still decrypts and is searched.
 * The ciphertext is bound to its record (the record id is the GCM additional data), so it cannot
 * be moved to another record unnoticed.
 *
 * Formats: ciphertext `<keyId>.<iv>.<ciphertext+tag>`, index `<keyId>.<first 16 bytes of the MAC>`,
 * parts in base64url.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  type KeyObject,
  randomFillSync,
} from "node:crypto";

/** A named 32-byte key. */
export interface NamedKey {
  readonly id: string;
  readonly key: Uint8Array;
}

/** An NHS number protected for storage. */
export interface ProtectedNhsNumber {
  readonly ciphertext: string;
  readonly index: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const NHS_NUMBER = /^\d{10}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INDEX_BYTES = 16;
const INDEX_DOMAIN = "ncrs-audit-nhs-number-v1\n";

/** Why a stored NHS number cannot be revealed: unknown key, or altered ciphertext. */
export class UnreadableNhsNumber extends Error {
  constructor(reason: string) {
    super(`stored NHS number cannot be decrypted: ${reason}`);
    this.name = "UnreadableNhsNumber";
  }
}

function checkKeys(keys: readonly NamedKey[], what: string): void {
  if (keys.length === 0) throw new TypeError(`${what}: at least one key is needed`);
  const ids = new Set<string>();
  for (const { id, key } of keys) {
    if (!KEY_ID.test(id)) throw new TypeError(`${what}: key id "${id}" must be 1-32 of A-Z a-z 0-9 _ -`);
    if (!(key instanceof Uint8Array) || key.length !== 32)
      throw new TypeError(`${what}: key ${id} must be 32 bytes`);
    if (ids.has(id)) throw new TypeError(`${what}: key id ${id} is listed twice`);
    ids.add(id);
  }
}

/**
 * Parses `id:base64url,id:base64url` (oldest first; the last one is used for new records).
 *
 * @throws TypeError naming the problem (never the key material).
 */
export function parseKeyList(text: string, what: string): NamedKey[] {
  const keys = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item) => {
      const colon = item.indexOf(":");
      if (colon < 1) throw new TypeError(`${what}: each key is written id:base64url`);
      return { id: item.slice(0, colon), key: Buffer.from(item.slice(colon + 1), "base64url") };
    });
  checkKeys(keys, what);
  return keys;
}

interface LoadedKey {
  readonly id: string;
  /** A KeyObject: OpenSSL sets the key up once, not on every record (three times faster). */
  readonly key: KeyObject;
}

const IV_POOL_SIZE = 1024;

/** Encrypts, decrypts and indexes NHS numbers with key rings for encryption and for the index. */
export class NhsNumberProtection {
  readonly #encryption: readonly LoadedKey[];
  readonly #index: readonly LoadedKey[];
  // Random IVs drawn a pool at a time: one call for random bytes per 1,024 records.
  readonly #ivs = Buffer.alloc(IV_BYTES * IV_POOL_SIZE);
  #ivsUsed = IV_POOL_SIZE;

  constructor(encryptionKeys: readonly NamedKey[], indexKeys: readonly NamedKey[]) {
    checkKeys(encryptionKeys, "encryption keys");
    checkKeys(indexKeys, "index keys");
    const load = (k: NamedKey): LoadedKey => ({ id: k.id, key: createSecretKey(k.key) });
    this.#encryption = encryptionKeys.map(load);
    this.#index = indexKeys.map(load);
  }

  #nextIv(): Buffer {
    if (this.#ivsUsed === IV_POOL_SIZE) {
      randomFillSync(this.#ivs);
      this.#ivsUsed = 0;
    }
    const at = IV_BYTES * this.#ivsUsed++;
    return Buffer.from(this.#ivs.subarray(at, at + IV_BYTES));
  }

  /** Encrypts and indexes `nhsNumber` (10 digits) for the record `recordId`. */
  protect(recordId: string, nhsNumber: string): ProtectedNhsNumber {
    if (!NHS_NUMBER.test(nhsNumber)) throw new TypeError("a protected NHS number must be 10 digits");
    return {
      ciphertext: this.seal(recordId, nhsNumber),
      index: this.#indexWith(this.#index.at(-1) as LoadedKey, nhsNumber),
    };
  }

  /**
   * Encrypts any text for the record `recordId` with the newest key, in the format `protect` uses:
   * for what carries a number but is no number itself (a PDS answer, a mistyped number).
   */
  seal(recordId: string, text: string): string {
    const { id, key } = this.#encryption.at(-1) as LoadedKey;
    const iv = this.#nextIv();
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(recordId, "utf8"));
    const sealed = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${id}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
  }

  /**
   * The NHS number (or text) in `ciphertext`, stored for the record `recordId`.
   *
   * @throws UnreadableNhsNumber if the key is unknown or the ciphertext or record id was altered.
   */
  reveal(recordId: string, ciphertext: string): string {
    const [keyId, iv, sealed, ...rest] = ciphertext.split(".");
    const key = this.#encryption.find((k) => k.id === keyId);
    if (key === undefined || iv === undefined || sealed === undefined || rest.length > 0) {
      throw new UnreadableNhsNumber(key === undefined ? `no key "${keyId}"` : "malformed");
    }
    const bytes = Buffer.from(sealed, "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(recordId, "utf8"));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString("utf8");
    } catch (error) {
      throw new UnreadableNhsNumber(error instanceof Error ? "authentication failed" : "malformed");
    }
  }

  /** Every index value `nhsNumber` may be stored under (one per index key), for search. */
  indexesOf(nhsNumber: string): string[] {
    return this.#index.map((key) => this.#indexWith(key, nhsNumber));
  }

  #indexWith(key: LoadedKey, nhsNumber: string): string {
    const mac = createHmac("sha256", key.key).update(INDEX_DOMAIN).update(nhsNumber).digest();
    return `${key.id}.${mac.subarray(0, INDEX_BYTES).toString("base64url")}`;
  }
}
