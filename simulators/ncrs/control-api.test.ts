import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startNcrsSimulator } from "./server.ts";
import { lastLaunch, launches, setScenario } from "./test-support/control.ts";
import {
  follow,
  headingOf,
  newBrowser,
  type SimulatorPair,
  shownNhsNumber,
  startSimulators,
} from "./test-support/journey.ts";

const AMELIA = { user: "555000000001" };
let sims: SimulatorPair;

beforeAll(async () => {
  sims = await startSimulators({ slowDelayMs: 20 });
});
afterAll(async () => {
  await sims.close();
});
beforeEach(async () => {
  await setScenario(sims.ncrs.origin, null);
  await fetch(`${sims.ncrs.origin}/_sim/launches/reset`, { method: "POST" });
});

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sims.ncrs.origin}${path}`);
  return { status: response.status, body: await response.json() };
}

describe("control API", () => {
  it("reports health with the launch template and the CIS2 issuer", async () => {
    const { status, body } = await getJson("/_sim/health");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "ok",
      launchTemplate: sims.ncrs.launchTemplate,
      cis2Issuer: sims.cis2.issuer,
      clientId: "900000000002.ncrs.local.apps",
    });
  });

  it("lists the scenario catalogue and refuses a scenario that is not global", async () => {
    const { body } = await getJson("/_sim/scenarios");
    const ids = (body as { scenarios: { id: string }[] }).scenarios.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining(["unavailable", "slow", "patient-not-found", "access-denied"]),
    );
    expect(await setScenario(sims.ncrs.origin, "access-denied")).toBe(400);
    expect(await setScenario(sims.ncrs.origin, "slow")).toBe(200);
    expect(await getJson("/_sim/scenarios")).toMatchObject({ body: { active: "slow" } });
  });

  it("answers 404 for an unknown control endpoint", async () => {
    expect((await getJson("/_sim/nothing")).status).toBe(404);
  });
});

describe("launch log", () => {
  it("moves a launch's outcome on as the user proceeds", async () => {
    const browser = newBrowser();
    const first = await browser.go(sims.launchUrl("9000000009"));
    expect(first.kind === "page" && first.page.url.origin).toBe(new URL(sims.cis2.issuer).origin);
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({ outcome: "pending_sign_in", user: null });
    await follow(browser, sims.launchUrl("9991000100"), { ...AMELIA, confirm: false });
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({
      outcome: "pending_role_confirmation",
      user: AMELIA.user,
      roleId: "555000000101",
    });
    await follow(browser, sims.launchUrl("9991000100"), AMELIA);
    const log = await launches(sims.ncrs.origin);
    expect(log.map((entry) => entry.outcome)).toEqual([
      "pending_sign_in",
      "pending_role_confirmation",
      "shown",
    ]);
    expect(log.map((entry) => entry.nhsNumber)).toEqual(["9000000009", "9991000100", "9991000100"]);
  });

  it("records the Referer header, and null when the app sends none", async () => {
    const url = sims.launchUrl("9000000009");
    const quiet = await fetch(url, { redirect: "manual" });
    expect(quiet.status).toBe(303);
    const leaky = await fetch(url, {
      redirect: "manual",
      headers: { referer: "http://localhost:4000/patients/1" },
    });
    await Promise.all([quiet.body?.cancel(), leaky.body?.cancel()]);
    const log = await launches(sims.ncrs.origin);
    expect(log.map((entry) => entry.referer)).toEqual([null, "http://localhost:4000/patients/1"]);
  });

  it("is emptied by a reset", async () => {
    await (await fetch(sims.launchUrl("9000000009"), { redirect: "manual" })).body?.cancel();
    expect(await launches(sims.ncrs.origin)).toHaveLength(1);
    await fetch(`${sims.ncrs.origin}/_sim/launches/reset`, { method: "POST" });
    expect(await launches(sims.ncrs.origin)).toEqual([]);
  });
});

describe("global scenarios", () => {
  it("unavailable: every page answers 503, launches are still logged, clearing restores service", async () => {
    const browser = newBrowser();
    expect(await setScenario(sims.ncrs.origin, "unavailable")).toBe(200);
    const { page, seen } = await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    expect(seen).toEqual([]);
    expect(page.status).toBe(503);
    expect(headingOf(page.html)).toBe("Sorry, NCRS is not available");
    const landing = await fetch(`${sims.ncrs.origin}/nationalcarerecordsservice/app/landing`);
    expect(landing.status).toBe(503);
    await landing.body?.cancel();
    expect(await lastLaunch(sims.ncrs.origin)).toMatchObject({
      outcome: "unavailable",
      nhsNumber: "9000000009",
    });
    await setScenario(sims.ncrs.origin, null);
    const after = await follow(browser, sims.launchUrl("9000000009"), AMELIA);
    expect(shownNhsNumber(after.page.html)).toBe("900 000 0009");
  });

  it("slow: pages still answer normally", async () => {
    await setScenario(sims.ncrs.origin, "slow");
    const { page } = await follow(newBrowser(), sims.launchUrl("9693632109"), AMELIA);
    expect(headingOf(page.html)).toBe("Bill GARTON");
  });
});

describe("a launch template of the app's own", () => {
  it("takes the route and every parameter from the template, path placeholders included", async () => {
    const ncrs = await startNcrsSimulator({
      port: 0,
      cis2: { issuer: sims.cis2.issuer, controlBaseUrl: sims.cis2.baseUrl },
      clientId: "900000000003.ncrs.local.apps",
      launchTemplate: "http://localhost:3103/ncrs/patient/{nhsNumber}/summary?from={system}&ods={odsCode}",
    });
    try {
      const { page } = await follow(
        newBrowser(),
        `${ncrs.origin}/ncrs/patient/9000000017/summary?from=poc`,
        AMELIA,
      );
      expect(shownNhsNumber(page.html)).toBe("900 000 0017");
      expect(await lastLaunch(ncrs.origin)).toMatchObject({
        nhsNumber: "9000000017",
        params: { nhsNumber: "9000000017", system: "poc", odsCode: null },
        outcome: "shown",
      });
      const old = await fetch(`${ncrs.origin}/nationalcarerecordsservice/launch?nhsNumber=9000000009`);
      expect(old.status).toBe(404);
      await old.body?.cancel();
    } finally {
      await ncrs.close();
    }
  });

  it("is refused at start when it names one of the simulator's own pages", async () => {
    const start = startNcrsSimulator({
      port: 0,
      cis2: { issuer: sims.cis2.issuer, controlBaseUrl: sims.cis2.baseUrl },
      launchTemplate: "http://localhost/nationalcarerecordsservice/app/landing?nhsNumber={nhsNumber}",
    });
    await expect(start).rejects.toThrow(/own pages/);
  });
});
