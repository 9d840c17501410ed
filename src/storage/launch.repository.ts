/**
 * Issued launches (both dialects). Single use and the browser outcome are decided in one statement
 * each; spending an id and recording an outcome are atomic writes committed with the launch's
 * audit record (docs/adr/0023-one-commit-per-launch.md).
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import type { LaunchIntentRepository } from "../launch/launch.ports.ts";
import type { BrowserOutcome, LaunchActor, LaunchIntent, LaunchSource } from "../launch/launch.types.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import type { AtomicWrite } from "../platform/atomic-write.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { NhsNumbersAtRest } from "./nhs-numbers-at-rest.ts";
import { type PreparedQuery, prepareQuery } from "./prepared-query.ts";
import type { DatabaseSchema, LaunchIntentsTable } from "./schema.ts";

function toIntent(row: Selectable<LaunchIntentsTable>, atRest: NhsNumbersAtRest): LaunchIntent {
  return {
    ref: row.ref,
    tokenHash: row.token_hash,
    actor: JSON.parse(row.actor_json) as LaunchActor,
    contextId: row.context_id,
    patientId: row.patient_id,
    nhsNumber: nhsNumber(atRest.open("launch_intents.nhs_number", row.ref, row.nhs_number_sealed)),
    source: row.source as LaunchSource,
    encounterId: row.encounter_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    usedAt: row.used_at === null ? null : new Date(row.used_at),
    outcome: row.outcome,
    browserOutcome: row.browser_outcome as BrowserOutcome | null,
    apiClientId: row.api_client_id,
  };
}

/** Issued launches; the NHS number each was issued for is sealed, bound to the launch's ref. */
export class SqlLaunchIntentRepository implements LaunchIntentRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #atRest: NhsNumbersAtRest;
  /** Every view of a patient page checks the launch id it last showed. */
  readonly #byTokenHash: PreparedQuery<Selectable<LaunchIntentsTable>, "tokenHash">;

  constructor(db: Kysely<DatabaseSchema>, protection: NhsNumberProtection) {
    this.#db = db;
    this.#atRest = new NhsNumbersAtRest(protection);
    this.#byTokenHash = prepareQuery(db, ["tokenHash"], (db, v) =>
      db.selectFrom("launch_intents").selectAll().where("token_hash", "=", v.tokenHash),
    );
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
        nhs_number_sealed: this.#atRest.seal("launch_intents.nhs_number", i.ref, i.nhsNumber),
        source: i.source,
        encounter_id: i.encounterId,
        created_at: i.createdAt.getTime(),
        expires_at: i.expiresAt.getTime(),
        used_at: null,
        outcome: null,
        browser_outcome: null,
        api_client_id: i.apiClientId,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<LaunchIntent | undefined> {
    const [row] = await this.#byTokenHash({ tokenHash });
    return row ? toIntent(row, this.#atRest) : undefined;
  }

  /**
   * Spends the launch id and records it launched, in the audit record's transaction: applies for
   * the one request that got the id first.
   */
  launchedWrite(tokenHash: string, at: Date): AtomicWrite {
    return {
      apply: async (transaction) => {
        const result = await (transaction as Transaction<DatabaseSchema>)
          .updateTable("launch_intents")
          .set({ used_at: at.getTime(), outcome: "launched" })
          .where("token_hash", "=", tokenHash)
          .where("used_at", "is", null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      },
    };
  }

  /** Records why the owner's launch was refused, in the audit record's transaction; the first outcome stays. */
  refusedWrite(tokenHash: string, outcome: string): AtomicWrite {
    return {
      apply: async (transaction) => {
        await (transaction as Transaction<DatabaseSchema>)
          .updateTable("launch_intents")
          .set({ outcome })
          .where("token_hash", "=", tokenHash)
          .where("outcome", "is", null)
          .execute();
        // The refusal is recorded whether or not an earlier outcome stands.
        return true;
      },
    };
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
    return row ? toIntent(row, this.#atRest) : undefined;
  }

  async presented(ref: string, sessionId: string): Promise<boolean | undefined> {
    const row = await this.#db
      .selectFrom("launch_intents")
      .select(["used_at", "outcome"])
      .where("ref", "=", ref)
      .where("session_id", "=", sessionId)
      .executeTakeFirst();
    return row ? row.used_at !== null || row.outcome !== null : undefined;
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
