/**
 * Keys we generate ourselves and keep under DATA_DIR (git-ignored, mode 0600): the CIS2
 * client-assertion signing key, the audit checkpoint key, and the encryption key systems encrypt
 * their signed context launches to. Each store's keys are for one `use` ("sig" or "enc"), said in
 * the JWKS we publish, so a relying party never takes an encryption key for a signing key. Rotation is three steps so relying parties never see a
 * signature from a key they have not been able to fetch:
 *   stage    — a new key is published (JWKS) but not used;
 *   activate — the staged key signs; the old one stays published as "previous";
 *   retire   — the previous key is withdrawn.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";

export type KeyStatus = "staged" | "active" | "previous";
export type KeyUse = "sig" | "enc";

interface StoredKey {
  readonly kid: string;
  readonly alg: string;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
}

const RELOAD_CHECK_MS = 2000;
/** RSA keys unless a store asks for more (the NHS API platform's keys are 4096 bits). */
export const DEFAULT_RSA_BITS = 2048;

export class KeyStore {
  readonly #path: string;
  readonly #alg: string;
  readonly #use: KeyUse;
  readonly #rsaBits: number;
  #keys: StoredKey[] = [];
  #loadedMtimeMs = 0;
  #checkedAt = 0;
  #signing: { kid: string; key: Promise<SigningKey> } | undefined;

  private constructor(path: string, alg: string, use: KeyUse, rsaBits: number) {
    this.#path = path;
    this.#alg = alg;
    this.#use = use;
    this.#rsaBits = rsaBits;
  }

  /**
   * Opens `<dir>/<name>.json`, creating it with one active key on first use. `rsaBits` is the
   * modulus length of RSA keys it generates from now on (keys already in the file keep theirs).
   */
  static async open(
    dir: string,
    name: string,
    alg: string,
    use: KeyUse = "sig",
    rsaBits = DEFAULT_RSA_BITS,
  ): Promise<KeyStore> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const store = new KeyStore(join(dir, `${name}.json`), alg, use, rsaBits);
    if (existsSync(store.#path)) store.#load();
    if (!store.#keys.some((k) => k.status === "active")) {
      store.#keys = [...store.#keys, await store.#generate("active")];
      store.#save();
    }
    return store;
  }

  /** The key to sign with now. */
  async signingKey(): Promise<SigningKey> {
    this.#reloadIfChanged();
    const active = this.#keys.find((k) => k.status === "active");
    if (!active) throw new Error(`No active key in ${this.#path}`);
    if (this.#signing?.kid !== active.kid) {
      const key = importJWK(active.privateJwk, active.alg).then((k) => ({
        kid: active.kid,
        alg: active.alg,
        privateKey: k as CryptoKey,
      }));
      this.#signing = { kid: active.kid, key };
    }
    return this.#signing.key;
  }

  /** Public keys to publish: staged, active and previous. */
  publicJwks(): { keys: JWK[] } {
    this.#reloadIfChanged();
    return { keys: this.#keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: this.#use })) };
  }

  /**
   * The private key published under `kid` (staged, active or previous), for decrypting what was
   * encrypted to it: a sender may still hold the key we are rotating away from.
   */
  async privateKey(kid: string): Promise<CryptoKey | undefined> {
    this.#reloadIfChanged();
    const key = this.#keys.find((k) => k.kid === kid);
    return key ? ((await importJWK(key.privateJwk, key.alg)) as CryptoKey) : undefined;
  }

  list(): ReadonlyArray<{ kid: string; alg: string; status: KeyStatus; createdAt: string }> {
    this.#reloadIfChanged();
    return this.#keys.map(({ kid, alg, status, createdAt }) => ({ kid, alg, status, createdAt }));
  }

  async stage(): Promise<string> {
    if (this.#keys.some((k) => k.status === "staged"))
      throw new Error("A key is already staged; activate it first");
    const key = await this.#generate("staged");
    this.#keys = [...this.#keys, key];
    this.#save();
    return key.kid;
  }

  activate(): string {
    const staged = this.#keys.find((k) => k.status === "staged");
    if (!staged)
      throw new Error("No staged key: run `keys stage` first and wait for relying parties to fetch it");
    if (this.#keys.some((k) => k.status === "previous")) throw new Error("Retire the previous key first");
    this.#keys = this.#keys.map((k) => ({
      ...k,
      status: k.status === "staged" ? "active" : k.status === "active" ? "previous" : k.status,
    }));
    this.#save();
    return staged.kid;
  }

  retire(): string {
    const previous = this.#keys.find((k) => k.status === "previous");
    if (!previous) throw new Error("No previous key to retire");
    this.#keys = this.#keys.filter((k) => k !== previous);
    this.#save();
    return previous.kid;
  }

  async #generate(status: KeyStatus): Promise<StoredKey> {
    const { privateKey, publicKey } = await generateKeyPair(this.#alg, {
      extractable: true,
      modulusLength: this.#rsaBits,
    });
    const publicJwk = await exportJWK(publicKey);
    const kid = (await calculateJwkThumbprint(publicJwk)) || randomUUID();
    return {
      kid,
      alg: this.#alg,
      status,
      createdAt: new Date().toISOString(),
      privateJwk: await exportJWK(privateKey),
      publicJwk,
    };
  }

  #load(): void {
    this.#keys = (JSON.parse(readFileSync(this.#path, "utf8")) as { keys: StoredKey[] }).keys;
    this.#loadedMtimeMs = statSync(this.#path).mtimeMs;
  }

  #save(): void {
    const temporary = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ keys: this.#keys }, null, 2), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.#path);
    this.#loadedMtimeMs = statSync(this.#path).mtimeMs;
  }

  /** Another process (the `keys` CLI) may rotate keys while we run. */
  #reloadIfChanged(): void {
    const now = Date.now();
    if (now - this.#checkedAt < RELOAD_CHECK_MS) return;
    this.#checkedAt = now;
    if (existsSync(this.#path) && statSync(this.#path).mtimeMs !== this.#loadedMtimeMs) this.#load();
  }
}

/** A random secret kept in a file under DATA_DIR, created on first use. */
export function fileSecret(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  try {
    writeFileSync(path, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(path, "utf8").trim();
}
