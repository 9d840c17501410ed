/**
 * PDS_AUTH=user over real HTTP: a clinician's "Check details with PDS" reaches PDS as that
 * clinician, with a token the simulated API platform exchanged for their CIS2 ID token, while
 * the service's own reads (a change event being processed) go with the application's access.
 * Storage is not touched beyond reading the session's ID token, so one dialect suffices.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { checkWithPds, selectPatient } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

interface LoggedRead {
  readonly path: string;
  readonly status: number | null;
  readonly tokenUser: string | null;
}

describe("PDS read as the signed-in clinician (PDS_AUTH=user)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { PDS_AUTH: "user" } });
  });
  afterAll(async () => stack.close());

  async function readsOf(nhs: string): Promise<LoggedRead[]> {
    const body = (await (await fetch(`${stack.pds.origin}/_sim/requests?limit=1000`)).json()) as {
      requests: LoggedRead[];
    };
    return body.requests.filter((r) => r.path.endsWith(`/Patient/${nhs}`));
  }

  it("each clinician's check reaches PDS as that clinician", async () => {
    const nurse = { user: USERS.multiRole, role: "555000000201" };
    for (const choice of [{ user: USERS.singleRole }, nurse]) {
      const agent = new HttpAgent();
      await signIn(agent, stack.baseUrl, choice);
      const page = await selectPatient(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
      const check = await checkWithPds(agent, stack.baseUrl, page);
      expect(check.body).toContain('data-testid="comparison-name"');
    }
    expect((await readsOf("9991000054")).map((r) => [r.status, r.tokenUser])).toEqual([
      [200, USERS.singleRole],
      [200, USERS.multiRole],
    ]);
  });

  it("a change event is processed with the application's own access: nobody is signed in for it", async () => {
    const published = await fetch(`${stack.mns.origin}/_sim/publish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "pds-change-of-gp-2", nhsNumber: "9991000038" }),
    });
    expect(published.status).toBe(200);
    await expect
      .poll(async () => (await readsOf("9991000038")).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect((await readsOf("9991000038")).map((r) => [r.status, r.tokenUser])).toEqual([[200, null]]);
  });
});
