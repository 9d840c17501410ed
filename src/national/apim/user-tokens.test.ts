import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "../../../simulators/cis2/server.ts";
import { Browser } from "../../../simulators/cis2/test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "../../../simulators/cis2/test-support/relying-party.ts";
import { authParams, signInAndExchange } from "../../../simulators/cis2/test-support/sign-in.ts";
import type { AppError } from "../../platform/errors.ts";
import { type PlatformHarness, startPlatformHarness } from "./platform-simulator.test-support.ts";
import { userTokens } from "./platform-tokens.ts";

let cis2: Cis2Simulator;
let rp: RelyingParty;
let platform: PlatformHarness;

beforeAll(async () => {
  cis2 = await startCis2Simulator({ port: 0 });
  rp = await startRelyingParty(cis2, { auth: "client_secret_post" });
  platform = await startPlatformHarness({ cis2Issuer: cis2.issuer });
});
afterAll(async () => {
  await platform.close();
  await rp.close();
  await cis2.close();
});

async function idToken(user: string): Promise<string> {
  const signedIn = await signInAndExchange(cis2, new Browser(rp.redirectUri), rp, authParams(), {
    user,
    authenticator: "smartcard-identity-agent",
  });
  return String(signedIn.tokens.body["id_token"]);
}

describe("user-restricted tokens: a CIS2 ID token exchanged at the API platform (against its simulator)", () => {
  it("exchanges each user's ID token for their own token, cached per user, accepted by PDS", async () => {
    const options = platform.platformOptions();
    const [amelia, other] = [await idToken("555000000001"), await idToken("555000000002")];
    let asked = 0;
    const first = userTokens(options, {
      userId: "u1",
      idToken: async () => {
        asked++;
        return amelia;
      },
    });
    const second = userTokens(options, { userId: "u2", idToken: async () => other });
    const token = await first.token();
    expect(await first.token()).toBe(token);
    expect(asked).toBe(1);
    expect(await second.token()).not.toBe(token);
    const readWith = await fetch(`${platform.pds.baseUrl}/Patient/9000000009`, {
      headers: { "X-Request-ID": crypto.randomUUID(), authorization: `Bearer ${token}` },
    });
    expect(readWith.status).toBe(200);
    expect((await platform.tokenRequests()).map((r) => [r.grant, r.status])).toEqual([
      ["token_exchange", 200],
      ["token_exchange", 200],
    ]);
  });

  it("a user with no ID token, or one the platform refuses, gets apim.user_token_refused", async () => {
    const options = platform.platformOptions();
    const none = await userTokens(options, { userId: "u3", idToken: async () => null })
      .token()
      .catch((e: unknown) => e);
    expect((none as AppError).code).toBe("apim.user_token_refused");
    const opaque = await userTokens(options, { userId: "u4", idToken: async () => "an-opaque-access-token" })
      .token()
      .catch((e: unknown) => e);
    expect((opaque as AppError).code).toBe("apim.user_token_refused");
    expect(String((opaque as AppError).cause)).toContain("Malformed JWT in subject_token");
  });
});
