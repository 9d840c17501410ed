import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderConfigurationDoc } from "./config-docs.ts";
import { ConfigError, loadConfig, unsafeSwitchesOn } from "./load-config.ts";

const minimal = {
  CIS2_ISSUER:
    "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
  CIS2_CLIENT_ID: "969567331415.apps.national",
  PDS_BASE_URL: "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
  NCRS_LAUNCH_TEMPLATE: "https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe("configuration", () => {
  it("applies documented defaults and derives the public URL and database", () => {
    const config = loadConfig(minimal);
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.databaseUrl).toMatch(/^sqlite:.*data\/ncrs-connect\.db$/);
    expect(config.cis2Scopes).toContain("selectedrole");
    expect(config.secureCookies).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("trusted proxies: TRUST_PROXY takes false, a hop count or proxy addresses, and refuses true", () => {
    expect(loadConfig(minimal).trustProxy).toBe(false);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(
      loadConfig({ ...minimal, TRUST_PROXY: "10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback" }).trustProxy,
    ).toEqual(["10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8", "loopback"]);
    expect(problemsOf({ ...minimal, TRUST_PROXY: "true" })).toEqual([
      expect.stringMatching(/^TRUST_PROXY: .*any client/),
    ]);
    for (const bad of ["10.0.0.300", "10.0.0.0/33", "proxy.example", "0", ","])
      expect(problemsOf({ ...minimal, TRUST_PROXY: bad })).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
  });

  it("keeps the issuer exactly as given, explicit :443 included", () => {
    expect(loadConfig(minimal).cis2Issuer).toBe(minimal.CIS2_ISSUER);
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({
      PORT: "eighty",
      CIS2_CLIENT_ID: "",
      SESSION_SINGLE_PER_USER: "yes",
      DATABASE_URL: "mysql://x",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "CIS2_CLIENT_ID",
      "CIS2_ISSUER",
      "DATABASE_URL",
      "NCRS_LAUNCH_TEMPLATE",
      "PDS_BASE_URL",
      "PORT",
      "SESSION_SINGLE_PER_USER",
    ]);
  });

  it("refuses an http issuer unless the development switch is on, and then names the switch", () => {
    const local = {
      ...minimal,
      CIS2_ISSUER: "http://localhost:3101/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
    };
    expect(problemsOf(local)).toEqual([
      expect.stringMatching(/^CIS2_ISSUER: an http issuer needs DEV_ALLOW_HTTP=true/),
    ]);
    const config = loadConfig({ ...local, DEV_ALLOW_HTTP: "true", DEV_SIMULATED_SERVICES: "cis2" });
    expect(unsafeSwitchesOn(config)).toEqual(["DEV_ALLOW_HTTP=true", "DEV_SIMULATED_SERVICES=cis2"]);
  });

  it("requires a client secret only for client_secret_post", () => {
    expect(problemsOf({ ...minimal, CIS2_CLIENT_AUTH: "client_secret_post" })).toEqual([
      "CIS2_CLIENT_SECRET: required when CIS2_CLIENT_AUTH is client_secret_post",
    ]);
  });

  it("uses secure cookies when served over https", () => {
    expect(loadConfig({ ...minimal, PUBLIC_URL: "https://ncrs.example.nhs.uk/" })).toMatchObject({
      publicUrl: "https://ncrs.example.nhs.uk",
      secureCookies: true,
    });
  });

  it("parses the amr-to-authenticator table and rejects a malformed one", () => {
    expect(loadConfig(minimal).cis2AmrAuthenticators["N3_SMARTCARD"]).toBe("smartcard-identity-agent");
    expect(problemsOf({ ...minimal, CIS2_AMR_AUTHENTICATORS: "N3_SMARTCARD" })).toEqual([
      expect.stringMatching(/^CIS2_AMR_AUTHENTICATORS/),
    ]);
  });

  it("checks the NCRS launch template at start, naming what is wrong", () => {
    expect(
      problemsOf({ ...minimal, NCRS_LAUNCH_TEMPLATE: "http://ncrs.local/launch?n={nhsNumber}" }),
    ).toEqual([expect.stringMatching(/^NCRS_LAUNCH_TEMPLATE: must use https \(http:\/\/ncrs\.local\)/)]);
    expect(
      problemsOf({ ...minimal, NCRS_LAUNCH_TEMPLATE: "https://ncrs.example/launch?p={patient}" }),
    ).toEqual([expect.stringMatching(/^NCRS_LAUNCH_TEMPLATE: names \{patient\}/)]);
    expect(problemsOf({ ...minimal, NCRS_LAUNCH_TEMPLATE: "https://ncrs.example/launch" })).toEqual([
      "NCRS_LAUNCH_TEMPLATE: must contain {nhsNumber}",
    ]);
  });

  it("reads the registered API clients, and refuses malformed, http or duplicate ones", () => {
    const hash = "a".repeat(64);
    const client = (id: string, uri: string) => ({ id, secretSha256: hash, redirectUris: [uri] });
    const config = loadConfig({
      ...minimal,
      API_CLIENTS: JSON.stringify([client("riverside-epr", "https://epr.example/cb")]),
    });
    // Tokens may only launch unless the client is registered for more.
    expect(config.apiClients).toEqual([
      { ...client("riverside-epr", "https://epr.example/cb"), scopes: ["launch"] },
    ]);
    const signing = loadConfig({
      ...minimal,
      API_CLIENTS: JSON.stringify([
        {
          ...client("riverside-epr", "https://epr.example/cb"),
          scopes: ["launch", "patient-context"],
          jwksUri: "https://epr.example/jwks.json",
        },
      ]),
    });
    expect(signing.apiClients[0]).toMatchObject({
      scopes: ["launch", "patient-context"],
      jwksUri: "https://epr.example/jwks.json",
    });
    expect(
      problemsOf({
        ...minimal,
        API_CLIENTS: JSON.stringify([{ ...client("x", "https://a/"), jwksUri: "http://a/jwks.json" }]),
      }),
    ).toEqual([expect.stringMatching(/^API_CLIENTS: x's URI http:\/\/a\/jwks.json is http/)]);
    expect(
      problemsOf({
        ...minimal,
        API_CLIENTS: JSON.stringify([{ ...client("x", "https://a/"), scopes: ["all"] }]),
      }),
    ).toEqual([expect.stringMatching(/^API_CLIENTS: /)]);
    expect(loadConfig(minimal).apiClients).toEqual([]);
    expect(problemsOf({ ...minimal, API_CLIENTS: "riverside-epr" })).toEqual([
      expect.stringMatching(/^API_CLIENTS: must be JSON/),
    ]);
    expect(
      problemsOf({
        ...minimal,
        API_CLIENTS: JSON.stringify([{ ...client("x", "https://a/"), secretSha256: "s" }]),
      }),
    ).toEqual([expect.stringMatching(/^API_CLIENTS: .*64 hex digits/)]);
    expect(
      problemsOf({ ...minimal, API_CLIENTS: JSON.stringify([client("x", "http://epr.example/cb")]) }),
    ).toEqual([expect.stringMatching(/^API_CLIENTS: x's URI http:\/\/epr.example\/cb is http/)]);
    expect(
      problemsOf({
        ...minimal,
        API_CLIENTS: JSON.stringify([client("x", "https://a/"), client("x", "https://b/")]),
      }),
    ).toEqual(["API_CLIENTS: two clients have the same id"]);
  });

  it("reads the change-event settings with the events domain's defaults", () => {
    const config = loadConfig(minimal);
    expect(config.mnsSigningSecrets).toBeUndefined();
    expect(config.eventsAcceptedTypes).toContain("pds-death-notification-2");
    expect(config.eventsMaxAttempts).toBe(10);
    const secrets = loadConfig({
      ...minimal,
      MNS_SIGNING_SECRETS: "first-secret-0123456789, second-secret-0123456789",
    });
    expect(secrets.mnsSigningSecrets).toEqual(["first-secret-0123456789", "second-secret-0123456789"]);
    expect(problemsOf({ ...minimal, MNS_SIGNING_SECRETS: "short" })).toEqual([
      expect.stringMatching(/^MNS_SIGNING_SECRETS: each secret must be at least 16 characters/),
    ]);
    expect(problemsOf({ ...minimal, EVENTS_NOTIFY_CHANGES: "deceased,gp_changed" })).toEqual([
      expect.stringMatching(/^EVENTS_NOTIFY_CHANGES/),
    ]);
  });

  it("keeps docs/configuration.md in step with the settings table (npm run docs:config)", () => {
    const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    expect(doc).toBe(renderConfigurationDoc());
  });
});
