import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestDatabase, type TestDatabase } from "../../test/support/databases.ts";
import type { NewSession } from "../identity/identity.ports.ts";
import { SqlLoginTransactionRepository } from "./login-transaction.repository.ts";
import { SqlLogoutTokenReplayGuard } from "./logout-token-replay.repository.ts";
import { SqlSessionRepository } from "./session.repository.ts";
import { SqlWorkstationRepository } from "./workstation.repository.ts";

function newSession(overrides: Partial<NewSession> = {}): NewSession {
  const now = new Date("2026-11-22T10:00:00Z");
  return {
    id: randomUUID(),
    tokenHash: randomUUID(),
    idToken: "header.payload.signature",
    user: { id: "555000000001", name: "Amelia Hart", givenName: "Amelia" },
    role: {
      roleId: "555000000101",
      orgCode: "Y90001",
      orgName: "Riverside",
      roleCode: "S8000:G8000:R8000",
      roleName: "Clinical Practitioner Access Role",
      activityCodes: ["B0264"],
    },
    cis2Sid: "sid-1",
    acr: "AAL3_ANY",
    amr: ["N3_SMARTCARD"],
    authenticator: "smartcard-identity-agent",
    authenticationAssurance: 3,
    authTime: now,
    workstationId: null,
    deviceProfile: "shared",
    idleSeconds: 900,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: new Date(now.getTime() + 43_200_000),
    ...overrides,
  };
}

describe.each(dialects)("identity repositories on %s", (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
  });
  afterAll(async () => t.drop());

  it("stores a session and reads it back by token digest, role and all", async () => {
    const repo = new SqlSessionRepository(t.database.db);
    const session = newSession();
    await repo.insert(session);
    const found = await repo.findByTokenHash(session.tokenHash);
    expect(found?.user).toEqual(session.user);
    expect(found?.role).toEqual(session.role);
    expect(found?.absoluteExpiresAt.getTime()).toBe(session.absoluteExpiresAt.getTime());
    expect(found?.endedAt).toBeNull();
    expect(await repo.findByTokenHash("nope")).toBeUndefined();
  });

  it("ends a session once, dropping its ID token", async () => {
    const repo = new SqlSessionRepository(t.database.db);
    const session = newSession();
    await repo.insert(session);
    expect(await repo.end(session.id, "logout", new Date())).toBe(true);
    expect(await repo.end(session.id, "logout", new Date())).toBe(false);
    const row = await t.database.db
      .selectFrom("sessions")
      .select(["id_token", "end_reason"])
      .where("id", "=", session.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ id_token: null, end_reason: "logout" });
  });

  it("ends every active session with a CIS2 sid, and only those", async () => {
    const repo = new SqlSessionRepository(t.database.db);
    const sid = `sid-${randomUUID()}`;
    const a = newSession({ cis2Sid: sid });
    const b = newSession({ cis2Sid: sid });
    const other = newSession();
    for (const s of [a, b, other]) await repo.insert(s);
    const ended = await repo.endWhere({ cis2Sid: sid }, "backchannel_logout", new Date());
    expect(ended.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect((await repo.findByTokenHash(other.tokenHash))?.endedAt).toBeNull();
    expect(await repo.endWhere({ cis2Sid: sid }, "backchannel_logout", new Date())).toEqual([]);
  });

  it("ends a user's other sessions but not the one named", async () => {
    const repo = new SqlSessionRepository(t.database.db);
    const userId = `user-${randomUUID()}`;
    const keep = newSession({ user: { id: userId, name: "X" } });
    const drop = newSession({ user: { id: userId, name: "X" } });
    await repo.insert(keep);
    await repo.insert(drop);
    const ended = await repo.endWhere({ userId, exceptId: keep.id }, "signed_in_elsewhere", new Date());
    expect(ended.map((s) => s.id)).toEqual([drop.id]);
  });

  it("takes a login transaction exactly once", async () => {
    const repo = new SqlLoginTransactionRepository(t.database.db);
    const now = new Date();
    const t1 = {
      state: randomUUID(),
      nonce: "n",
      codeVerifier: "v",
      browserHash: "b",
      purpose: "sign_in" as const,
      returnTo: "/home",
      createdAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    };
    await repo.save(t1);
    const [first, second] = await Promise.all([repo.take(t1.state), repo.take(t1.state)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(first ?? second).toMatchObject({ nonce: "n", returnTo: "/home", purpose: "sign_in" });
  });

  it("remembers a logout-token jti once, even when raced", async () => {
    const guard = new SqlLogoutTokenReplayGuard(t.database.db);
    const jti = randomUUID();
    const now = new Date();
    const results = await Promise.all([
      guard.remember(jti, now, now),
      guard.remember(jti, now, now),
      guard.remember(jti, now, now),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("registers, finds and revokes a workstation", async () => {
    const repo = new SqlWorkstationRepository(t.database.db);
    const id = randomUUID();
    await repo.insert({
      id,
      name: "Ward 7",
      profile: "personal",
      registeredBy: "555000000003",
      registeredOrg: "Y90001",
      registeredAt: new Date(),
      lastSeenAt: null,
      revokedAt: null,
      deviceTokenHash: `h-${id}`,
    });
    expect((await repo.findByTokenHash(`h-${id}`))?.profile).toBe("personal");
    expect(await repo.revoke(id, new Date())).toBe(true);
    expect(await repo.revoke(id, new Date())).toBe(false);
    expect((await repo.findByTokenHash(`h-${id}`))?.revokedAt).toBeInstanceOf(Date);
  });
});
