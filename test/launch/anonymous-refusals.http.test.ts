/**
 * Anyone can reach the launch endpoint and the change-event intake. What nobody can be named for (a
 * launch id never issued, pressed without a session; a delivery whose signature fails) is counted
 * into one audit record per period, not written one record each, and limited per client address.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { pressLaunch } from "../support/launch.ts";
import { metricValue } from "../support/metrics.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const LIMIT = 5;

describe("refusals nobody can be named for", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { RATE_LIMIT_ANONYMOUS_REFUSALS_PER_MINUTE: String(LIMIT), REFUSAL_TALLY_SECONDS: "1" },
    });
  });
  afterAll(async () => stack?.close());

  const records = (type: string) =>
    stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "details", "user_id"])
      .where("event_type", "=", type)
      .execute();
  const tallied = async (code: string) =>
    (await records("refusals.tallied"))
      .map((r) => JSON.parse(r.details ?? "{}") as { code: string; count: number })
      .filter((d) => d.code.startsWith(code))
      .reduce((n, d) => n + d.count, 0);
  const junkId = () => randomBytes(18).toString("base64url");

  it("anyone can write permanent audit records: presses of unknown launch ids without a session are counted into one record, not one each", async () => {
    const blockedBefore = (await records("launch.blocked")).length;
    for (let i = 0; i < LIMIT - 1; i++) {
      const response = await pressLaunch(new HttpAgent(), stack.baseUrl, junkId());
      expect(response.status).toBe(404);
      expect(response.body).toContain("launch.unknown_launch");
    }
    expect((await records("launch.blocked")).length).toBe(blockedBefore);
    await expect.poll(() => tallied("launch.unknown_launch"), { timeout: 5000 }).toBe(LIMIT - 1);
    expect(
      await metricValue(stack.baseUrl, "ncrs_anonymous_refusals_total", {
        channel: "launch",
        code: "launch.unknown_launch",
      }),
    ).toBe(LIMIT - 1);
  });

  it("anyone can write permanent audit records: past its limit an address gets 429, and a signed-in clinician there is neither limited nor merely counted", async () => {
    expect((await pressLaunch(new HttpAgent(), stack.baseUrl, junkId())).status).toBe(404);
    const limited = await pressLaunch(new HttpAgent(), stack.baseUrl, junkId());
    expect(limited.status).toBe(429);
    expect(limited.body).toContain("request.rate_limited");
    expect(
      await metricValue(stack.baseUrl, "ncrs_anonymous_refusals_limited_total", { channel: "launch" }),
    ).toBe(1);
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    const blockedBefore = (await records("launch.blocked")).length;
    expect((await pressLaunch(clinician, stack.baseUrl, junkId())).status).toBe(404);
    const blocked = await records("launch.blocked");
    expect(blocked.length).toBe(blockedBefore + 1);
    expect(blocked.at(-1)).toMatchObject({ user_id: USERS.singleRole, outcome: "blocked.unknown_launch" });
  });

  it("anyone can write permanent audit records: unsigned change events are counted, not recorded one each, and limited per address", async () => {
    const post = () =>
      fetch(`${stack.baseUrl}/api/v1/events/mns`, {
        method: "POST",
        headers: { "content-type": "application/cloudevents+json", "x-mns-signature": "t=1,v1=00" },
        body: JSON.stringify({ specversion: "1.0", id: junkId() }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429, 429]);
    expect(await records("event.rejected")).toEqual([]);
    await expect.poll(() => tallied("events.signature"), { timeout: 5000 }).toBe(LIMIT);
  });

  it("a caller's correlation id never joins another's journey: an anonymous press naming a clinician's correlation id adds nothing to their timeline", async () => {
    const clinician = new HttpAgent();
    await signIn(clinician, stack.baseUrl, { user: USERS.singleRole });
    const home = await clinician.get(`${stack.baseUrl}/patients?tab=journeytab0000000001`);
    const theirs = home.headers.get("x-correlation-id") as string;
    const journey = () =>
      stack.built.database.db
        .selectFrom("audit_records")
        .select("seq")
        .where("correlation_id", "=", theirs)
        .execute();
    const before = (await journey()).length;
    const forged = await new HttpAgent().postForm(
      `${stack.baseUrl}/launch`,
      { launch_id: junkId() },
      { "x-correlation-id": theirs },
    );
    expect(forged.headers.get("x-correlation-id")).not.toBe(theirs);
    expect(forged.headers.get("x-caller-correlation-id")).toBe(theirs);
    await stack.built.audit.trail.drain();
    expect((await journey()).length).toBe(before);
  });

  it("the launch overview counts no anonymous junk among the refused launches", async () => {
    const admin = new HttpAgent();
    await signIn(admin, stack.baseUrl, { user: USERS.admin });
    const page = await admin.get(`${stack.baseUrl}/admin/launches?period=1h`);
    expect(page.body).toMatch(/data-testid="refused">1</);
  });
});
