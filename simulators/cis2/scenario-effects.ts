/**
 * What each ID-token scenario changes. Pure: takes the claims the provider issued and returns the
 * faulty claims; the caller re-signs them (with the foreign key for bad-signature).
 */
import { randomUUID } from "node:crypto";
import type { ScenarioId } from "./scenarios.ts";

const HOUR = 3600;

/** The issuer as a port-stripping library would rewrite it (the classic CIS2 `:443` mistake). */
export function portlessIssuer(issuer: string): string {
  const url = new URL(issuer);
  return `${url.protocol}//${url.hostname}${url.pathname}`;
}

type Claims = Record<string, unknown>;
const OTHER_CLIENT = "999999999999.apps.national";

/** Each ID-token scenario's one change, applied to a copy of the issued claims. */
const EFFECTS: Partial<Record<ScenarioId, (claims: Claims, now: number) => void>> = {
  "wrong-iss": (c) => {
    c["iss"] = portlessIssuer(String(c["iss"]));
  },
  "wrong-aud": (c) => {
    c["aud"] = OTHER_CLIENT;
  },
  "wrong-azp": (c) => {
    c["azp"] = OTHER_CLIENT;
  },
  "expired-id-token": (c, now) => {
    c["iat"] = now - 2 * HOUR;
    c["exp"] = now - HOUR;
    c["auth_time"] = Math.min(Number(c["auth_time"] ?? now), now - 2 * HOUR);
  },
  "missing-sid": (c) => {
    delete c["sid"];
  },
  "stale-auth-time": (c, now) => {
    c["auth_time"] = now - HOUR;
  },
  "lower-acr": (c) => {
    c["acr"] = "AAL2_ANY";
    c["authentication_assurance_level"] = 2;
  },
  "wrong-nonce": (c) => {
    c["nonce"] = randomUUID();
  },
  "low-id-assurance": (c) => {
    c["id_assurance_level"] = 2;
  },
};

/** Returns a copy of `claims` with the scenario's one fault applied (unchanged for other scenarios). */
export function tamperIdTokenClaims(claims: Readonly<Claims>, scenario: ScenarioId, now: number): Claims {
  const out: Claims = { ...claims };
  EFFECTS[scenario]?.(out, now);
  return out;
}
