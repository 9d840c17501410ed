/**
 * The NRL adapter behind the simulated NHS API platform: the NRL simulator demands tokens the
 * platform issued (the PDS simulator's, as INT serves every API from one platform).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nhsNumber } from "../../patients/nhs-number.ts";
import { AppError } from "../../platform/errors.ts";
import { noAccessToken } from "../apim/access-token.ts";
import { type PlatformHarness, startPlatformHarness } from "../apim/platform-simulator.test-support.ts";
import { NrlClient } from "./nrl-client.ts";
import { type NrlHarness, startNrlHarness, testNrlOptions } from "./nrl-simulator.test-support.ts";

let platform: PlatformHarness;
let nrl: NrlHarness;
beforeAll(async () => {
  platform = await startPlatformHarness();
  const check = platform.pds.checkAccessToken;
  if (!check) throw new Error("the PDS simulator has no platform");
  nrl = await startNrlHarness({ checkAccessToken: check });
});
afterAll(async () => {
  await nrl.close();
  await platform.close();
});

const asked = { correlationId: "corr-nrl-2", odsCode: "RX4" };

describe("NrlClient with application-restricted tokens", () => {
  it("gets a token from the platform and NRL accepts it", async () => {
    const c = new NrlClient(testNrlOptions(nrl.sim.baseUrl, { tokenSource: platform.tokens() }));
    expect(await c.search(nhsNumber("9991000054"), asked)).toMatchObject({ kind: "found" });
  });

  it("without a token NRL answers 401 and the call fails as nrl.access_denied", async () => {
    const c = new NrlClient(testNrlOptions(nrl.sim.baseUrl, { tokenSource: noAccessToken }));
    const error = await c.search(nhsNumber("9991000054"), asked).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("nrl.access_denied");
    expect((error as AppError).details).toMatchObject({ status: 401, nrlCode: "ACCESS_DENIED" });
  });

  it("a token that expired early is renewed once and the search goes through", async () => {
    const c = new NrlClient(testNrlOptions(nrl.sim.baseUrl, { tokenSource: platform.tokens() }));
    await c.search(nhsNumber("9991000054"), asked);
    await platform.apim("POST", "/expire-tokens");
    await nrl.reset();
    expect(await c.search(nhsNumber("9991000054"), asked)).toMatchObject({ kind: "found" });
    expect((await nrl.requests()).map((r) => r.status)).toEqual([401, 200]);
  });
});
