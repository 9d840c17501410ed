/**
 * Patient context over real HTTP: bound to the session and the tab; switching patients,
 * two tabs, the back button, expiry and another user on the same browser never leave a stale or
 * foreign context usable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { checkWithPds, contextIdOf, selectPatient } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { PATIENT_CONTEXT_TTL_SECONDS: "2" } });
});
afterAll(async () => stack.close());

async function signedIn(user: string = USERS.singleRole): Promise<HttpAgent> {
  const agent = new HttpAgent();
  await signIn(agent, stack.baseUrl, { user });
  return agent;
}

describe("patient context", () => {
  it("addresses patient pages by an opaque context, never by NHS number", async () => {
    const agent = await signedIn();
    const page = await selectPatient(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    expect(page.url).not.toMatch(/9991000054|999%20100/);
    expect(contextIdOf(page)).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("makes an earlier page of the same tab unusable once another patient is selected there (fast switching, back button)", async () => {
    const agent = await signedIn();
    const first = await selectPatient(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    const second = await selectPatient(agent, stack.baseUrl, "O'Neill", "RX1-000102");
    const back = await agent.get(first.url);
    expect(back.body).toContain('data-testid="context-warning"');
    expect(back.body).toContain("You have selected another patient in this tab");
    expect(back.body).toContain(`/patient-context/${contextIdOf(second)}`);
    expect(back.body).not.toContain('data-testid="check-with-pds"');
    const forced = await agent.postForm(`${stack.baseUrl}/patient-context/${contextIdOf(first)}/checks`, {
      _csrf: csrfTokenIn(back.body),
    });
    expect(forced.status).toBe(409);
    expect(forced.body).toContain("patient.context_superseded");
  });

  it("keeps two tabs with two patients independent", async () => {
    const agent = await signedIn();
    const tab1 = await selectPatient(
      agent,
      stack.baseUrl,
      "Hartley Oscar",
      "RX1-000101",
      "tabone00000000000001",
    );
    const tab2 = await selectPatient(agent, stack.baseUrl, "O'Neill", "RX1-000102", "tabtwo00000000000002");
    for (const page of [tab1, tab2]) {
      const again = await agent.get(page.url);
      expect(again.body).not.toContain('data-testid="context-warning"');
      const check = await checkWithPds(agent, stack.baseUrl, again);
      expect(check.body).toContain('data-testid="comparison"');
    }
  });

  it("refuses a context of another user on the same browser after log-out", async () => {
    const browser = await signedIn();
    const page = await selectPatient(browser, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    await browser.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(page.body) });
    await signIn(browser, stack.baseUrl, { user: USERS.multiRole, role: "555000000201" });
    const reused = await browser.get(page.url);
    expect(reused.status).toBe(404);
    expect(reused.body).toContain("patient.context_unknown");
    expect(reused.body).not.toContain("HARTLEY");
  });

  it("refuses a context id that was never issued", async () => {
    const agent = await signedIn();
    const page = await agent.get(`${stack.baseUrl}/patient-context/AAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(page.status).toBe(404);
    const malformed = await agent.get(`${stack.baseUrl}/patient-context/%3Cscript%3E`);
    expect(malformed.status).toBe(400);
  });

  it("expires a context left unused, and offers to select the patient again", async () => {
    const agent = await signedIn();
    const page = await selectPatient(agent, stack.baseUrl, "Hartley Oscar", "RX1-000101");
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const later = await agent.get(page.url);
    expect(later.body).toContain("This selection has expired");
    const forced = await agent.postForm(`${stack.baseUrl}/patient-context/${contextIdOf(page)}/checks`, {
      _csrf: csrfTokenIn(later.body),
    });
    expect(forced.status).toBe(409);
    expect(forced.body).toContain("patient.context_expired");
    const reselected = await agent.follow(
      await agent.postForm(`${stack.baseUrl}/patients/select`, {
        _csrf: csrfTokenIn(later.body),
        tab: "testtab0000000000001",
        patientId: later.body.match(/name="patientId" value="([^"]+)"/)?.[1] ?? "",
      }),
    );
    expect(reselected.body).not.toContain('data-testid="context-warning"');
  });

  it("refuses selection without a CSRF token", async () => {
    const agent = await signedIn();
    const response = await agent.postForm(`${stack.baseUrl}/patients/select`, {
      tab: "testtab0000000000001",
      patientId: "x",
    });
    expect(response.status).toBe(403);
  });
});
