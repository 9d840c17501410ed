/**
 * The admin page, its API and the CLI commands, over HTTP with a real CIS2 sign-in: only
 * administrators see the inbox; they can find events (by status, type, NHS number), read one with
 * its raw body, and replay one, a time range, the dead letters or everything, with CSRF protection
 * on every change. Both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEventAdmin } from "../../src/composition/events.composition.ts";
import type { DomainEvents } from "../../src/domain-events.ts";
import { runEventsCommand } from "../../src/events/events.cli.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { dialects } from "../support/databases.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { TEST_KEYS } from "./support/events-system.ts";
import { type EventsWeb, startEventsWeb } from "./support/events-web.ts";

describe.each(dialects)("event admin (%s)", (dialect) => {
  let web: EventsWeb;
  let admin: HttpAgent;
  const ids: string[] = [];
  // Settled: nothing waiting, and every outcome reported (a replay leaves an unreported one alone).
  const unreported = async () =>
    (
      await web.db.events
        .selectFrom("event_inbox")
        .select("id")
        .where("report_due_at", "is not", null)
        .execute()
    ).length;
  const processedAll = async () => {
    for (let i = 0; i < 800 && ((await web.module.counts()).backlog > 0 || (await unreported()) > 0); i++)
      await new Promise((r) => setTimeout(r, 25));
  };
  const row = (externalId: string) =>
    web.db.events
      .selectFrom("event_inbox")
      .selectAll()
      .where("external_id", "=", externalId)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    web = await startEventsWeb(dialect);
    admin = new HttpAgent();
    expect((await signIn(admin, web.baseUrl, { user: USERS.admin })).status).toBe(200);
    for (const [type, nhs] of [
      ["pds-change-of-gp-2", "9991000038"],
      ["pds-death-notification-2", "9991000046"],
      ["pds-record-change-2", "9991000038"],
    ] as const)
      ids.push(((await web.mnsControl("publish", { type, nhsNumber: nhs })) as { eventId: string }).eventId);
    await web.mnsControl("unknown-patient", {});
    await processedAll();
  });
  afterAll(() => web.close());

  it("is for administrators only", async () => {
    const clinician = new HttpAgent();
    await signIn(clinician, web.baseUrl, { user: USERS.singleRole });
    expect((await clinician.get(`${web.baseUrl}/admin/events`)).status).toBe(403);
    expect(
      (await clinician.get(`${web.baseUrl}/api/v1/admin/events`, { accept: "application/json" })).status,
    ).toBe(403);
    const anonymous = await new HttpAgent().get(`${web.baseUrl}/admin/events`);
    expect(anonymous.status).toBe(303);
  });

  it("lists events with the inbox's counts, and finds them by status, type and NHS number", async () => {
    const page = await admin.get(`${web.baseUrl}/admin/events`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("National change events");
    expect(page.body.match(/data-testid="event-row"/g)).toHaveLength(4);
    expect(page.body).toContain("999 100 0038");
    const byNumber = await admin.postForm(`${web.baseUrl}/admin/events`, {
      nhs: "999 100 0038",
      _csrf: csrfTokenIn(page.body),
    });
    expect(byNumber.body.match(/data-testid="event-row"/g)).toHaveLength(2);
    const skipped = await admin.get(`${web.baseUrl}/admin/events?status=skipped`);
    expect(skipped.body.match(/data-testid="event-row"/g)).toHaveLength(1);
    expect(skipped.body).toContain("Patient not held here");
    const deaths = await admin.get(`${web.baseUrl}/admin/events?type=pds-death-notification-2`);
    expect(deaths.body.match(/data-testid="event-row"/g)).toHaveLength(1);
    const none = await admin.postForm(`${web.baseUrl}/admin/events`, {
      nhs: "123",
      _csrf: csrfTokenIn(page.body),
    });
    expect(none.body).toContain('data-testid="no-events"');
  });

  it("never takes an NHS number in a link, and searches by one only with the form's CSRF token", async () => {
    const inUrl = await admin.get(`${web.baseUrl}/admin/events?nhs=999+100+0038`);
    expect(inUrl.status).toBe(400);
    expect(inUrl.body).toContain("events.nhs_number_in_url");
    const api = await admin.get(`${web.baseUrl}/api/v1/admin/events?nhs=9991000038`, {
      accept: "application/json",
    });
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body).error.code).toBe("events.nhs_number_in_url");
    expect((await admin.postForm(`${web.baseUrl}/admin/events`, { nhs: "999 100 0038" })).status).toBe(403);
    const post = (headers: Record<string, string>) =>
      admin.request(`${web.baseUrl}/api/v1/admin/events/search`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify({ nhs: "9991000038" }),
      });
    expect((await post({})).status).toBe(403);
    const csrf = csrfTokenIn((await admin.get(`${web.baseUrl}/admin/events`)).body);
    const search = await post({ "x-csrf-token": csrf });
    expect(search.status).toBe(200);
    expect(JSON.parse(search.body).events).toHaveLength(2);
  });

  it("shows one event with its facts and the body as received", async () => {
    const id = (await row(ids[1] as string)).id;
    const page = await admin.get(`${web.baseUrl}/admin/events/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Death (pds-death-notification-2)");
    expect(page.body).toContain("999 100 0046");
    expect(page.body).toContain(ids[1]);
    expect(page.body).toContain("&quot;subject&quot;: &quot;9991000046&quot;");
    expect((await admin.get(`${web.baseUrl}/admin/events/00000000-0000-4000-8000-000000000000`)).status).toBe(
      404,
    );
  });

  it("replays one event from its page, only with the form's CSRF token", async () => {
    const id = (await row(ids[0] as string)).id;
    const page = await admin.get(`${web.baseUrl}/admin/events/${id}`);
    const forged = await admin.postForm(`${web.baseUrl}/admin/events/${id}/replay`, {});
    expect(forged.status).toBe(403);
    const replayed = await admin.postForm(`${web.baseUrl}/admin/events/${id}/replay`, {
      _csrf: csrfTokenIn(page.body),
    });
    expect(replayed.status).toBe(303);
    expect(replayed.location).toBe(`${web.baseUrl}/admin/events/${id}?replayed=1`);
    await processedAll();
    expect(await row(ids[0] as string)).toMatchObject({
      status: "processed",
      generation: 1,
      outcome: "stale",
    });
  });

  it("replays a time range and everything, the latter only when confirmed", async () => {
    const list = await admin.get(`${web.baseUrl}/admin/events`);
    const csrf = csrfTokenIn(list.body);
    const range = await admin.postForm(`${web.baseUrl}/admin/events/replay`, {
      _csrf: csrf,
      scope: "range",
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(range.location).toBe(`${web.baseUrl}/admin/events?replayed=4`);
    await processedAll();
    const unconfirmed = await admin.postForm(`${web.baseUrl}/admin/events/replay`, {
      _csrf: csrf,
      scope: "all",
    });
    expect(unconfirmed.status).toBe(400);
    const all = await admin.postForm(`${web.baseUrl}/admin/events/replay`, {
      _csrf: csrf,
      scope: "all",
      confirm: "yes",
    });
    expect(all.location).toBe(`${web.baseUrl}/admin/events?replayed=4`);
    expect((await admin.get(all.location as string)).body).toContain("4 events queued for processing again.");
    await processedAll();
    expect((await row(ids[2] as string)).generation).toBe(2);
  });

  it("answers the same over its JSON API, with the CSRF token in a header for changes", async () => {
    const json = await admin.get(`${web.baseUrl}/api/v1/admin/events?status=processed`, {
      accept: "application/json",
    });
    const body = JSON.parse(json.body) as {
      summary: { byStatus: Record<string, number> };
      events: Record<string, unknown>[];
    };
    expect(body.summary.byStatus["processed"]).toBe(3);
    expect(body.events).toHaveLength(3);
    expect(body.events[0]).not.toHaveProperty("payloadSealed");
    const id = String(body.events[0]?.["id"]);
    const detail = JSON.parse(
      (await admin.get(`${web.baseUrl}/api/v1/admin/events/${id}`, { accept: "application/json" })).body,
    );
    expect(detail.event.nhsNumber).toMatch(/^\d{10}$/);
    const refused = await admin.request(`${web.baseUrl}/api/v1/admin/events/replay`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ id }),
    });
    expect(refused.status).toBe(403);
    const token = csrfTokenIn((await admin.get(`${web.baseUrl}/admin/events`)).body);
    const replayed = await admin.request(`${web.baseUrl}/api/v1/admin/events/replay`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": token },
      body: JSON.stringify({ id }),
    });
    expect(JSON.parse(replayed.body)).toEqual({ replayed: 1 });
    await processedAll();
  });

  it("offers the same through the operations CLI commands, built as the CLI builds them", async () => {
    const cli = buildEventAdmin({
      database: web.db.database,
      payloadKeys: TEST_KEYS,
      indexer: web.protection,
      keysDir: "/nonexistent",
      events: {
        emit: async (name, payload) => {
          await web.bus.emit(name, payload as DomainEvents[typeof name]);
        },
      },
      clock: systemClock,
    });
    const summary = await runEventsCommand(cli, ["summary"], "operator");
    expect(summary).toMatch(/processed\s+3/);
    expect(summary).toMatch(/skipped\s+1/);
    const listed = await runEventsCommand(
      web.module.admin,
      ["list", "--nhs-number", "9991000046"],
      "operator",
    );
    expect(listed.split("\n")).toHaveLength(1);
    const id = listed.split("  ")[0] as string;
    expect(await runEventsCommand(cli, ["show", id], "operator")).toContain('"subject": "9991000046"');
    expect(await runEventsCommand(cli, ["replay", id], "operator")).toMatch(/^1 event queued/);
    await processedAll();
    expect(await runEventsCommand(cli, ["replay", "--dead"], "operator")).toMatch(/^0 events queued/);
    expect(await runEventsCommand(cli, ["replay", "--all"], "operator")).toMatch(/^4 events queued/);
    await processedAll();
    await expect(runEventsCommand(cli, ["replay"], "operator")).rejects.toThrow(/usage/);
    await expect(runEventsCommand(cli, ["list", "--status", "odd"], "operator")).rejects.toThrow(/--status/);
  });
});
