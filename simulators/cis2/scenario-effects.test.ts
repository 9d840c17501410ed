import { describe, expect, it } from "vitest";
import { portlessIssuer, tamperIdTokenClaims } from "./scenario-effects.ts";

const issuer = "http://localhost:3101/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";
const now = 1_800_000_000;
const claims = {
  iss: issuer,
  aud: "111.apps.national",
  azp: "111.apps.national",
  sid: "abc",
  iat: now,
  exp: now + 300,
  auth_time: now - 5,
  acr: "AAL3_ANY",
  authentication_assurance_level: 3,
  id_assurance_level: 3,
  nonce: "n",
};

describe("ID token faults", () => {
  it("strips the port from the issuer for wrong-iss", () => {
    expect(portlessIssuer(issuer)).toBe(
      "http://localhost/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
    );
    expect(tamperIdTokenClaims(claims, "wrong-iss", now)["iss"]).not.toBe(issuer);
  });

  it("changes exactly the claim each scenario names", () => {
    const changed = (scenario: Parameters<typeof tamperIdTokenClaims>[1]) => {
      const out = tamperIdTokenClaims(claims, scenario, now);
      const keys = new Set([...Object.keys(claims), ...Object.keys(out)]);
      return [...keys].filter(
        (k) => JSON.stringify(out[k]) !== JSON.stringify((claims as Record<string, unknown>)[k]),
      );
    };
    expect(changed("wrong-aud")).toEqual(["aud"]);
    expect(changed("wrong-azp")).toEqual(["azp"]);
    expect(changed("missing-sid")).toEqual(["sid"]);
    expect(changed("stale-auth-time")).toEqual(["auth_time"]);
    expect(changed("lower-acr")).toEqual(["acr", "authentication_assurance_level"]);
    expect(changed("wrong-nonce")).toEqual(["nonce"]);
    expect(changed("low-id-assurance")).toEqual(["id_assurance_level"]);
    expect(changed("bad-signature")).toEqual([]);
  });

  it("puts iat and exp in the past for expired-id-token", () => {
    const out = tamperIdTokenClaims(claims, "expired-id-token", now);
    expect(Number(out["exp"])).toBeLessThan(now);
    expect(Number(out["iat"])).toBeLessThan(Number(out["exp"]));
    expect(Number(out["auth_time"])).toBeLessThanOrEqual(Number(out["iat"]));
  });
});
