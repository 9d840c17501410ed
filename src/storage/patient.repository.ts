/** The local patient index in the database (both dialects). */
import type { Kysely, Selectable, Transaction } from "kysely";
import type { Confidentiality, Death, NationalPatient } from "../patients/national-patient.ts";
import { type NhsNumber, nhsNumber, parseNhsNumber } from "../patients/nhs-number.ts";
import {
  type Demographics,
  LOCATION_FIELDS,
  type Patient,
  type Recorded,
  type VerificationState,
} from "../patients/patient.types.ts";
import type { NewPatient, PatientQuery, PatientRepository } from "../patients/patients.ports.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { NhsNumbersAtRest } from "./nhs-numbers-at-rest.ts";
import { currentHolder, rekeyPatient } from "./patient-numbers.ts";
import {
  demographicRows,
  emptyDemographics,
  searchName,
  survivingNumberSealing,
  toPatient,
} from "./patient-rows.ts";
import { type PreparedQuery, prepareQuery } from "./prepared-query.ts";
import type {
  DatabaseSchema,
  PatientDemographicsTable,
  PatientSupersededNumbersTable,
  PatientsTable,
} from "./schema.ts";
import { verificationToJson } from "./verification-json.ts";

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

type PatientRows = [
  Selectable<PatientsTable>[],
  Selectable<PatientDemographicsTable>[],
  Selectable<PatientSupersededNumbersTable>[],
];

/** The local patient index; NHS numbers sealed and blind-indexed (nhs-numbers-at-rest.ts). */
export class SqlPatientRepository implements PatientRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #atRest: NhsNumbersAtRest;
  /** One patient's rows: every view of a patient page reads them. */
  readonly #one: {
    readonly patient: PreparedQuery<Selectable<PatientsTable>, "id">;
    readonly demographics: PreparedQuery<Selectable<PatientDemographicsTable>, "id">;
    readonly superseded: PreparedQuery<Selectable<PatientSupersededNumbersTable>, "id">;
  };

  /** `protection`: the audit trail's, so both keep NHS numbers with the same keys. */
  constructor(db: Kysely<DatabaseSchema>, protection: NhsNumberProtection) {
    this.#db = db;
    this.#atRest = new NhsNumbersAtRest(protection);
    this.#one = {
      patient: prepareQuery(db, ["id"], (db, v) =>
        db.selectFrom("patients").selectAll().where("id", "=", v.id),
      ),
      demographics: prepareQuery(db, ["id"], (db, v) =>
        db.selectFrom("patient_demographics").selectAll().where("patient_id", "=", v.id),
      ),
      superseded: prepareQuery(db, ["id"], (db, v) =>
        db.selectFrom("patient_superseded_numbers").selectAll().where("patient_id", "=", v.id),
      ),
    };
  }

  /** @throws Error when another local patient holds the same valid NHS number (under any index key). */
  async insert(p: NewPatient): Promise<void> {
    const parsed = p.nhsNumberText ? parseNhsNumber(p.nhsNumberText) : undefined;
    const valid = parsed?.ok ? this.#atRest.protect("patients.nhs_number", p.id, parsed.value) : null;
    // A mistyped number is kept (sealed) for the local system to correct: it may be a real one.
    const sealed =
      valid?.ciphertext ??
      (p.nhsNumberText ? this.#atRest.seal("patients.nhs_number", p.id, p.nhsNumberText) : null);
    const unverified: VerificationState = { status: "unverified", reason: null, at: null, by: null };
    await this.#db.transaction().execute(async (trx) => {
      if (parsed?.ok && (await currentHolder(trx, this.#atRest.indexesOf(parsed.value))))
        throw new Error("another local patient already holds this NHS number");
      await trx
        .insertInto("patients")
        .values({
          id: p.id,
          mrn: p.mrn,
          nhs_number_index: valid?.index ?? null,
          nhs_number_sealed: sealed,
          nhs_number_invalid_text: null,
          confidentiality: "unrestricted",
          verification_status: unverified.status,
          verification_json: verificationToJson(unverified, survivingNumberSealing(this.#atRest, p.id)),
          search_name: searchName(p.demographics),
          birth_date: p.demographics.birthDate?.value ?? null,
          created_at: p.createdAt.getTime(),
          updated_at: p.createdAt.getTime(),
        })
        .execute();
      const rows = demographicRows(p.id, p.demographics);
      if (rows.length > 0) await trx.insertInto("patient_demographics").values(rows).execute();
    });
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom("patients")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findById(id: string): Promise<Patient | undefined> {
    return (await this.#load([id]))[0];
  }

  async findByNhsNumber(value: NhsNumber): Promise<Patient | undefined> {
    const row = await this.#db
      .selectFrom("patients")
      .select("id")
      .where("nhs_number_index", "in", this.#atRest.indexesOf(value))
      .executeTakeFirst();
    return row ? this.findById(row.id) : undefined;
  }

  async search(query: PatientQuery, limit: number): Promise<Patient[]> {
    let q = this.#db.selectFrom("patients").select("id");
    if (query.kind === "nhs_number") {
      // Under every index key, so numbers stored before a key was added are still found.
      const indexes = this.#atRest.indexesOf(query.value);
      const superseded = this.#db
        .selectFrom("patient_superseded_numbers")
        .select("patient_id")
        .where("nhs_number_index", "in", indexes);
      q = q.where((eb) => eb.or([eb("nhs_number_index", "in", indexes), eb("id", "in", superseded)]));
    } else if (query.kind === "mrn") q = q.where("mrn", "=", query.value);
    else if (query.kind === "birth_date") q = q.where("birth_date", "=", query.value);
    else for (const term of query.terms) q = q.where("search_name", "like", `%${term.replace(/[%_]/g, "")}%`);
    const ids = (await q.orderBy("search_name").orderBy("id").limit(limit).execute()).map((r) => r.id);
    return this.#load(ids);
  }

  async findByAnyNhsNumber(value: NhsNumber): Promise<Patient | undefined> {
    return (await this.search({ kind: "nhs_number", value }, 1))[0];
  }

  async nationalState(id: string): Promise<{ version: number | null; snapshot: NationalPatient | null }> {
    const row = await this.#db
      .selectFrom("patients")
      .select(["pds_version", "pds_snapshot_sealed"])
      .where("id", "=", id)
      .executeTakeFirst();
    const json = row?.pds_snapshot_sealed
      ? this.#atRest.open("patients.pds_snapshot", id, row.pds_snapshot_sealed)
      : null;
    const snapshot = json ? (JSON.parse(json) as NationalPatient) : null;
    return {
      version: row?.pds_version ?? null,
      snapshot: snapshot ? { ...snapshot, nhsNumber: nhsNumber(snapshot.nhsNumber) } : null,
    };
  }

  async saveNationalState(id: string, version: number, snapshot: NationalPatient, at: Date): Promise<void> {
    await this.#db
      .updateTable("patients")
      .set({
        pds_version: version,
        pds_snapshot_sealed: this.#atRest.seal("patients.pds_snapshot", id, JSON.stringify(snapshot)),
        updated_at: at.getTime(),
      })
      .where("id", "=", id)
      .execute();
  }

  async saveGp(id: string, gp: Recorded<string> | null, at: Date): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      if (gp) await this.#upsertFields(trx, id, { gpOdsCode: gp });
      else
        await trx
          .deleteFrom("patient_demographics")
          .where("patient_id", "=", id)
          .where("field", "=", "gpOdsCode")
          .execute();
      await trx.updateTable("patients").set({ updated_at: at.getTime() }).where("id", "=", id).execute();
    });
  }

  async saveVerification(id: string, state: VerificationState, at: Date): Promise<void> {
    await this.#db
      .updateTable("patients")
      .set({
        verification_status: state.status,
        verification_json: verificationToJson(state, survivingNumberSealing(this.#atRest, id)),
        updated_at: at.getTime(),
      })
      .where("id", "=", id)
      .execute();
  }

  async applyNationalFacts(
    id: string,
    facts: { confidentiality: Confidentiality; death: Recorded<Death> | null },
    at: Date,
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable("patients")
        .set({ confidentiality: facts.confidentiality, updated_at: at.getTime() })
        .where("id", "=", id)
        .execute();
      if (facts.confidentiality !== "unrestricted") {
        await trx
          .deleteFrom("patient_demographics")
          .where("patient_id", "=", id)
          .where("field", "in", [...LOCATION_FIELDS])
          .execute();
      }
      if (facts.death) await this.#upsertFields(trx, id, { death: facts.death });
    });
  }

  async replaceDemographics(id: string, demographics: Demographics, at: Date): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom("patient_demographics").where("patient_id", "=", id).execute();
      const rows = demographicRows(id, demographics);
      if (rows.length > 0) await trx.insertInto("patient_demographics").values(rows).execute();
      await trx
        .updateTable("patients")
        .set({
          search_name: searchName(demographics),
          birth_date: demographics.birthDate?.value ?? null,
          updated_at: at.getTime(),
        })
        .where("id", "=", id)
        .execute();
    });
  }

  rekey(id: string, from: NhsNumber, to: NhsNumber, state: VerificationState, at: Date): Promise<boolean> {
    return rekeyPatient(this.#db, this.#atRest, { id, from, to, state, at });
  }

  async #upsertFields(db: Db, id: string, fields: Partial<Demographics>): Promise<void> {
    const rows = demographicRows(id, { ...emptyDemographics(), ...fields });
    for (const row of rows) {
      await db
        .insertInto("patient_demographics")
        .values(row)
        .onConflict((oc) =>
          oc.columns(["patient_id", "field"]).doUpdateSet({
            value_json: row.value_json,
            source: row.source,
            recorded_at: row.recorded_at,
            pds_version: row.pds_version,
            sent_by: row.sent_by,
          }),
        )
        .execute();
    }
  }

  #rowsOf(ids: readonly string[]): Promise<PatientRows> {
    const [id] = ids;
    if (ids.length === 1 && id !== undefined) {
      const one = this.#one;
      return Promise.all([one.patient({ id }), one.demographics({ id }), one.superseded({ id })]);
    }
    const db = this.#db;
    return Promise.all([
      db.selectFrom("patients").selectAll().where("id", "in", ids).execute(),
      db.selectFrom("patient_demographics").selectAll().where("patient_id", "in", ids).execute(),
      db.selectFrom("patient_superseded_numbers").selectAll().where("patient_id", "in", ids).execute(),
    ]);
  }

  async #load(ids: readonly string[]): Promise<Patient[]> {
    if (ids.length === 0) return [];
    const [rows, demographics, superseded] = await this.#rowsOf(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [
        toPatient(
          row,
          demographics.filter((d) => d.patient_id === id),
          superseded.filter((s) => s.patient_id === id),
          this.#atRest,
        ),
      ];
    });
  }
}
