/**
 * End to end over MESH, in Chromium: the MNS simulator records a death at PDS and sends the signal
 * as a MESH message into our mailbox; the service (MNS_DELIVERY=mesh, as `npm start` runs it) polls
 * the mailbox, stores the event, acknowledges it, processes it against PDS, and the clinician who
 * has that patient open sees the NHS notification banner.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/identity/identity.types.ts";
import { nhsNumber } from "../../src/patients/nhs-number.ts";
import { type EventsWeb, startEventsWeb } from "../events/support/events-web.ts";
import { launchBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";

const SHOTS = process.env["EVENTS_SCREENSHOT_DIR"] ?? join(tmpdir(), "ncrs-events-screens");
const PATIENT = "9991000062";

let web: EventsWeb;
let browser: Browser;

async function signedIn(user: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(web.baseUrl);
  await page.getByRole("button", { name: "Log in with my Care Identity" }).click();
  await page.getByLabel(new RegExp(`\\(${user}\\)`)).check();
  await page.getByLabel(/Security key/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${web.baseUrl}/home`);
  return page;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [web, browser] = await Promise.all([startEventsWeb("sqlite", { mesh: true }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

describe("MNS over MESH, end to end", () => {
  it("a death sent over MESH reaches the banner of the clinician who has the patient open", async () => {
    const mesh = web.mesh;
    if (!mesh) throw new Error("the stack runs with MESH");
    const page = await signedIn(USERS.singleRole);
    const token = (await page.context().cookies()).find((c) => c.name === "ncrs_session")?.value;
    const session = ((await web.identity.sessions.resolve(token, "test")) as { session: Session }).session;
    const patient = await web.patients.findByAnyNhsNumber(nhsNumber(PATIENT));
    const contextId = await web.contexts.select(session, patient?.id ?? "", "browsertab0000000002", "test");
    await page.goto(`${web.baseUrl}/patient-context/${contextId}`);
    await page.waitForFunction(() => document.querySelector("[data-patient-notifications]") !== null);

    const sent = await web.mnsControl("publish", {
      type: "pds-death-notification-2",
      nhsNumber: PATIENT,
      format: "fhir",
    });
    expect(sent["delivered"]).toBe(true);
    const banner = page.getByTestId("patient-notification");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("PDS now records this patient as deceased");
    expect(await banner.getAttribute("data-kind")).toBe("deceased");
    await page.screenshot({ path: join(SHOTS, "patient-notification-over-mesh.png"), fullPage: true });

    const row = await web.db.events
      .selectFrom("event_inbox")
      .select(["channel", "status"])
      .where("external_id", "=", sent["eventId"] as string)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: "mesh", status: "processed" });
    expect(mesh.inbox("X26NCRS1")).toEqual([]);
    expect(mesh.state.handshakes.length).toBeGreaterThanOrEqual(1);
  });
});
