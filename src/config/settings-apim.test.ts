import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load-config.ts";
import { pdsAuthMode } from "./settings-apim.ts";

const minimal = {
  CIS2_ISSUER:
    "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
  CIS2_CLIENT_ID: "969567331415.apps.national",
  PDS_BASE_URL: "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
  NCRS_LAUNCH_TEMPLATE: "https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}",
};
const PLATFORM = { APIM_TOKEN_URL: "https://int.api.service.nhs.uk/oauth2/token", APIM_API_KEY: "key-123" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe("PDS_AUTH and the NHS API platform settings", () => {
  it("unset, PDS_AUTH is static with PDS_ACCESS_TOKEN and none without it", () => {
    expect(pdsAuthMode(loadConfig(minimal))).toBe("none");
    expect(pdsAuthMode(loadConfig({ ...minimal, PDS_ACCESS_TOKEN: "abc" }))).toBe("static");
    expect(pdsAuthMode(loadConfig({ ...minimal, PDS_AUTH: "application", ...PLATFORM }))).toBe("application");
  });

  it("the configuration is refused at start when PDS_AUTH needs settings that are missing", () => {
    expect(problemsOf({ ...minimal, PDS_AUTH: "application" })).toEqual([
      "APIM_TOKEN_URL: required when PDS_AUTH is application",
      "APIM_API_KEY: required when PDS_AUTH is application",
    ]);
    expect(problemsOf({ ...minimal, PDS_AUTH: "static" })).toEqual([
      "PDS_ACCESS_TOKEN: required when PDS_AUTH is static",
    ]);
    // User-restricted access needs the platform too: the service's own reads go as the application.
    expect(problemsOf({ ...minimal, PDS_AUTH: "user" })).toEqual([
      "APIM_TOKEN_URL: required when PDS_AUTH is user",
      "APIM_API_KEY: required when PDS_AUTH is user",
    ]);
    expect(problemsOf({ ...minimal, PDS_AUTH: "user", ...PLATFORM })).toEqual([]);
    expect(
      problemsOf({ ...minimal, PDS_AUTH: "application", ...PLATFORM, APIM_PRIVATE_KEY_PATH: "/k.pem" }),
    ).toEqual(["APIM_KEY_ID: required with APIM_PRIVATE_KEY_PATH"]);
    expect(
      problemsOf({
        ...minimal,
        PDS_AUTH: "application",
        ...PLATFORM,
        APIM_TOKEN_URL: "http://localhost/oauth2/token",
      }),
    ).toEqual(["APIM_TOKEN_URL: an http URL needs DEV_ALLOW_HTTP=true (local simulator only)"]);
    expect(
      problemsOf({ ...minimal, PDS_AUTH: "application", ...PLATFORM, APIM_ASSERTION_SECONDS: "301" }),
    ).toHaveLength(1);
  });
});
