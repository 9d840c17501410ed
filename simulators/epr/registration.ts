/**
 * What NCRS Connect needs to know of the EPR, as one entry of its API_CLIENTS setting: the client
 * id, the SHA-256 of its secret (never the secret), where its OAuth callback is, where its
 * signing keys are published, and the scopes it may ask for.
 */
import { createHash, randomBytes } from "node:crypto";
import { CALLBACK_PATH } from "./oauth-client.ts";
import type { SmartAppRegistration } from "./smart/registrations.ts";

export const EPR_SCOPES = ["patient-context", "launch"] as const;
export const JWKS_PATH = "/.well-known/jwks.json";

export interface ApiClientRegistration {
  id: string;
  secretSha256: string;
  redirectUris: string[];
  jwksUri: string;
  scopes: string[];
}

export function registrationFor(epr: {
  origin: string;
  clientId: string;
  clientSecret: string;
}): ApiClientRegistration {
  return {
    id: epr.clientId,
    secretSha256: createHash("sha256").update(epr.clientSecret).digest("hex"),
    redirectUris: [`${epr.origin}${CALLBACK_PATH}`],
    jwksUri: `${epr.origin}${JWKS_PATH}`,
    scopes: [...EPR_SCOPES],
  };
}

/** A client secret for one run: random, so none is ever written down. */
export function newClientSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** API_CLIENTS with this EPR added (replacing an entry of the same id), from any given JSON. */
export function mergeApiClients(existing: string | undefined, entry: ApiClientRegistration): string {
  const parsed: unknown = existing?.trim() ? JSON.parse(existing) : [];
  if (!Array.isArray(parsed)) throw new Error("API_CLIENTS must be a JSON array");
  const others = parsed.filter(
    (c: unknown) => !(typeof c === "object" && c !== null && (c as { id?: unknown }).id === entry.id),
  );
  return JSON.stringify([...others, entry]);
}

/** What NCRS Connect's SMART_EHRS needs to let this EPR launch it as a SMART app. */
export interface SmartEhrEntry {
  id: string;
  name: string;
  iss: string;
  clientId: string;
  clientAuth: "private_key_jwt" | "client_secret_basic";
  clientSecret?: string;
  encounter: boolean;
  fhirUserMatch: "identifier";
}

export function smartEhrEntry(epr: {
  smart: { iss: string; apps: readonly SmartAppRegistration[] };
}): SmartEhrEntry {
  const app = epr.smart.apps[0];
  if (!app) throw new Error("the EPR has no SMART app registered");
  return {
    id: "riverside-epr",
    name: "Riverside EPR (simulated)",
    iss: epr.smart.iss,
    clientId: app.clientId,
    ...(app.auth.method === "client_secret_basic"
      ? { clientAuth: "client_secret_basic" as const, clientSecret: app.auth.secret }
      : { clientAuth: "private_key_jwt" as const }),
    encounter: true,
    // Its Practitioner carries the user's SDS user id: the shared-workstation check works.
    fhirUserMatch: "identifier",
  };
}

/** SMART_EHRS with this EPR added (replacing an entry of the same id), from any given JSON. */
export function mergeSmartEhrs(existing: string | undefined, entry: SmartEhrEntry): string {
  const parsed: unknown = existing?.trim() ? JSON.parse(existing) : [];
  if (!Array.isArray(parsed)) throw new Error("SMART_EHRS must be a JSON array");
  const others = parsed.filter(
    (e: unknown) => !(typeof e === "object" && e !== null && (e as { id?: unknown }).id === entry.id),
  );
  return JSON.stringify([...others, entry]);
}
