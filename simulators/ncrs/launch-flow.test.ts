import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelyingParty } from "../cis2/test-support/relying-party.ts";
import { authParams, signIn } from "../cis2/test-support/sign-in.ts";
import { lastLaunch } from "./test-support/control.ts";
import {
  follow,
  headingOf,
  newBrowser,
  type SimulatorPair,
  shownNhsNumber,
  startSimulators,
  titleOf,
} from "./test-support/journey.ts";

const AMELIA = { user: "555000000001" };
const BEN = "555000000002";
let sims: SimulatorPair;

beforeAll(async () => {
  sims = await startSimulators();
});
afterAll(async () => {
  await sims.close();
});

describe("a launch from a browser without a CIS2 session", () => {
  it("signs in through CIS2, asks to confirm the role, then shows the patient", async () => {
    const { page, seen } = await follow(newBrowser(), sims.launchUrl("9000000009"), AMELIA);
    expect(seen).toEqual(["cis2-sign-in", "ncrs-landing"]);
    expect(page.status).toBe(200);
    expect(headingOf(page.html)).toBe("Jane Smith");
    expect(shownNhsNumber(page.html)).toBe("900 000 0009");
    expect(titleOf(page.html)).toContain("Jane Smith (NHS number 900 000 0009)");
    expect(page.html).toContain("22 October 2010");
    expect(page.html).toContain("Penicillin");
    expect(page.html).toContain("Child protection information: none");
    expect(page.html).toContain("National Care Records Service (local simulator)");
  });

  it("shows on the confirmation page the role and organisation CIS2 said were selected", async () => {
    const { page, seen } = await follow(newBrowser(), sims.launchUrl("9000000009"), {
      ...AMELIA,
      confirm: false,
    });
    expect(seen).toEqual(["cis2-sign-in", "ncrs-landing"]);
    expect(page.url.pathname).toBe("/nationalcarerecordsservice/app/landing");
    expect(page.html).toMatch(/<button[^>]*id="confirm-current-role"[^>]*>Confirm and continue<\/button>/);
    expect(page.html).toContain("Clinical Practitioner Access Role");
    expect(page.html).toContain("Riverside Community Health NHS Trust (test) (Y90001)");
    expect((await lastLaunch(sims.ncrs.origin)).outcome).toBe("pending_role_confirmation");
  });
});

describe("later launches", () => {
  it("go straight to the patient in a session whose role is confirmed", async () => {
    const browser = newBrowser();
    await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    const { page, seen } = await follow(browser, sims.launchUrl("9991000038"), AMELIA);
    expect(seen).toEqual([]);
    expect(headingOf(page.html)).toBe("Mohammed Asif Iqbal");
    expect(shownNhsNumber(page.html)).toBe("999 100 0038");
  });

  it("pass through CIS2 without its sign-in page when the browser signed in to another service", async () => {
    const browser = newBrowser();
    const app = await startRelyingParty(sims.cis2, { auth: "client_secret_post" });
    try {
      const params = authParams({ scope: "openid selectedrole nationalrbacaccess", acr_values: "AAL3_ANY" });
      await signIn(browser.withCallback(app.redirectUri), app, params, {
        user: BEN,
        authenticator: "smartcard-connect",
        role: "555000000201",
      });
    } finally {
      await app.close();
    }
    const { page, seen } = await follow(browser, sims.launchUrl("9732110317"), { user: BEN });
    expect(seen).toEqual(["ncrs-landing"]);
    expect(shownNhsNumber(page.html)).toBe("973 211 0317");
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({
      outcome: "shown",
      user: BEN,
      roleId: "555000000201",
    });
  });

  it("ask for role confirmation again after signing out of NCRS", async () => {
    const browser = newBrowser();
    await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    const signedOut = await browser.go(`${sims.ncrs.origin}/nationalcarerecordsservice/app/sign-out`, {});
    expect(signedOut.kind === "page" && headingOf(signedOut.page.html)).toBe("You have signed out of NCRS");
    const { seen } = await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    expect(seen).toEqual(["ncrs-landing"]);
  });
});

describe("what NCRS refuses", () => {
  it("denies a role without the required activity, and lets the user change role", async () => {
    const browser = newBrowser();
    const denied = await follow(browser, sims.launchUrl("9000000009"), { user: BEN, role: "555000000202" });
    expect(denied.seen).toEqual(["cis2-sign-in", "cis2-role"]);
    expect(denied.page.status).toBe(403);
    expect(headingOf(denied.page.html)).toBe("Access denied for this role");
    expect(shownNhsNumber(denied.page.html)).toBeUndefined();
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({
      outcome: "access_denied",
      user: BEN,
      roleId: "555000000202",
    });
    const changeRole = /href="([^"]*change-role[^"]*)"/.exec(denied.page.html)?.[1]?.replaceAll("&amp;", "&");
    const changed = await follow(browser, new URL(changeRole ?? "", denied.page.url), {
      user: BEN,
      role: "555000000201",
    });
    expect(changed.seen).toEqual(["cis2-role", "ncrs-landing"]);
    expect(shownNhsNumber(changed.page.html)).toBe("900 000 0009");
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({ outcome: "shown", roleId: "555000000201" });
  });

  it("denies a user who has no role at all", async () => {
    const { page } = await follow(newBrowser(), sims.launchUrl("9000000009"), { user: "555000000004" });
    expect(page.status).toBe(403);
    expect(page.html).toContain("You have no role selected in your Care Identity");
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({ outcome: "access_denied", roleId: null });
  });

  it("says the NHS number in the link is not valid, before any sign-in", async () => {
    const { page, seen } = await follow(newBrowser(), sims.launchUrl("9000000000"), AMELIA);
    expect(seen).toEqual([]);
    expect(page.status).toBe(400);
    expect(headingOf(page.html)).toBe("The NHS number in the link is not valid");
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({ nhsNumber: "9000000000", outcome: "invalid" });
  });

  it("refuses a link without the NHS number parameter", async () => {
    const response = await fetch(`${sims.ncrs.origin}/nationalcarerecordsservice/launch?nhs=9000000009`);
    expect(response.status).toBe(400);
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({ nhsNumber: null, outcome: "invalid" });
  });

  it("says the patient is not found for a valid NHS number it holds no record for", async () => {
    const { page } = await follow(newBrowser(), sims.launchUrl("9111231130"), AMELIA);
    expect(page.status).toBe(404);
    expect(headingOf(page.html)).toBe("Patient not found");
    expect(page.html).toContain("911 123 1130");
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({ outcome: "not_found", user: AMELIA.user });
  });

  it("shows only the name of a restricted record", async () => {
    const { page } = await follow(newBrowser(), sims.launchUrl("9000000025"), AMELIA);
    expect(page.status).toBe(200);
    expect(headingOf(page.html)).toBe("Janet Smythe");
    expect(page.html).toContain("restricted record");
    expect(page.html).not.toContain("Date of birth");
    expect(page.html).not.toContain("Latex");
  });

  it("reports a failed CIS2 sign-in", async () => {
    const { page } = await follow(newBrowser(), sims.launchUrl("9000000009"), {
      ...AMELIA,
      scenario: "authorize-error",
    });
    expect(page.status).toBe(401);
    expect(headingOf(page.html)).toBe("Sign-in with your Care Identity failed");
    expect((await lastLaunch(sims.ncrs.origin)).outcome).toBe("sign_in_failed");
  });

  it("does not show one session's launch to another browser", async () => {
    const first = await follow(newBrowser(), sims.launchUrl("9000000009"), AMELIA);
    const stranger = newBrowser();
    await follow(stranger, sims.launchUrl("9991000046"), AMELIA);
    const step = await stranger.go(first.page.url);
    expect(step.kind === "page" && step.page.status).toBe(400);
    expect(step.kind === "page" && shownNhsNumber(step.page.html)).toBeUndefined();
  });
});
