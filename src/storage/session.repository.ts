/** Sessions in the database (both dialects). */
import type { Kysely, Selectable } from "kysely";
import type { NewSession, SessionRepository } from "../identity/identity.ports.ts";
import type {
  Cis2Role,
  DeviceProfile,
  Session,
  SessionEndReason,
  SignedInUser,
} from "../identity/identity.types.ts";
import { type PreparedQuery, prepareQuery } from "./prepared-query.ts";
import type { DatabaseSchema, SessionsTable } from "./schema.ts";

/** What a session is read as: everything but the token digest and CIS2's ID token, never needed to resolve it. */
export const SESSION_COLUMNS = [
  "id",
  "user_id",
  "user_name",
  "user_json",
  "role_id",
  "role_code",
  "role_name",
  "org_code",
  "org_name",
  "activity_codes",
  "cis2_sid",
  "acr",
  "amr",
  "authenticator",
  "aal",
  "auth_time",
  "workstation_id",
  "device_profile",
  "idle_seconds",
  "created_at",
  "last_seen_at",
  "absolute_expires_at",
  "ended_at",
  "end_reason",
] as const satisfies readonly (keyof SessionsTable)[];

export type SessionRow = Pick<Selectable<SessionsTable>, (typeof SESSION_COLUMNS)[number]>;

function roleOf(row: SessionRow): Cis2Role | null {
  if (!row.role_id || !row.org_code) return null;
  return {
    roleId: row.role_id,
    orgCode: row.org_code,
    ...(row.org_name ? { orgName: row.org_name } : {}),
    roleCode: row.role_code ?? "",
    roleName: row.role_name ?? "",
    activityCodes: JSON.parse(row.activity_codes) as string[],
  };
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    user: JSON.parse(row.user_json) as SignedInUser,
    role: roleOf(row),
    cis2Sid: row.cis2_sid,
    acr: row.acr,
    amr: JSON.parse(row.amr) as string[],
    authenticator: row.authenticator,
    authenticationAssurance: row.aal,
    authTime: new Date(row.auth_time),
    workstationId: row.workstation_id,
    deviceProfile: row.device_profile as DeviceProfile,
    idleSeconds: row.idle_seconds,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    absoluteExpiresAt: new Date(row.absolute_expires_at),
    endedAt: row.ended_at === null ? null : new Date(row.ended_at),
    endReason: row.end_reason as SessionEndReason | null,
  };
}

export class SqlSessionRepository implements SessionRepository {
  readonly #db: Kysely<DatabaseSchema>;
  /** Resolving a session runs on every request. */
  readonly #byTokenHash: PreparedQuery<SessionRow, "tokenHash">;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
    this.#byTokenHash = prepareQuery(db, ["tokenHash"], (db, v) =>
      db.selectFrom("sessions").select(SESSION_COLUMNS).where("token_hash", "=", v.tokenHash),
    );
  }

  /**
   * Organisation names CIS2 gave for these ODS codes at sign-in, from the sessions still kept (the
   * audit trail records codes only). A code no kept session names is left out.
   */
  async organisationNames(codes: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const wanted = [...new Set(codes)].slice(0, 500);
    if (wanted.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom("sessions")
      .select((eb) => ["org_code", eb.fn.max("org_name").as("org_name")])
      .where("org_code", "in", wanted)
      .where("org_name", "is not", null)
      .groupBy("org_code")
      .execute();
    return new Map(
      rows.flatMap((r) => (r.org_code && r.org_name ? [[r.org_code, r.org_name] as [string, string]] : [])),
    );
  }

  async insert(s: NewSession): Promise<void> {
    await this.#db
      .insertInto("sessions")
      .values({
        id: s.id,
        token_hash: s.tokenHash,
        user_id: s.user.id,
        user_name: s.user.name,
        user_json: JSON.stringify(s.user),
        role_id: s.role?.roleId ?? null,
        role_code: s.role?.roleCode ?? null,
        role_name: s.role?.roleName ?? null,
        org_code: s.role?.orgCode ?? null,
        org_name: s.role?.orgName ?? null,
        activity_codes: JSON.stringify(s.role?.activityCodes ?? []),
        cis2_sid: s.cis2Sid,
        acr: s.acr,
        amr: JSON.stringify(s.amr),
        authenticator: s.authenticator,
        aal: s.authenticationAssurance,
        auth_time: s.authTime.getTime(),
        id_token: s.idToken,
        workstation_id: s.workstationId,
        device_profile: s.deviceProfile,
        idle_seconds: s.idleSeconds,
        created_at: s.createdAt.getTime(),
        last_seen_at: s.lastSeenAt.getTime(),
        absolute_expires_at: s.absoluteExpiresAt.getTime(),
        ended_at: null,
        end_reason: null,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const [row] = await this.#byTokenHash({ tokenHash });
    return row ? toSession(row) : undefined;
  }

  async idTokenOf(sessionId: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom("sessions")
      .select("id_token")
      .where("id", "=", sessionId)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    return row?.id_token ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<Session[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom("sessions")
      .select(SESSION_COLUMNS)
      .where("id", "in", [...ids])
      .execute();
    return rows.map(toSession);
  }

  async touch(sessionId: string, at: Date): Promise<void> {
    await this.#db
      .updateTable("sessions")
      .set({ last_seen_at: at.getTime() })
      .where("id", "=", sessionId)
      .where("ended_at", "is", null)
      .where("last_seen_at", "<", at.getTime())
      .execute();
  }

  async end(sessionId: string, reason: SessionEndReason, at: Date): Promise<boolean> {
    // The ID token is dropped with the session: CIS2 tokens live no longer than the session needing them.
    const result = await this.#db
      .updateTable("sessions")
      .set({ ended_at: at.getTime(), end_reason: reason, id_token: null })
      .where("id", "=", sessionId)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async endWhere(
    match: { cis2Sid: string } | { userId: string; exceptId?: string } | { workstationId: string },
    reason: SessionEndReason,
    at: Date,
  ): Promise<Session[]> {
    let query = this.#db
      .updateTable("sessions")
      .set({ ended_at: at.getTime(), end_reason: reason, id_token: null })
      .where("ended_at", "is", null);
    if ("cis2Sid" in match) query = query.where("cis2_sid", "=", match.cis2Sid);
    else if ("workstationId" in match) query = query.where("workstation_id", "=", match.workstationId);
    else {
      query = query.where("user_id", "=", match.userId);
      if (match.exceptId) query = query.where("id", "!=", match.exceptId);
    }
    const rows = await query.returning(SESSION_COLUMNS).execute();
    return rows.map(toSession);
  }

  async countActive(now: Date): Promise<number> {
    const row = await this.#db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("ended_at", "is", null)
      .where("absolute_expires_at", ">", now.getTime())
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
