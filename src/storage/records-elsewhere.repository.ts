/**
 * The NRL pointer cache and what viewers have seen of a patient's pointers (both dialects).
 * Metadata only: the cached JSON is our `RecordPointer`s, which carry no NHS number and no
 * document. Housekeeping deletes both past their use.
 */
import type { Kysely, Transaction } from "kysely";
import type { RecordPointer } from "../records/record-pointer.ts";
import type {
  CachedPointers,
  NewPointer,
  PointerCacheStore,
  SeenPointerStore,
} from "../records/records.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

/** The row marking that a viewer has looked at the patient at all. */
const LOOKED = "*";

export class SqlPointerCache implements PointerCacheStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async get(patientId: string, odsCode: string): Promise<CachedPointers | null> {
    const row = await this.#db
      .selectFrom("nrl_pointer_cache")
      .selectAll()
      .where("patient_id", "=", patientId)
      .where("ods_code", "=", odsCode)
      .executeTakeFirst();
    if (!row) return null;
    return {
      patientId: row.patient_id,
      odsCode: row.ods_code,
      outcome: row.outcome === "none_for_organisation" ? "none_for_organisation" : "found",
      pointers: JSON.parse(row.pointers_json) as RecordPointer[],
      refused: Number(row.refused),
      checkedAt: new Date(Number(row.checked_at)),
      expiresAt: new Date(Number(row.expires_at)),
    };
  }

  async put(entry: CachedPointers): Promise<void> {
    const values = {
      outcome: entry.outcome,
      pointers_json: JSON.stringify(entry.pointers),
      refused: entry.refused,
      checked_at: entry.checkedAt.getTime(),
      expires_at: entry.expiresAt.getTime(),
    };
    await this.#db
      .insertInto("nrl_pointer_cache")
      .values({ patient_id: entry.patientId, ods_code: entry.odsCode, ...values })
      .onConflict((oc) => oc.columns(["patient_id", "ods_code"]).doUpdateSet(values))
      .execute();
  }

  async invalidate(patientId: string): Promise<number> {
    const result = await this.#db
      .deleteFrom("nrl_pointer_cache")
      .where("patient_id", "=", patientId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

export class SqlSeenPointers implements SeenPointerStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async look(
    scope: string,
    patientId: string,
    pointers: readonly RecordPointer[],
    now: Date,
  ): Promise<readonly string[]> {
    // A look that finds nothing new, by a viewer who looked within the hour, writes nothing: the
    // page is shown far more often than NRL changes, and a write per view would block the others.
    const before = await this.#seenAt(this.#db, scope, patientId);
    if (!needsWrite(before, pointers, now)) return [];
    return this.#db.transaction().execute(async (trx) => {
      const known = await this.#seenAt(trx, scope, patientId);
      const firstLook = !known.has(LOOKED);
      const unseen = pointers.filter((p) => !known.has(p.id));
      const rows = [
        ...(firstLook ? [{ id: LOOKED, pointer: null }] : []),
        ...unseen.map((p) => ({ id: p.id, pointer: p })),
      ].map(({ id, pointer }) => ({
        scope,
        patient_id: patientId,
        pointer_id: id,
        type_code: pointer?.type.code ?? null,
        type_display: pointer?.type.display ?? null,
        custodian: pointer?.custodian ?? null,
        seen_at: now.getTime(),
        new_at: firstLook || pointer === null ? null : now.getTime(),
        dismissed_at: null,
      }));
      // Another tab's look at the same moment may have written some first: theirs stands.
      if (rows.length > 0)
        await trx
          .insertInto("nrl_pointer_seen")
          .values(rows)
          .onConflict((oc) => oc.columns(["scope", "patient_id", "pointer_id"]).doNothing())
          .execute();
      await trx
        .updateTable("nrl_pointer_seen")
        .set({ seen_at: now.getTime() })
        .where("scope", "=", scope)
        .where("patient_id", "=", patientId)
        .where("pointer_id", "in", [LOOKED, ...pointers.map((p) => p.id)])
        .execute();
      return firstLook ? [] : unseen.map((p) => p.id);
    });
  }

  /** When this viewer last looked at each pointer of the patient (and `LOOKED`, at the list). */
  async #seenAt(
    db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
    scope: string,
    patientId: string,
  ): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom("nrl_pointer_seen")
      .select(["pointer_id", "seen_at"])
      .where("scope", "=", scope)
      .where("patient_id", "=", patientId)
      .execute();
    return new Map(rows.map((r) => [r.pointer_id, Number(r.seen_at)]));
  }

  async pending(scope: string, patientId: string): Promise<readonly NewPointer[]> {
    const rows = await this.#db
      .selectFrom("nrl_pointer_seen")
      .selectAll()
      .where("scope", "=", scope)
      .where("patient_id", "=", patientId)
      .where("new_at", "is not", null)
      .where("dismissed_at", "is", null)
      .orderBy("new_at", "asc")
      .orderBy("pointer_id", "asc")
      .execute();
    return rows.map((r) => ({
      pointerId: r.pointer_id,
      typeCode: r.type_code ?? "",
      typeDisplay: r.type_display ?? "",
      custodian: r.custodian ?? "",
      newAt: new Date(Number(r.new_at)),
    }));
  }

  async dismiss(scope: string, patientId: string, now: Date): Promise<number> {
    const result = await this.#db
      .updateTable("nrl_pointer_seen")
      .set({ dismissed_at: now.getTime() })
      .where("scope", "=", scope)
      .where("patient_id", "=", patientId)
      .where("new_at", "is not", null)
      .where("dismissed_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

/** How long a look keeps a viewer's "seen" rows fresh for housekeeping before it is written again. */
const TOUCH_EVERY_MS = 3_600_000;

/** Whether a look must write: a first look, a pointer not seen before, or a row not touched within the hour. */
function needsWrite(
  seen: ReadonlyMap<string, number>,
  pointers: readonly RecordPointer[],
  now: Date,
): boolean {
  const oldest = now.getTime() - TOUCH_EVERY_MS;
  return [LOOKED, ...pointers.map((p) => p.id)].some((id) => (seen.get(id) ?? -1) < oldest);
}

/** Housekeeping: cache entries expired before `cutoff`, and viewers' looks last made before it. */
export async function deleteRecordsElsewhereBefore(
  db: Kysely<DatabaseSchema>,
  cutoff: Date,
): Promise<{ pointerCache: number; pointerSeen: number }> {
  const cache = await db
    .deleteFrom("nrl_pointer_cache")
    .where("expires_at", "<", cutoff.getTime())
    .executeTakeFirst();
  const seen = await db
    .deleteFrom("nrl_pointer_seen")
    .where("seen_at", "<", cutoff.getTime())
    .executeTakeFirst();
  return { pointerCache: Number(cache.numDeletedRows), pointerSeen: Number(seen.numDeletedRows) };
}
