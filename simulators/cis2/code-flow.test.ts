import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";
import { Browser } from "./test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "./test-support/relying-party.ts";
import { authParams, codeFrom, signIn, signInAndExchange, verifyIdToken } from "./test-support/sign-in.ts";

const AMELIA = { user: "555000000001", authenticator: "smartcard-identity-agent" };
let sim: Cis2Simulator;
const parties: RelyingParty[] = [];

async function party(options: Parameters<typeof startRelyingParty>[1]): Promise<RelyingParty> {
  const rp = await startRelyingParty(sim, options);
  parties.push(rp);
  return rp;
}

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0 });
});
afterAll(async () => {
  await Promise.all(parties.map((rp) => rp.close()));
  await sim.close();
});

describe("authorization code flow", () => {
  it("returns to the client with a code, the state and the issuer", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const { callback } = await signIn(new Browser(rp.redirectUri), rp, authParams(), AMELIA);
    expect(callback.searchParams.get("code")).toBeTruthy();
    expect(callback.searchParams.get("state")).toBe("state-123");
    expect(callback.searchParams.get("iss")).toBe(sim.issuer);
  });

  it.each([
    ["private_key_jwt", "RS512"],
    ["private_key_jwt", "RS256"],
    ["client_secret_post", undefined],
  ] as const)("exchanges the code with %s %s", async (auth, alg) => {
    const rp = await party({ auth, ...(alg ? { alg } : {}) });
    const { tokens, claims } = await signInAndExchange(
      sim,
      new Browser(rp.redirectUri),
      rp,
      authParams(),
      AMELIA,
    );
    expect(tokens.body).toMatchObject({ token_type: "Bearer", scope: "openid" });
    expect(typeof tokens.body["access_token"]).toBe("string");
    expect(claims).toMatchObject({ iss: sim.issuer, sub: AMELIA.user, aud: rp.clientId, azp: rp.clientId });
  });

  it("always puts sid in the ID token, also for clients without back-channel logout", async () => {
    const rp = await party({ auth: "client_secret_post", backchannelLogout: false });
    const { claims } = await signInAndExchange(sim, new Browser(rp.redirectUri), rp, authParams(), AMELIA);
    expect(typeof claims["sid"]).toBe("string");
  });

  it("refuses a client assertion signed with an algorithm other than the registered one", async () => {
    const registered = await party({ auth: "private_key_jwt", alg: "RS512" });
    const { callback } = await signIn(new Browser(registered.redirectUri), registered, authParams(), AMELIA);
    const impostor = await party({ auth: "private_key_jwt", alg: "RS256" });
    await sim.registerClient({ ...impostor.registration, jwks_uri_signing_algorithm: "RS512" });
    const rejected = await impostor.exchange(codeFrom(callback));
    expect(rejected.status).toBe(401);
    expect(rejected.body["error"]).toBe("invalid_client");
  });

  it("refuses a code redeemed twice", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const { callback } = await signIn(new Browser(rp.redirectUri), rp, authParams(), AMELIA);
    expect((await rp.exchange(codeFrom(callback))).status).toBe(200);
    const again = await rp.exchange(codeFrom(callback));
    expect(again.body["error"]).toBe("invalid_grant");
  });

  it("redirects with an error for a response type other than code", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const step = await new Browser(rp.redirectUri).go(
      rp.authorizeUrl(authParams({ response_type: "id_token" })),
    );
    expect(step.kind).toBe("callback");
    // Errors for implicit-style response types travel in the fragment.
    const error = step.kind === "callback" ? new URLSearchParams(step.url.hash.slice(1)).get("error") : null;
    expect(error).toBe("unsupported_response_type");
  });
});

describe("PKCE", () => {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");

  it("accepts S256 and checks the verifier", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const params = authParams({ code_challenge: challenge, code_challenge_method: "S256" });
    const first = await signIn(new Browser(rp.redirectUri), rp, params, AMELIA);
    const wrong = await rp.exchange(codeFrom(first.callback), { code_verifier: `${verifier}x` });
    expect(wrong.body["error"]).toBe("invalid_grant");
    const second = await signIn(new Browser(rp.redirectUri), rp, params, AMELIA);
    const right = await rp.exchange(codeFrom(second.callback), { code_verifier: verifier });
    expect(right.status).toBe(200);
  });

  it("is not required", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const { tokens } = await signInAndExchange(sim, new Browser(rp.redirectUri), rp, authParams(), AMELIA);
    expect(tokens.status).toBe(200);
  });
});

describe("claims per scope", () => {
  const ALL = "openid profile email nhsperson associatedorgs nationalrbacaccess selectedrole";

  it("puts CIS2's authentication claims in the ID token and nothing from other scopes", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const params = authParams({ scope: ALL, acr_values: "AAL3_ANY" });
    const { claims } = await signInAndExchange(sim, new Browser(rp.redirectUri), rp, params, AMELIA);
    expect(Object.keys(claims).sort()).toEqual(
      [
        "iss",
        "sub",
        "aud",
        "azp",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "acr",
        "amr",
        "sid",
        "id_assurance_level",
        "authentication_assurance_level",
        "selected_roleid",
        "realm",
        "tokenName",
        "tokenType",
        "auditTrackingId",
      ].sort(),
    );
    expect(claims).toMatchObject({
      nonce: "nonce-456",
      realm: "/NHSIdentity/Healthcare",
      tokenName: "id_token",
      tokenType: "JWTToken",
      id_assurance_level: 3,
    });
    expect(claims.exp).toBe(Number(claims.iat) + 300);
  });

  it("releases UserInfo claims by scope", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const userinfoFor = async (scope: string) => {
      const browser = new Browser(rp.redirectUri);
      const { tokens } = await signInAndExchange(sim, browser, rp, authParams({ scope }), AMELIA);
      return (await rp.userinfo(String(tokens.body["access_token"]))).body;
    };
    expect(Object.keys(await userinfoFor("openid"))).toEqual(["sub"]);
    expect(await userinfoFor("openid profile")).toEqual({
      sub: AMELIA.user,
      name: "Amelia Hart",
      given_name: "Amelia",
      family_name: "Hart",
      uid: AMELIA.user,
    });
    expect(await userinfoFor("openid email")).toEqual({ sub: AMELIA.user, email: "amelia.hart@nhs.test" });
    expect(await userinfoFor("openid nhsperson")).toEqual({
      sub: AMELIA.user,
      nhsid_useruid: AMELIA.user,
      title: "Dr",
      initials: "AR",
      middle_names: "Rose",
      display_name: "Amelia Hart",
      idassurancelevel: "3",
    });
    expect(await userinfoFor("openid associatedorgs")).toEqual({
      sub: AMELIA.user,
      nhsid_user_orgs: [{ org_code: "Y90001", org_name: "Riverside Community Health NHS Trust (test)" }],
    });
    expect(await userinfoFor("openid nationalrbacaccess")).toEqual({
      sub: AMELIA.user,
      nhsid_nrbac_roles: [
        {
          person_orgid: "555100000011",
          person_roleid: "555000000101",
          org_code: "Y90001",
          role_code: "S8000:G8000:R8000",
          role_name: '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
          activities: ["View Patient Care Record", "View Detailed Health Records"],
          activity_codes: ["B0264", "B0360"],
        },
      ],
    });
  });

  it("signs ID tokens that verify against the published JWKS only", async () => {
    const rp = await party({ auth: "client_secret_post" });
    const { tokens } = await signInAndExchange(sim, new Browser(rp.redirectUri), rp, authParams(), AMELIA);
    await expect(verifyIdToken(sim, tokens.body["id_token"], "someone-else")).rejects.toThrow();
  });
});
