/**
 * The PDS adapter with user-restricted access (PDS_AUTH=user), against the CIS2 and PDS
 * simulators with the API platform's token exchange: a read made for a signed-in user reaches PDS
 * as that user, a read made for nobody goes with the application's own access, and a sign-in the
 * platform will not take fails the read closed, before PDS is called.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "../../../simulators/cis2/server.ts";
import { Browser } from "../../../simulators/cis2/test-support/browser.ts";
import { type RelyingParty, startRelyingParty } from "../../../simulators/cis2/test-support/relying-party.ts";
import { authParams, signInAndExchange } from "../../../simulators/cis2/test-support/sign-in.ts";
import type { ReadingUser } from "../../patients/national-patient.ts";
import { nhsNumber } from "../../patients/nhs-number.ts";
import type { AppError } from "../../platform/errors.ts";
import { type PlatformHarness, startPlatformHarness } from "../apim/platform-simulator.test-support.ts";
import { userTokens } from "../apim/platform-tokens.ts";
import { PdsClient } from "./pds-client.ts";
import { testClientOptions } from "./pds-simulator.test-support.ts";

let cis2: Cis2Simulator;
let rp: RelyingParty;
let platform: PlatformHarness;
/** The ID token each test session signed in with (sessions of two CIS2 users, and one without). */
const idTokens = new Map<string, string>();

beforeAll(async () => {
  cis2 = await startCis2Simulator({ port: 0 });
  rp = await startRelyingParty(cis2, { auth: "client_secret_post" });
  platform = await startPlatformHarness({ cis2Issuer: cis2.issuer });
  for (const [session, user] of [
    ["session-a", "555000000001"],
    ["session-b", "555000000003"],
  ] as const) {
    const signedIn = await signInAndExchange(cis2, new Browser(rp.redirectUri), rp, authParams(), {
      user,
      authenticator: "smartcard-identity-agent",
    });
    idTokens.set(session, String(signedIn.tokens.body["id_token"]));
  }
});
afterAll(async () => {
  await platform.close();
  await rp.close();
  await cis2.close();
});
beforeEach(async () => {
  await platform.apim("POST", "/reset");
  await fetch(`${platform.pds.origin}/_sim/reset`, { method: "POST" });
});

/** A client as `PDS_AUTH=user` composes it: the application's tokens, and each user's own. */
function client(): PdsClient {
  const options = platform.platformOptions();
  return new PdsClient(
    testClientOptions(platform.pds.baseUrl, {
      tokenSource: platform.tokens(),
      userTokens: (user: ReadingUser) =>
        userTokens(options, {
          userId: user.userId,
          idToken: async () => idTokens.get(user.sessionId) ?? null,
        }),
      sleep: async () => {},
      cacheSeconds: 60,
    }),
  );
}

const AMELIA: ReadingUser = { userId: "555000000001", sessionId: "session-a" };
const ADMIN: ReadingUser = { userId: "555000000003", sessionId: "session-b" };

async function readsAtPds(): Promise<{ status: number | null; tokenUser: string | null }[]> {
  const body = (await (await fetch(`${platform.pds.origin}/_sim/requests`)).json()) as {
    requests: { status: number | null; tokenUser: string | null }[];
  };
  return body.requests.map(({ status, tokenUser }) => ({ status, tokenUser }));
}

describe("PDS with user-restricted access (PDS_AUTH=user)", () => {
  it("a read for a signed-in user reaches PDS as them; a read for nobody goes as the application", async () => {
    const pds = client();
    const forAmelia = await pds.read(nhsNumber("9000000009"), { correlationId: "c-1", onBehalfOf: AMELIA });
    expect(forAmelia.kind).toBe("found");
    const forNobody = await pds.read(nhsNumber("9991000038"), { correlationId: "c-2" });
    expect(forNobody.kind).toBe("found");
    expect(await readsAtPds()).toEqual([
      { status: 200, tokenUser: "555000000001" },
      { status: 200, tokenUser: null },
    ]);
    expect((await platform.tokenRequests()).map((r) => r.grant)).toEqual([
      "token_exchange",
      "client_credentials",
    ]);
  });

  it("two users reading the same patient each reach PDS as themselves: no answer is shared between them", async () => {
    const pds = client();
    await pds.read(nhsNumber("9000000009"), { correlationId: "c-1", onBehalfOf: AMELIA });
    await pds.read(nhsNumber("9000000009"), { correlationId: "c-2", onBehalfOf: ADMIN });
    // The same user again within the cache's time is answered from the cache, as before.
    await pds.read(nhsNumber("9000000009"), { correlationId: "c-3", onBehalfOf: AMELIA });
    expect(await readsAtPds()).toEqual([
      { status: 200, tokenUser: "555000000001" },
      { status: 200, tokenUser: "555000000003" },
    ]);
  });

  it("a sign-in the platform does not take fails the read closed, asking the user to sign in again", async () => {
    const pds = client();
    const error = (await pds
      .read(nhsNumber("9000000009"), {
        correlationId: "c-1",
        onBehalfOf: { userId: "555000000002", sessionId: "a-session-with-no-id-token" },
      })
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe("pds.sign_in_not_accepted");
    expect((error.cause as AppError).code).toBe("apim.user_token_refused");
    expect(await readsAtPds()).toEqual([]);
  });
});
