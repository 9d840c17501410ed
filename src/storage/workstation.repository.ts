/** Registered workstations (both dialects). */
import type { Kysely, Selectable } from "kysely";
import type { WorkstationRepository } from "../identity/identity.ports.ts";
import type { DeviceProfile, Workstation } from "../identity/identity.types.ts";
import type { DatabaseSchema, WorkstationsTable } from "./schema.ts";

function toWorkstation(row: Selectable<WorkstationsTable>): Workstation {
  return {
    id: row.id,
    name: row.name,
    profile: row.profile as DeviceProfile,
    registeredBy: row.registered_by,
    registeredOrg: row.registered_org,
    registeredAt: new Date(row.registered_at),
    lastSeenAt: row.last_seen_at === null ? null : new Date(row.last_seen_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  };
}

export class SqlWorkstationRepository implements WorkstationRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(w: Workstation & { readonly deviceTokenHash: string }): Promise<void> {
    await this.#db
      .insertInto("workstations")
      .values({
        id: w.id,
        name: w.name,
        profile: w.profile,
        device_token_hash: w.deviceTokenHash,
        registered_by: w.registeredBy,
        registered_org: w.registeredOrg,
        registered_at: w.registeredAt.getTime(),
        last_seen_at: w.lastSeenAt?.getTime() ?? null,
        revoked_at: null,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<Workstation | undefined> {
    const row = await this.#db
      .selectFrom("workstations")
      .selectAll()
      .where("device_token_hash", "=", tokenHash)
      .executeTakeFirst();
    return row ? toWorkstation(row) : undefined;
  }

  async list(): Promise<Workstation[]> {
    const rows = await this.#db
      .selectFrom("workstations")
      .selectAll()
      .orderBy("registered_at", "desc")
      .execute();
    return rows.map(toWorkstation);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable("workstations")
      .set({ revoked_at: at.getTime() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.#db
      .updateTable("workstations")
      .set({ last_seen_at: at.getTime() })
      .where("id", "=", id)
      .execute();
  }
}
