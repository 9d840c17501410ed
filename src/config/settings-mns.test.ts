import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load-config.ts";

const minimal = {
  CIS2_ISSUER:
    "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
  CIS2_CLIENT_ID: "969567331415.apps.national",
  PDS_BASE_URL: "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4",
  NCRS_LAUNCH_TEMPLATE: "https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}",
};
const MNS = "https://int.api.service.nhs.uk/multicast-notification-service";
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

describe("MNS subscription and doctor settings", () => {
  it("refuses MNS_API_BASE_URL at start without the API platform settings MNS's access needs, or over http", () => {
    expect(problemsOf({ ...minimal, MNS_API_BASE_URL: MNS })).toEqual([
      "APIM_TOKEN_URL: required with MNS_API_BASE_URL",
      "APIM_API_KEY: required with MNS_API_BASE_URL",
    ]);
    expect(problemsOf({ ...minimal, ...PLATFORM, MNS_API_BASE_URL: "http://mns.example" })).toEqual([
      "MNS_API_BASE_URL: an http URL needs DEV_ALLOW_HTTP=true (local simulator only)",
    ]);
  });

  it("upper-cases the mailbox id, refuses one MNS's endpoint pattern cannot carry, and keeps the workflow's default", () => {
    const config = loadConfig({
      ...minimal,
      ...PLATFORM,
      MNS_API_BASE_URL: `${MNS}/`,
      MNS_SUBSCRIPTION_MAILBOX_ID: "x26abc1",
    });
    expect(config.mnsApiBaseUrl).toBe(MNS);
    expect(config.mnsSubscriptionMailboxId).toBe("X26ABC1");
    expect(config.mnsSubscriptionWorkflowId).toBe("NCRS_CONNECT_MNS");
    expect(problemsOf({ ...minimal, MNS_SUBSCRIPTION_MAILBOX_ID: "X26 ABC1" })[0]).toMatch(
      /^MNS_SUBSCRIPTION_MAILBOX_ID:/,
    );
    expect(problemsOf({ ...minimal, MNS_SUBSCRIPTION_WORKFLOW_ID: "a?b" })[0]).toMatch(
      /^MNS_SUBSCRIPTION_WORKFLOW_ID:/,
    );
  });

  it("reads DOCTOR_AT_START (auto by default) and refuses a test patient that is not ten digits", () => {
    expect(loadConfig(minimal).doctorAtStart).toBe("auto");
    expect(problemsOf({ ...minimal, DOCTOR_AT_START: "sometimes" })[0]).toMatch(/^DOCTOR_AT_START:/);
    expect(problemsOf({ ...minimal, DOCTOR_PDS_TEST_PATIENT: "999 100 0038" })[0]).toMatch(
      /^DOCTOR_PDS_TEST_PATIENT:/,
    );
  });
});
