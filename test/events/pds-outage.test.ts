/**
 * PDS failing for a while: events wait and retry with backoff, none is dead-lettered before the
 * maximum attempts, none is lost, and all are processed once PDS answers again. An event PDS cannot
 * satisfy is dead-lettered after exactly the maximum attempts, with the reason, and a replay
 * processes it. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../support/databases.ts";
import { type Harness, startHarness } from "./support/events-harness.ts";

const MAX_ATTEMPTS = 4;

describe.each(dialects)("PDS outages (%s)", (dialect) => {
  let h: Harness;
  const rows = (ids: readonly string[]) =>
    h.db.events.selectFrom("event_inbox").selectAll().where("external_id", "in", ids).execute();
  const scenario = (id: string | null) => h.pdsControl("PUT", "scenario", { scenario: id });
  /** Runs the worker until `done` holds for the rows (retries come due on their own). */
  async function workUntil(ids: readonly string[], done: (r: Awaited<ReturnType<typeof rows>>) => boolean) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await h.module.worker.runOnce();
      const current = await rows(ids);
      if (done(current)) return current;
      if (Date.now() > deadline)
        throw new Error(`not reached: ${JSON.stringify(current.map((r) => [r.status, r.attempts]))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeAll(async () => {
    h = await startHarness({
      dialect,
      settings: { maxAttempts: MAX_ATTEMPTS, retryBaseMs: 30, retryMaxMs: 60 },
    });
  });
  afterAll(() => h.close());

  it("keeps events waiting and retrying while PDS is down, then processes every one", async () => {
    await scenario("unavailable");
    const ids: string[] = [];
    for (const nhs of ["9991000038", "9991000046", "9991000038", "9693632109", "9991000046"]) {
      const sent = (await h.mnsControl("publish", { type: "pds-record-change-2", nhsNumber: nhs })) as {
        eventId: string;
      };
      ids.push(sent.eventId);
    }
    // Every event has failed at least twice; none has reached the maximum, so none is dead.
    const waiting = await workUntil(ids, (r) => r.every((e) => e.attempts >= 2));
    expect(waiting.map((r) => [r.status, r.last_error])).toEqual(
      Array(5).fill(["pending", "pds.unavailable"]),
    );
    expect(waiting.every((r) => r.attempts < MAX_ATTEMPTS)).toBe(true);
    expect(h.named("event.dead_lettered")).toHaveLength(0);
    const inboxIds = waiting.map((r) => r.id);
    const retries = h.named("event.retry_scheduled").filter((e) => inboxIds.includes(String(e["inboxId"])));
    expect(retries.length).toBe(waiting.reduce((n, r) => n + r.attempts, 0));

    await scenario(null);
    await h.drain();
    const finished = await rows(ids);
    expect(finished).toHaveLength(5);
    expect(finished.every((r) => r.status === "processed")).toBe(true);
    const reported = h.named("event.processed").filter((e) => ids.includes(String(e["externalId"])));
    expect(reported).toHaveLength(5);
  });

  it("dead-letters after exactly the maximum attempts, with the reason, and a replay processes it", async () => {
    await scenario("unavailable");
    const sent = (await h.mnsControl("publish", { type: "pds-change-of-gp-2", nhsNumber: "9000000009" })) as {
      eventId: string;
    };
    const [dead] = await workUntil([sent.eventId], (r) => r[0]?.status === "dead");
    expect(dead).toMatchObject({
      attempts: MAX_ATTEMPTS,
      last_error: `pds.unavailable (after ${MAX_ATTEMPTS} attempts)`,
    });
    const letters = h.named("event.dead_lettered").filter((e) => e["inboxId"] === dead?.id);
    expect(letters).toHaveLength(1);
    expect(h.named("event.retry_scheduled").filter((e) => e["inboxId"] === dead?.id)).toHaveLength(
      MAX_ATTEMPTS - 1,
    );

    await scenario(null);
    expect(await h.module.admin.replay({ kind: "dead" }, { cli: "test" }, "replay-test")).toBe(1);
    await h.drain();
    const [done] = await rows([sent.eventId]);
    expect(done).toMatchObject({ status: "processed", outcome: "applied", attempts: 1, generation: 1 });
    expect(h.named("event.processed").filter((e) => e["inboxId"] === dead?.id)).toMatchObject([
      { generation: 1, dedupeKey: `${dead?.id}/1` },
    ]);
    expect(h.named("event.replayed").at(-1)).toMatchObject({ scope: "dead", count: 1, by: { cli: "test" } });
  });

  it("waits for PDS to catch up with a version it has not reached, then gives up", async () => {
    const event = {
      specversion: "1.0",
      id: "3f9e8d7c-6b5a-4f4e-9d3c-2b1a0f9e8d7c",
      source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
      type: "pds-record-change-2",
      time: new Date().toISOString(),
      subject: "9693632109",
      versionid: "999",
    };
    expect((await h.post(JSON.stringify(event), "application/cloudevents+json")).status).toBe(202);
    const [dead] = await workUntil([event.id], (r) => r[0]?.status === "dead");
    expect(dead?.last_error).toBe(`events.pds_behind (after ${MAX_ATTEMPTS} attempts)`);
  });
});
