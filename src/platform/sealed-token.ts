/**
 * Small values sealed for a round trip through the browser (AES-256-GCM): what a user typed can
 * travel in an address without being readable there, in browser history or in a proxy's log. A
 * token is bound to one purpose and one holder (e.g. the session) and expires, so it is useless
 * anywhere else. The key is derived from the service's own secret; nothing is stored.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedTokens {
  readonly #key: Buffer;
  readonly #purpose: string;

  /** `secret` is the service's secret; `purpose` separates keys (and tokens) of different uses. */
  constructor(secret: string, purpose: string) {
    this.#key = Buffer.from(hkdfSync("sha256", secret, "", `ncrs-sealed-token\n${purpose}`, 32));
    this.#purpose = purpose;
  }

  /** Seals `value` for `holder` until `expiresAt`; the token is base64url. */
  seal(value: string, holder: string, expiresAt: Date): string {
    const iv = randomFillSync(Buffer.alloc(IV_BYTES));
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.#aad(holder));
    const plain = JSON.stringify({ v: value, e: expiresAt.getTime() });
    const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([iv, sealed]).toString("base64url");
  }

  /** The value sealed for `holder`, or undefined when the token is altered, another's, or expired. */
  open(token: string, holder: string, now: Date): string | undefined {
    const bytes = Buffer.from(token, "base64url");
    if (bytes.length < IV_BYTES + TAG_BYTES + 2) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(this.#aad(holder));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
      const { v, e } = JSON.parse(plain) as { v: unknown; e: unknown };
      return typeof v === "string" && typeof e === "number" && e > now.getTime() ? v : undefined;
    } catch {
      return undefined;
    }
  }

  #aad(holder: string): Buffer {
    return Buffer.from(`${this.#purpose}\n${holder}`, "utf8");
  }
}
