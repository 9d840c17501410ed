import { createPublicKey } from "node:crypto";
import { decodeProtectedHeader, importPKCS8, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signClientAssertion } from "./client-assertion.ts";
import { FIXED_PRIVATE_KEY_PEM } from "./fixed-key.test-support.ts";

const TOKEN_URL = "https://int.api.service.nhs.uk/oauth2/token";
const NOW = new Date("2026-03-01T10:00:00.000Z");
/** The assertion for the inputs below, signed once with the fixed key and kept. */
const KNOWN_JWT = [
  "eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCIsImtpZCI6InRlc3Qta2lkLTEifQ.eyJpc3MiOiJhcGkta2V5LTEyMyI",
  "sInN1YiI6ImFwaS1rZXktMTIzIiwiYXVkIjoiaHR0cHM6Ly9pbnQuYXBpLnNlcnZpY2UubmhzLnVrL29hdXRoMi90b",
  "2tlbiIsImp0aSI6IjZmMWM0ZTJhLTNiNWQtNGM3ZS05ZjBhLTFiMmMzZDRlNWY2MCIsImV4cCI6MTc3MjM1OTI2MH0",
  ".G3_IngDSXmJKJqdJvDLC5tzdD9Ee4vw2OYWhMtNorJ9Z77SMEbQycSmt9YD_ynIucHoNR3mpkMUWGwtGQlwhISWIX",
  "pF8ip1-SCE4-XDkQ4PpJDDPp0191OOHIUCHKHe_cM21eTkk3muubZ14m6cLJsNcNuZ0qCoGNFYHXL-cnElwGYAcUqk",
  "WxeiIpILYsg3RZYIbsvWVtQ6LPn6fwGkuhS7g1N-Z2aen5_dtKg-pfsrnk0CeqgF6ui3RJo5jnotfFDQTd7yM9Gywz",
  "zvtSS-yTxzT4qn6dkTGrqJOwM9nPmaRUQC_jtfC-y78CGsRGUmEE6_aNZkwycwJac02HfmXaQ",
].join("");

async function fixedAssertion(lifetimeSeconds = 60): Promise<string> {
  const privateKey = await importPKCS8(FIXED_PRIVATE_KEY_PEM, "RS512");
  return signClientAssertion({
    key: { kid: "test-kid-1", alg: "RS512", privateKey },
    apiKey: "api-key-123",
    tokenUrl: TOKEN_URL,
    jti: "6f1c4e2a-3b5d-4c7e-9f0a-1b2c3d4e5f60",
    now: NOW,
    lifetimeSeconds,
  });
}

describe("the client assertion for the NHS API platform", () => {
  it("a known key, jti and time give a known header and claims, verified with the public key", async () => {
    const jwt = await fixedAssertion();
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "RS512", typ: "JWT", kid: "test-kid-1" });
    const publicKey = createPublicKey(FIXED_PRIVATE_KEY_PEM);
    const { payload } = await jwtVerify(jwt, publicKey, {
      algorithms: ["RS512"],
      currentDate: NOW,
      audience: TOKEN_URL,
    });
    expect(payload).toEqual({
      iss: "api-key-123",
      sub: "api-key-123",
      aud: TOKEN_URL,
      jti: "6f1c4e2a-3b5d-4c7e-9f0a-1b2c3d4e5f60",
      exp: NOW.getTime() / 1000 + 60,
    });
  });

  it("is the known JWT for the known inputs (RS512 signatures are deterministic)", async () => {
    expect(await fixedAssertion()).toBe(KNOWN_JWT);
    expect(await fixedAssertion(61)).not.toBe(await fixedAssertion());
  });

  it("refuses a lifetime over five minutes and a key for another algorithm", async () => {
    await expect(fixedAssertion(301)).rejects.toThrow(RangeError);
    const privateKey = await importPKCS8(FIXED_PRIVATE_KEY_PEM, "RS256");
    await expect(
      signClientAssertion({
        key: { kid: "k", alg: "RS256", privateKey },
        apiKey: "a",
        tokenUrl: TOKEN_URL,
        jti: "j",
        now: NOW,
        lifetimeSeconds: 60,
      }),
    ).rejects.toThrow(/not RS512/);
  });
});
