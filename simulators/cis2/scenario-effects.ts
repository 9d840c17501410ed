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

/** Returns a copy of `claims` with the scenario's one fault applied. */
export function tamperIdTokenClaims(
  claims: Readonly<Record<string, unknown>>,
  scenario: ScenarioId,
  now: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...claims };
  switch (scenario) {
    case "wrong-iss":
      out["iss"] = portlessIssuer(String(claims["iss"]));
      break;
    case "wrong-aud":
      out["aud"] = "999999999999.apps.national";
      break;
    case "wrong-azp":
      out["azp"] = "999999999999.apps.national";
      break;
    case "expired-id-token":
      out["iat"] = now - 2 * HOUR;
      out["exp"] = now - HOUR;
      out["auth_time"] = Math.min(Number(claims["auth_time"] ?? now), now - 2 * HOUR);
      break;
    case "missing-sid":
      delete out["sid"];
      break;
    case "stale-auth-time":
      out["auth_time"] = now - HOUR;
      break;
    case "lower-acr":
      out["acr"] = "AAL2_ANY";
      out["authentication_assurance_level"] = 2;
      break;
    case "wrong-nonce":
      out["nonce"] = randomUUID();
      break;
    case "low-id-assurance":
      out["id_assurance_level"] = 2;
      break;
    default:
      break;
  }
  return out;
}
