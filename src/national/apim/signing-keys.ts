/**
 * The key this service signs its client assertions to the NHS API platform with: generated under
 * DATA_DIR (its own key store, `apim-client`, published at /.well-known/jwks.json and rotated with
 * `npm run cli -- keys … apim-client`), or an RSA private key from a PEM file with the `kid` it
 * was registered under (when the JWKS is hosted elsewhere, e.g. by NHS England).
 */
import { readFileSync } from "node:fs";
import { importPKCS8 } from "jose";
import { KeyStore, type SigningKey } from "../../platform/key-store.ts";
import { ASSERTION_ALG } from "./client-assertion.ts";

export const PLATFORM_KEY_STORE = "apim-client";

export interface PlatformSigningKeys {
  readonly signingKey: () => Promise<SigningKey>;
  /** The store to publish in our JWKS; null when the key comes from a file. */
  readonly published: KeyStore | null;
}

export async function openPlatformSigningKeys(options: {
  readonly keysDir: string;
  /** The modulus length of keys generated in the store (APIM_KEY_BITS). */
  readonly keyBits: number;
  readonly privateKeyPath?: string | undefined;
  readonly keyId?: string | undefined;
}): Promise<PlatformSigningKeys> {
  if (options.privateKeyPath === undefined) {
    const store = await KeyStore.open(
      options.keysDir,
      PLATFORM_KEY_STORE,
      ASSERTION_ALG,
      "sig",
      options.keyBits,
    );
    return { signingKey: () => store.signingKey(), published: store };
  }
  if (options.keyId === undefined) throw new Error("APIM_KEY_ID: required with APIM_PRIVATE_KEY_PATH");
  const key = await readPrivateKey(options.privateKeyPath);
  const signing: SigningKey = { kid: options.keyId, alg: ASSERTION_ALG, privateKey: key };
  return { signingKey: () => Promise.resolve(signing), published: null };
}

async function readPrivateKey(path: string): Promise<CryptoKey> {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`APIM_PRIVATE_KEY_PATH: cannot read ${path}`, { cause: error });
  }
  try {
    return await importPKCS8(pem, ASSERTION_ALG);
  } catch (error) {
    throw new Error(`APIM_PRIVATE_KEY_PATH: ${path} is not an RSA private key in PKCS#8 PEM`, {
      cause: error,
    });
  }
}
