import { describe, expect, it } from "vitest";
import { runSteps, StepFailed } from "../platform/steps.ts";
import { assuranceLevel, type IdTokenPolicy, idTokenSteps } from "./id-token.checks.ts";
import type { TokenClaims } from "./identity.ports.ts";

const ISSUER =
  "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare";
const now = new Date("2026-11-22T10:00:00Z");
const t = Math.floor(now.getTime() / 1000);

const policy: IdTokenPolicy = {
  issuer: ISSUER,
  clientId: "969567331415.apps.national",
  acceptedAcr: ["AAL2_OR_AAL3_ANY", "AAL3_ANY"],
  minAuthenticationAssurance: 2,
  minIdentityAssurance: 3,
  maxAuthAgeSeconds: 300,
  skewSeconds: 5,
};

const good: TokenClaims = {
  iss: ISSUER,
  sub: "555000000001",
  aud: "969567331415.apps.national",
  azp: "969567331415.apps.national",
  exp: t + 300,
  iat: t,
  auth_time: t - 10,
  nonce: "n-1",
  sid: "sid-1",
  acr: "AAL3_ANY",
  amr: ["N3_SMARTCARD"],
  id_assurance_level: 3,
  authentication_assurance_level: 3,
};

async function failureOf(
  claims: TokenClaims,
  p: IdTokenPolicy = policy,
): Promise<{ step: string; code: string } | null> {
  try {
    await runSteps(idTokenSteps, { claims, expectedNonce: "n-1", policy: p, now });
    return null;
  } catch (error) {
    if (error instanceof StepFailed) return { step: error.step, code: error.code };
    throw error;
  }
}

describe("ID token checks", () => {
  it("accept a well-formed CIS2 ID token", async () => {
    expect(await failureOf(good)).toBeNull();
  });

  it("accept aud as an array holding our client id (with a matching azp)", async () => {
    expect(await failureOf({ ...good, aud: ["other", policy.clientId] })).toBeNull();
  });

  it("accept assurance levels sent as strings, and idassurancelevel spelling", async () => {
    const { id_assurance_level: _omit, ...rest } = good;
    expect(
      await failureOf({ ...rest, idassurancelevel: "3", authentication_assurance_level: "2" }),
    ).toBeNull();
  });

  it.each([
    [
      "issuer without the explicit port",
      { iss: ISSUER.replace(":443", "") },
      "issuer",
      "sign_in.id_token_issuer",
    ],
    ["another audience", { aud: "someone-else" }, "audience", "sign_in.id_token_audience"],
    [
      "several audiences without azp",
      { aud: [policy.clientId, "x"], azp: undefined },
      "authorized_party",
      "sign_in.id_token_authorized_party",
    ],
    ["a foreign azp", { azp: "x" }, "authorized_party", "sign_in.id_token_authorized_party"],
    ["expired", { exp: t - 6 }, "expiry", "sign_in.id_token_expired"],
    ["issued in the future", { iat: t + 60 }, "issued_at", "sign_in.id_token_issued_at"],
    ["a different nonce", { nonce: "n-2" }, "nonce", "sign_in.id_token_nonce"],
    ["no sid", { sid: undefined }, "session_id", "sign_in.id_token_session_missing"],
    ["an acr not on the allow-list", { acr: "AAL2_ANY" }, "acr", "sign_in.acr_not_accepted"],
    [
      "authentication assurance 1",
      { authentication_assurance_level: 1 },
      "authentication_assurance",
      "sign_in.assurance_too_low",
    ],
    [
      "identity assurance 2",
      { id_assurance_level: "2" },
      "identity_assurance",
      "sign_in.identity_assurance_too_low",
    ],
    ["a stale auth_time", { auth_time: t - 306 }, "auth_time", "sign_in.auth_time_stale"],
    ["no auth_time", { auth_time: undefined }, "auth_time", "sign_in.auth_time_stale"],
    ["no subject", { sub: "" }, "subject", "sign_in.id_token_malformed"],
  ])("refuse %s", async (_name, change, step, code) => {
    expect(await failureOf({ ...good, ...change })).toEqual({ step, code });
  });

  it("tolerate the configured skew and no more", async () => {
    expect(await failureOf({ ...good, exp: t - 4 })).toBeNull();
    expect(await failureOf({ ...good, auth_time: t - 304 })).toBeNull();
  });

  it("require AAL3 when the policy asks for it", async () => {
    expect(
      await failureOf(
        { ...good, authentication_assurance_level: 2 },
        { ...policy, minAuthenticationAssurance: 3 },
      ),
    ).toEqual({
      step: "authentication_assurance",
      code: "sign_in.assurance_too_low",
    });
  });
});

describe("assuranceLevel", () => {
  it.each([
    [3, 3],
    ["3", 3],
    ["03", 3],
    [" 3", undefined],
    ["three", undefined],
    [3.5, undefined],
    [null, undefined],
  ])("%j → %j", (input, expected) => {
    expect(assuranceLevel(input)).toBe(expected);
  });
});
