import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, pdsVersion, startHarness } from "./test-support/harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${harness.mns.origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

async function page(): Promise<string> {
  const response = await fetch(`${harness.mns.origin}/_sim/`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  return response.text();
}

describe("control page", () => {
  it("offers a form for every action and loads nothing from outside", async () => {
    const html = await page();
    for (const action of ["publish", "burst", "duplicate", "out-of-order", "unknown-patient", "malformed"]) {
      expect(html).toContain(`action="/_sim/page/${action}"`);
    }
    expect(html).toContain("nhsuk-header");
    const external = [...html.matchAll(/(?:src|href)="(https?:[^"]*)"/g)].map((match) => match[1]);
    expect(external).toEqual([]);
  });

  it("serves the NHS stylesheet without web fonts and with local image URLs", async () => {
    const response = await fetch(`${harness.mns.origin}/_sim/assets/nhsuk-frontend.min.css`);
    expect(response.status).toBe(200);
    const css = await response.text();
    expect(css).not.toContain("@font-face");
    expect(css).not.toMatch(/url\((?!\/_sim\/assets\/)/);
    const icon = await fetch(`${harness.mns.origin}/_sim/assets/images/favicon.svg`);
    expect(icon.status).toBe(200);
    expect((await fetch(`${harness.mns.origin}/_sim/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it("publishes from the form, redirects back and shows the result and the delivery", async () => {
    const before = await pdsVersion(harness, "9991000038");
    const response = await postForm("/_sim/page/publish", {
      type: "pds-change-of-gp-2",
      nhsNumber: "9991000038",
      survivor: "",
      format: "fhir",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/_sim/");
    expect(await pdsVersion(harness, "9991000038")).toBe(before + 1);
    expect(harness.receiver.requests[0]?.headers["content-type"]).toBe("application/fhir+json");
    const html = await page();
    expect(html).toContain("Last action: publish");
    expect(html).toMatch(/<td class="nhsuk-table__cell">9991000038<\/td>/);
  });

  it("runs a burst from the form, with counts as numbers", async () => {
    await postForm("/_sim/page/burst", { count: "4", patients: "2", format: "cloudevent" });
    expect(harness.receiver.requests).toHaveLength(4);
    expect(await page()).toContain("4 of 4 delivered.");
  });

  it("shows a refusal instead of failing", async () => {
    await postForm("/_sim/page/publish", { type: "pds-record-change-2", nhsNumber: "12" });
    expect(await page()).toContain("Refused (400)");
  });
});
