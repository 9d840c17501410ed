/**
 * A verification is relied on only for VERIFICATION_STALE_SECONDS: a launch pressed after that is
 * refused at the click, whatever the page showed when it was drawn.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { launchFormIn, pressLaunch, verifiedPatientPage } from "../support/launch.ts";
import { bannerVerification } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe("a verification gone stale", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { VERIFICATION_STALE_SECONDS: "1" } });
  });
  afterAll(async () => stack?.close());

  it("refuses a launch pressed after the verification went stale, and the page asks for a new check", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await verifiedPatientPage(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    const form = launchFormIn(page);
    expect(form?.launchId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const response = await pressLaunch(agent, stack.baseUrl, form?.launchId ?? "");
    expect([response.status, response.location]).toEqual([409, null]);
    expect(response.body).toContain("launch.unverified");
    const again = await agent.get(page.url);
    expect(bannerVerification(again)).toBe("Check again with PDS");
    expect(launchFormIn(again)).toBeNull();
  });
});
