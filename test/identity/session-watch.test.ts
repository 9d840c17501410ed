/**
 * The session watch on a real database (both dialects): every page watching a session is told
 * once when it ends, for whatever reason, in one look for all of them; time-outs are found and
 * recorded as the sessions' ends.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus } from "../../src/domain-events.ts";
import type { NewSession } from "../../src/identity/identity.ports.ts";
import { SessionService } from "../../src/identity/session.service.ts";
import { SessionWatch } from "../../src/identity/session-watch.ts";
import { SqlSessionRepository } from "../../src/storage/session.repository.ts";
import { dialects, openTestDatabase, type TestDatabase } from "../support/databases.ts";

const START = new Date("2026-12-07T09:00:00Z");

function newSession(idleSeconds = 900): NewSession {
  return {
    id: randomUUID(),
    tokenHash: randomUUID(),
    idToken: "header.payload.signature",
    user: { id: "555000000001", name: "Amelia Hart", givenName: "Amelia" },
    role: null,
    cis2Sid: `sid-${randomUUID()}`,
    acr: "AAL3_ANY",
    amr: ["N3_SMARTCARD"],
    authenticator: "smartcard-identity-agent",
    authenticationAssurance: 3,
    authTime: START,
    workstationId: null,
    deviceProfile: "shared",
    idleSeconds,
    createdAt: START,
    lastSeenAt: START,
    absoluteExpiresAt: new Date(START.getTime() + 3_600_000),
  };
}

describe.each(dialects)("the session watch on %s", (dialect) => {
  let t: TestDatabase;
  let now = START;
  let repo: SqlSessionRepository;
  let sessions: SessionService;
  const ended: string[] = [];
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    repo = new SqlSessionRepository(t.database.db);
    const events = createEventBus();
    events.on("session.ended", (e) => void ended.push(e.reason));
    const lifetime = { idleSeconds: 900, absoluteSeconds: 3600 };
    sessions = new SessionService({
      sessions: repo,
      events,
      clock: { now: () => now },
      lifetimes: { shared: lifetime, personal: lifetime, tablet: lifetime },
      touchIntervalSeconds: 60,
      singleSessionPerUser: false,
    });
  });
  afterAll(async () => t.drop());

  it("tells every page of a session when it ends, in one look for all of them", async () => {
    const [open, loggedOut, idle] = [newSession(), newSession(), newSession(60)];
    for (const s of [open, loggedOut, idle]) await repo.insert(s);
    const watch = new SessionWatch({ sessions, pollMs: 60_000 });
    const told: string[] = [];
    watch.watch(open.id, (r) => told.push(`open ${r}`));
    watch.watch(loggedOut.id, (r) => told.push(`first tab ${r}`));
    watch.watch(loggedOut.id, (r) => told.push(`second tab ${r}`));
    watch.watch(idle.id, (r) => told.push(`idle ${r}`));
    watch.watch(randomUUID(), (r) => told.push(`gone ${r}`));
    await watch.look();
    expect(told).toEqual(["gone ended"]);
    await repo.end(loggedOut.id, "logout", now);
    now = new Date(START.getTime() + 61_000);
    await watch.look();
    expect(told.sort()).toEqual(["first tab logout", "gone ended", "idle idle_timeout", "second tab logout"]);
    // The time-out is recorded as the session's end, as a request would have found it.
    expect(ended).toEqual(["idle_timeout"]);
    await watch.look();
    expect(told).toHaveLength(4);
    watch.stop();
  });
});
