import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load-config.ts";
import { openPlatformSigningKeys } from "./signing-keys.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The modulus length in bits of a published RSA key. */
function bitsOf(n: string | undefined): number {
  return Buffer.from(n ?? "", "base64url").length * 8;
}

describe("the API platform signing key", () => {
  it("is generated at 4096 bits unless APIM_KEY_BITS says otherwise", async () => {
    const config = loadConfig({
      CIS2_ISSUER: "https://cis2.example.nhs.uk/realms/Healthcare",
      CIS2_CLIENT_ID: "969567331415.apps.national",
      PDS_BASE_URL: "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
      NCRS_LAUNCH_TEMPLATE: "https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}",
    });
    expect(config.apimKeyBits).toBe(4096);
    const keysDir = mkdtempSync(join(tmpdir(), "apim-keys-"));
    dirs.push(keysDir);
    const keys = await openPlatformSigningKeys({ keysDir, keyBits: config.apimKeyBits });
    const [published] = keys.published?.publicJwks().keys ?? [];
    expect(published?.kty).toBe("RSA");
    expect(bitsOf(published?.n)).toBe(4096);
    expect((await keys.signingKey()).alg).toBe("RS512");
  });

  it("a smaller size applies to new keys only: a rotation stages a key of the size now set", async () => {
    const keysDir = mkdtempSync(join(tmpdir(), "apim-keys-"));
    dirs.push(keysDir);
    const first = await openPlatformSigningKeys({ keysDir, keyBits: 2048 });
    const [old] = first.published?.publicJwks().keys ?? [];
    expect(bitsOf(old?.n)).toBe(2048);
    const reopened = await openPlatformSigningKeys({ keysDir, keyBits: 3072 });
    await reopened.published?.stage();
    const sizes = (reopened.published?.publicJwks().keys ?? []).map((k) => bitsOf(k.n)).sort();
    expect(sizes).toEqual([2048, 3072]);
  });

  it("APIM_KEY_BITS takes only the sizes the platform accepts", () => {
    expect(() =>
      loadConfig({
        CIS2_ISSUER: "https://cis2.example.nhs.uk/realms/Healthcare",
        CIS2_CLIENT_ID: "969567331415.apps.national",
        PDS_BASE_URL: "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
        NCRS_LAUNCH_TEMPLATE: "https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}",
        APIM_KEY_BITS: "1024",
      }),
    ).toThrow(/APIM_KEY_BITS/);
  });
});
