/** Patient contexts and PDS checks (both dialects). */
import type { Kysely, Selectable } from "kysely";
import type { NationalPatient } from "../patients/national-patient.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import type {
  CheckDecision,
  CheckOutcome,
  PatientContext,
  PatientContextRepository,
  PdsCheck,
  PdsCheckRepository,
} from "../patients/patients.ports.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { NhsNumbersAtRest } from "./nhs-numbers-at-rest.ts";
import { type PreparedQuery, prepareQuery } from "./prepared-query.ts";
import type { DatabaseSchema, PatientContextsTable } from "./schema.ts";

function toContext(row: Selectable<PatientContextsTable>): PatientContext {
  return {
    id: row.id,
    sessionId: row.session_id,
    tabId: row.tab_id,
    patientId: row.patient_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    supersededAt: row.superseded_at === null ? null : new Date(row.superseded_at),
  };
}

export class SqlPatientContextRepository implements PatientContextRepository {
  readonly #db: Kysely<DatabaseSchema>;
  /** Every view of a patient page looks its context up. */
  readonly #byId: PreparedQuery<Selectable<PatientContextsTable>, "id">;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
    this.#byId = prepareQuery(db, ["id"], (db, v) =>
      db.selectFrom("patient_contexts").selectAll().where("id", "=", v.id),
    );
  }

  async create(c: PatientContext): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable("patient_contexts")
        .set({ superseded_at: c.createdAt.getTime() })
        .where("session_id", "=", c.sessionId)
        .where("tab_id", "=", c.tabId)
        .where("superseded_at", "is", null)
        .execute();
      await trx
        .insertInto("patient_contexts")
        .values({
          id: c.id,
          session_id: c.sessionId,
          tab_id: c.tabId,
          patient_id: c.patientId,
          created_at: c.createdAt.getTime(),
          expires_at: c.expiresAt.getTime(),
          superseded_at: null,
        })
        .execute();
    });
  }

  async find(id: string): Promise<PatientContext | undefined> {
    const [row] = await this.#byId({ id });
    return row ? toContext(row) : undefined;
  }

  async extend(id: string, expiresAt: Date): Promise<void> {
    await this.#db
      .updateTable("patient_contexts")
      .set({ expires_at: expiresAt.getTime() })
      .where("id", "=", id)
      .execute();
  }

  async currentForTab(sessionId: string, tabId: string): Promise<PatientContext | undefined> {
    const row = await this.#db
      .selectFrom("patient_contexts")
      .selectAll()
      .where("session_id", "=", sessionId)
      .where("tab_id", "=", tabId)
      .where("superseded_at", "is", null)
      .orderBy("created_at", "desc")
      .executeTakeFirst();
    return row ? toContext(row) : undefined;
  }
}

/** PDS checks: the number asked about and PDS's whole answer are sealed, bound to the check. */
export class SqlPdsCheckRepository implements PdsCheckRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #atRest: NhsNumbersAtRest;

  constructor(db: Kysely<DatabaseSchema>, protection: NhsNumberProtection) {
    this.#db = db;
    this.#atRest = new NhsNumbersAtRest(protection);
  }

  async insert(c: PdsCheck): Promise<void> {
    await this.#db
      .insertInto("pds_checks")
      .values({
        id: c.id,
        patient_id: c.patientId,
        session_id: c.sessionId,
        context_id: c.contextId,
        requested_nhs_number_sealed: this.#atRest.seal(
          "pds_checks.requested_nhs_number",
          c.id,
          c.requestedNhsNumber,
        ),
        outcome: c.outcome,
        national_sealed: c.national
          ? this.#atRest.seal("pds_checks.national", c.id, JSON.stringify(c.national))
          : null,
        checked_at: c.checkedAt.getTime(),
        expires_at: c.expiresAt.getTime(),
        decision: null,
        decided_at: null,
      })
      .execute();
  }

  async find(id: string): Promise<PdsCheck | undefined> {
    const row = await this.#db.selectFrom("pds_checks").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      patientId: row.patient_id,
      sessionId: row.session_id,
      contextId: row.context_id,
      requestedNhsNumber: nhsNumber(
        this.#atRest.open("pds_checks.requested_nhs_number", row.id, row.requested_nhs_number_sealed),
      ),
      outcome: row.outcome as CheckOutcome,
      national: row.national_sealed
        ? reviveNational(this.#atRest.open("pds_checks.national", row.id, row.national_sealed))
        : null,
      checkedAt: new Date(row.checked_at),
      expiresAt: new Date(row.expires_at),
      decision: row.decision as CheckDecision | null,
      decidedAt: row.decided_at === null ? null : new Date(row.decided_at),
    };
  }

  async decide(id: string, decision: CheckDecision, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable("pds_checks")
      .set({ decision, decided_at: at.getTime() })
      .where("id", "=", id)
      .where("decision", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

function reviveNational(json: string): NationalPatient {
  const raw = JSON.parse(json) as NationalPatient;
  return { ...raw, nhsNumber: nhsNumber(raw.nhsNumber) };
}
