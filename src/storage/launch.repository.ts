/** Issued launches (both dialects). Single use and the browser outcome are decided in one statement each. */
import type { Kysely, Selectable } from "kysely";
import type { LaunchIntentRepository } from "../launch/launch.ports.ts";
import type { BrowserOutcome, LaunchActor, LaunchIntent, LaunchSource } from "../launch/launch.types.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import type { DatabaseSchema, LaunchIntentsTable } from "./schema.ts";

function toIntent(row: Selectable<LaunchIntentsTable>): LaunchIntent {
  return {
    ref: row.ref,
    tokenHash: row.token_hash,
    actor: JSON.parse(row.actor_json) as LaunchActor,
    contextId: row.context_id,
    patientId: row.patient_id,
    nhsNumber: nhsNumber(row.nhs_number),
    source: row.source as LaunchSource,
    encounterId: row.encounter_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    usedAt: row.used_at === null ? null : new Date(row.used_at),
    outcome: row.outcome,
    browserOutcome: row.browser_outcome as BrowserOutcome | null,
  };
}

export class SqlLaunchIntentRepository implements LaunchIntentRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(i: LaunchIntent): Promise<void> {
    await this.#db
      .insertInto("launch_intents")
      .values({
        ref: i.ref,
        token_hash: i.tokenHash,
        actor_json: JSON.stringify(i.actor),
        session_id: i.actor.sessionId,
        context_id: i.contextId,
        patient_id: i.patientId,
        nhs_number: i.nhsNumber,
        source: i.source,
        encounter_id: i.encounterId,
        created_at: i.createdAt.getTime(),
        expires_at: i.expiresAt.getTime(),
        used_at: null,
        outcome: null,
        browser_outcome: null,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<LaunchIntent | undefined> {
    const row = await this.#db
      .selectFrom("launch_intents")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    return row ? toIntent(row) : undefined;
  }

  async claim(tokenHash: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable("launch_intents")
      .set({ used_at: at.getTime() })
      .where("token_hash", "=", tokenHash)
      .where("used_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordOutcome(tokenHash: string, outcome: string): Promise<void> {
    await this.#db
      .updateTable("launch_intents")
      .set({ outcome })
      .where("token_hash", "=", tokenHash)
      .where("outcome", "is", null)
      .execute();
  }

  async lastLaunched(sessionId: string, patientId: string, since: Date): Promise<LaunchIntent | undefined> {
    const row = await this.#db
      .selectFrom("launch_intents")
      .selectAll()
      .where("session_id", "=", sessionId)
      .where("patient_id", "=", patientId)
      .where("used_at", ">=", since.getTime())
      .where("outcome", "=", "launched")
      .orderBy("used_at", "desc")
      .executeTakeFirst();
    return row ? toIntent(row) : undefined;
  }

  async recordBrowserOutcome(ref: string, sessionId: string, outcome: BrowserOutcome): Promise<boolean> {
    const result = await this.#db
      .updateTable("launch_intents")
      .set({ browser_outcome: outcome })
      .where("ref", "=", ref)
      .where("session_id", "=", sessionId)
      .where("browser_outcome", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
