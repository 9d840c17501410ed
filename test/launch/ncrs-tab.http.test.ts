/**
 * NCRS_TAB_REUSE: one NCRS tab reused (the default), or a tab of its own for every launch, cut
 * off from ours. What the browser does with it is shown in test/browser/launch.browser.test.ts;
 * this shows what each setting tells the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { launchFormIn, pressLaunch, verifiedPatientPage } from "../support/launch.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe.each([
  { reuse: "true", rel: "", pageOpener: "same-origin-allow-popups", launchOpener: "unsafe-none" },
  { reuse: "false", rel: "noopener noreferrer", pageOpener: "same-origin", launchOpener: "same-origin" },
])("NCRS_TAB_REUSE=$reuse", ({ reuse, rel, pageOpener, launchOpener }) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { NCRS_TAB_REUSE: reuse, NCRS_WINDOW_NAME: "ncrs-ward-7" } });
  });
  afterAll(async () => stack.close());

  it("posts every launch into the one named tab, with the opener policy the setting asks for", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
    const form = launchFormIn(page);
    expect(form).toMatchObject({ target: "ncrs-ward-7", rel });
    expect(page.headers.get("cross-origin-opener-policy")).toBe(pageOpener);
    // Every page of ours alike, or a tab moving between them would lose NCRS's tab.
    expect((await agent.get(`${stack.baseUrl}/home`)).headers.get("cross-origin-opener-policy")).toBe(
      pageOpener,
    );
    const launched = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect(launched.status).toBe(302);
    expect(launched.headers.get("cross-origin-opener-policy")).toBe(launchOpener);
    // A refusal is shown in the NCRS tab too, which stays the one to reuse.
    const refused = await pressLaunch(agent, stack.baseUrl, "not-a-launch-id-of-ours-at-all");
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.headers.get("cross-origin-opener-policy")).toBe(launchOpener);
  });
});
