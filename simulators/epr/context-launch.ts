/**
 * The signed context launch, as a desktop system makes it: a short-lived JWT signed with the EPR's
 * ES256 key (RFC 7523-style claims) naming the patient, the user the EPR thinks is signed in and
 * the window. A form POST carries it as is; a URL (all a desktop system can open) carries it
 * encrypted to NCRS Connect's published encryption key, since the NHS number inside must never be
 * readable in an address.
 */
import { randomUUID } from "node:crypto";
import { CompactEncrypt, importJWK, type JWK, SignJWT } from "jose";
import type { EprKit } from "./epr-kit.ts";
import { callNcrs, isObject } from "./ncrs-client.ts";
import { type EprPatient, fhirPatient } from "./patients.ts";

export const LAUNCH_PATH = "/context-launch";
export const LIFETIME_SECONDS = 120;

export interface LaunchContext {
  patient: EprPatient;
  userHint: string;
  windowId: string;
  encounter?: string;
}

export function launchAudience(kit: EprKit): string {
  return `${kit.ncrsConnectUrl}${LAUNCH_PATH}`;
}

export async function signLaunchToken(
  kit: EprKit,
  context: LaunchContext,
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({
    patient: fhirPatient(context.patient),
    user_hint: context.userHint,
    window_id: context.windowId,
    ...(context.encounter ? { encounter: { reference: context.encounter } } : {}),
  })
    .setProtectedHeader({ alg: "ES256", kid: kit.key.kid, typ: "JWT" })
    .setIssuer(kit.clientId)
    .setAudience(launchAudience(kit))
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(kit.key.privateKey);
}

const KEY_ALGS: Record<string, string> = { EC: "ECDH-ES+A256KW", RSA: "RSA-OAEP-256" };

/** NCRS Connect's encryption key, or why there is none. */
export async function encryptionKey(kit: EprKit): Promise<{ jwk: JWK; alg: string } | { reason: string }> {
  const answer = await callNcrs(kit, { method: "GET", path: "/.well-known/jwks.json" });
  if (answer.status !== 200 || !isObject(answer.body) || !Array.isArray(answer.body["keys"]))
    return { reason: `NCRS Connect's /.well-known/jwks.json answered ${answer.status || "nothing"}` };
  const keys = answer.body["keys"].filter(isObject) as JWK[];
  const jwk = keys.find((key) => key.use === "enc" && typeof key.kty === "string" && key.kty in KEY_ALGS);
  if (!jwk) return { reason: 'NCRS Connect publishes no encryption key ("use":"enc", EC or RSA)' };
  const wanted = KEY_ALGS[jwk.kty as string] as string;
  // A key that names its algorithm is used with that one only (RFC 7517 §4.4).
  if (jwk.alg && jwk.alg !== wanted)
    return { reason: `NCRS Connect's encryption key is for ${jwk.alg}, which the EPR does not speak` };
  return { jwk, alg: jwk.alg ?? wanted };
}

/** The signed token as a compact JWE (nested JWT, `cty` "JWT") for NCRS Connect's key. */
export async function encryptLaunchToken(signed: string, key: { jwk: JWK; alg: string }): Promise<string> {
  const publicKey = await importJWK(key.jwk, key.alg);
  return new CompactEncrypt(new TextEncoder().encode(signed))
    .setProtectedHeader({
      alg: key.alg,
      enc: "A256GCM",
      cty: "JWT",
      ...(key.jwk.kid ? { kid: key.jwk.kid } : {}),
    })
    .encrypt(publicKey);
}

/** The "Desktop link (URL)": a GET of the launch with the encrypted token, or why it cannot be made. */
export async function desktopUrl(
  kit: EprKit,
  context: LaunchContext,
): Promise<{ href: string } | { reason: string }> {
  const key = await encryptionKey(kit);
  if ("reason" in key) return key;
  try {
    const signed = await signLaunchToken(kit, context);
    kit.calls.issued(signed, "url", context.patient.mrn);
    const jwe = await encryptLaunchToken(signed, key);
    return { href: `${launchAudience(kit)}?launch_token=${jwe}` };
  } catch (error) {
    return { reason: `the token could not be encrypted to NCRS Connect's key: ${String(error)}` };
  }
}
