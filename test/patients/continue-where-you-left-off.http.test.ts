/**
 * "Log in again to continue where you left off" keeps its promise: after signing out (or timing
 * out) with a patient open, the same user signing in again comes back to that patient, through the
 * confirmation step; a different user on the same browser never does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { selectPatient } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe("continue where you left off", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  async function patientOpenThenSignedOut(): Promise<{ agent: HttpAgent; path: string }> {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await selectPatient(agent, stack.baseUrl, "Whitfield", "RX1-000107");
    await agent.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(page.body) });
    return { agent, path: new URL(page.url).pathname };
  }

  it("continue where you left off: the same user signing in again comes back to the patient, through the confirmation step", async () => {
    const { agent, path } = await patientOpenThenSignedOut();
    const signedOut = await agent.get(
      `${stack.baseUrl}/signed-out?${new URLSearchParams({ reason: "idle_timeout", return_to: path })}`,
    );
    const login = signedOut.body
      .match(/href="(\/auth\/login\?return_to=[^"]+)"/)?.[1]
      ?.replaceAll("&amp;", "&");
    expect(login).toContain(encodeURIComponent(path));
    const back = await signIn(agent, stack.baseUrl, { user: USERS.singleRole, start: login ?? "" });
    expect(back.url).toMatch(/\/patients\/[0-9a-f-]{36}\/resume$/);
    expect(back.body).toContain("WHITFIELD, Margaret Ellen (Mrs)");
    expect(back.body).toContain('data-testid="resume-patient"');
    expect(back.body).not.toContain("This patient selection is not available");
  });

  it("continue where you left off: a different user signing in on the same browser never comes back to it", async () => {
    const { agent, path } = await patientOpenThenSignedOut();
    const other = await signIn(agent, stack.baseUrl, {
      user: USERS.aal2Only,
      authenticator: "authenticator-app",
      start: `/auth/login?${new URLSearchParams({ return_to: path })}`,
    });
    expect(other.status).toBe(404);
    expect(other.body).toContain("This patient selection is not available");
    expect(other.body).not.toContain("WHITFIELD");
  });
});
