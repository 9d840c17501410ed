/**
 * NCRS takes CIS2's back-channel logout as a national application does: when the CIS2 session
 * ends, every NCRS session signed in from it ends, so the next launch in that browser asks
 * whoever is there to sign in; a forged or wrong token changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  follow,
  headingOf,
  newBrowser,
  type SimulatorPair,
  startSimulators,
} from "./test-support/journey.ts";

const AMELIA = { user: "555000000001" };
let sims: SimulatorPair;

beforeAll(async () => {
  sims = await startSimulators();
});
afterAll(async () => sims.close());

const endCis2Sessions = (sub: string) =>
  fetch(`${sims.cis2.baseUrl}/sim/api/sessions/end`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub }),
  }).then(async (r) => (await r.json()) as { deliveries: { uri: string; status: number | null }[] });

describe("back-channel logout from CIS2", () => {
  it("ends the NCRS session when its CIS2 session ends, so the next launch signs in again", async () => {
    const browser = newBrowser();
    expect(headingOf((await follow(browser, sims.launchUrl("9000000009"), AMELIA)).page.html)).toBe(
      "Jane Smith",
    );
    const again = await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    expect(again.seen).toEqual([]);
    const { deliveries } = await endCis2Sessions(AMELIA.user);
    expect(deliveries).toContainEqual(
      expect.objectContaining({ uri: expect.stringContaining(sims.ncrs.origin), status: 200 }),
    );
    const afterLogout = await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    expect(afterLogout.seen).toEqual(["cis2-sign-in", "ncrs-landing"]);
  });

  it("refuses a token that is not CIS2's, or none, with 400 and ends nothing", async () => {
    const post = (body: string) =>
      fetch(`${sims.ncrs.origin}/nationalcarerecordsservice/oidc/backchannel-logout`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    expect((await post("")).status).toBe(400);
    expect((await post("logout_token=eyJhbGciOiJub25lIn0.e30.")).status).toBe(400);
    const minted = (await (
      await fetch(`${sims.cis2.baseUrl}/sim/api/logout-tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: "another.client", sub: AMELIA.user, sid: "sid-x" }),
      })
    ).json()) as { logout_token: string };
    expect((await post(`logout_token=${minted.logout_token}`)).status).toBe(400);
  });
});
