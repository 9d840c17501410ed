/**
 * The four tables' shares of sealing the NHS numbers stored in clear (seal-stored-nhs-numbers.ts):
 * which rows still hold a number in clear, and how each is sealed.
 */
import type { Transaction, Updateable } from "kysely";
import type { NhsNumbersAtRest } from "./nhs-numbers-at-rest.ts";
import type { DatabaseSchema, PatientsTable } from "./schema.ts";

export type SealedTable = "patients" | "patient_superseded_numbers" | "pds_checks" | "launch_intents";

type Trx = Transaction<DatabaseSchema>;

/** One table's share of the work: its rows still in clear, by key, and how one is sealed. */
export interface TablePass<Row> {
  readonly table: SealedTable;
  select(trx: Trx, after: string, limit: number): Promise<Row[]>;
  keyOf(row: Row): string;
  /** Names the row in an error: never by its number. */
  describe(row: Row): string;
  seal(trx: Trx, row: Row): Promise<void>;
}

const isClearNumber = (value: string | null): value is string => value !== null && !value.includes(".");
const isClearJson = (value: string | null): value is string => value?.startsWith("{") === true;

/** A clear number as the earlier version stored it (always valid); anything else stops the step. */
function tenDigits(value: string): string {
  if (!/^\d{10}$/.test(value)) throw new TypeError("a stored NHS number is not 10 digits");
  return value;
}

const CLEAR_SURVIVOR = '%"survivingNhsNumber":%';

/** Every table's pass, in the order they run. */
export function sealingPasses(atRest: NhsNumbersAtRest): readonly TablePass<unknown>[] {
  return [patientsPass(atRest), supersededPass(atRest), pdsChecksPass(atRest), launchIntentsPass(atRest)];
}

interface PatientRow {
  readonly id: string;
  readonly nhs_number_index: string | null;
  readonly nhs_number_invalid_text: string | null;
  readonly pds_snapshot_sealed: string | null;
  readonly verification_json: string;
}

function patientsPass(atRest: NhsNumbersAtRest): TablePass<PatientRow> {
  return {
    table: "patients",
    select: (trx, after, limit) =>
      trx
        .selectFrom("patients")
        .select([
          "id",
          "nhs_number_index",
          "nhs_number_invalid_text",
          "pds_snapshot_sealed",
          "verification_json",
        ])
        .where("id", ">", after)
        .where((eb) =>
          eb.or([
            eb("nhs_number_index", "not like", "%.%"),
            eb("nhs_number_invalid_text", "is not", null),
            eb("pds_snapshot_sealed", "like", "{%"),
            eb("verification_json", "like", CLEAR_SURVIVOR),
          ]),
        )
        .orderBy("id")
        .limit(limit)
        .execute(),
    keyOf: (row) => row.id,
    describe: (row) => `row ${row.id}`,
    seal: (trx, row) => sealPatient(trx, atRest, row),
  };
}

type PatientColumn =
  | "nhs_number_index"
  | "nhs_number_invalid_text"
  | "pds_snapshot_sealed"
  | "verification_json";

/** The sealed values of a patient row, and the clear values they replace (which guard the UPDATE). */
function patientChanges(atRest: NhsNumbersAtRest, row: PatientRow) {
  const set: Updateable<PatientsTable> = {};
  const guards: [PatientColumn, string][] = [];
  if (isClearNumber(row.nhs_number_index)) {
    const sealed = atRest.protect("patients.nhs_number", row.id, tenDigits(row.nhs_number_index));
    Object.assign(set, { nhs_number_index: sealed.index, nhs_number_sealed: sealed.ciphertext });
    guards.push(["nhs_number_index", row.nhs_number_index]);
  }
  if (row.nhs_number_invalid_text !== null) {
    const sealed = atRest.seal("patients.nhs_number", row.id, row.nhs_number_invalid_text);
    Object.assign(set, { nhs_number_sealed: sealed, nhs_number_invalid_text: null });
    guards.push(["nhs_number_invalid_text", row.nhs_number_invalid_text]);
  }
  if (isClearJson(row.pds_snapshot_sealed)) {
    set.pds_snapshot_sealed = atRest.seal("patients.pds_snapshot", row.id, row.pds_snapshot_sealed);
    guards.push(["pds_snapshot_sealed", row.pds_snapshot_sealed]);
  }
  if (row.verification_json.includes('"survivingNhsNumber":')) {
    const { survivingNhsNumber, ...rest } = JSON.parse(row.verification_json) as Record<string, unknown>;
    const surviving = tenDigits(String(survivingNhsNumber));
    const survivingNhsNumberSealed = atRest.seal("patients.verification", row.id, surviving);
    set.verification_json = JSON.stringify({ ...rest, survivingNhsNumberSealed });
    guards.push(["verification_json", row.verification_json]);
  }
  return { set, guards };
}

async function sealPatient(trx: Trx, atRest: NhsNumbersAtRest, row: PatientRow): Promise<void> {
  const { set, guards } = patientChanges(atRest, row);
  // SQLite's LIKE ignores case: a row it picked may hold nothing in clear after all.
  if (guards.length === 0) return;
  let update = trx.updateTable("patients").set(set).where("id", "=", row.id);
  for (const [column, value] of guards) update = update.where(column, "=", value);
  await update.execute();
}

interface SupersededRow {
  readonly patient_id: string;
  readonly nhs_number_index: string;
}

function supersededPass(atRest: NhsNumbersAtRest): TablePass<SupersededRow> {
  return {
    table: "patient_superseded_numbers",
    // The key is the clear number itself: once sealed a row no longer matches, and the next batch
    // starts after the last clear number seen.
    select: (trx, after, limit) =>
      trx
        .selectFrom("patient_superseded_numbers")
        .select(["patient_id", "nhs_number_index"])
        .where("nhs_number_index", ">", after)
        .where("nhs_number_index", "not like", "%.%")
        .orderBy("nhs_number_index")
        .limit(limit)
        .execute(),
    keyOf: (row) => row.nhs_number_index,
    describe: (row) => `of patient ${row.patient_id}`,
    seal: async (trx, row) => {
      const sealed = atRest.protectSuperseded(row.patient_id, row.nhs_number_index);
      await trx
        .updateTable("patient_superseded_numbers")
        .set({ nhs_number_index: sealed.index, nhs_number_sealed: sealed.ciphertext })
        .where("nhs_number_index", "=", row.nhs_number_index)
        .execute();
    },
  };
}

interface CheckRow {
  readonly id: string;
  readonly requested_nhs_number_sealed: string;
  readonly national_sealed: string | null;
}

function pdsChecksPass(atRest: NhsNumbersAtRest): TablePass<CheckRow> {
  return {
    table: "pds_checks",
    select: (trx, after, limit) =>
      trx
        .selectFrom("pds_checks")
        .select(["id", "requested_nhs_number_sealed", "national_sealed"])
        .where("id", ">", after)
        .where((eb) =>
          eb.or([eb("requested_nhs_number_sealed", "not like", "%.%"), eb("national_sealed", "like", "{%")]),
        )
        .orderBy("id")
        .limit(limit)
        .execute(),
    keyOf: (row) => row.id,
    describe: (row) => `row ${row.id}`,
    seal: async (trx, row) => {
      let update = trx.updateTable("pds_checks").where("id", "=", row.id);
      const requested = row.requested_nhs_number_sealed;
      if (isClearNumber(requested)) {
        const sealed = atRest.seal("pds_checks.requested_nhs_number", row.id, tenDigits(requested));
        update = update
          .set({ requested_nhs_number_sealed: sealed })
          .where("requested_nhs_number_sealed", "=", requested);
      }
      if (isClearJson(row.national_sealed)) {
        const sealed = atRest.seal("pds_checks.national", row.id, row.national_sealed);
        update = update.set({ national_sealed: sealed }).where("national_sealed", "=", row.national_sealed);
      }
      await update.execute();
    },
  };
}

interface LaunchRow {
  readonly ref: string;
  readonly nhs_number_sealed: string;
}

function launchIntentsPass(atRest: NhsNumbersAtRest): TablePass<LaunchRow> {
  return {
    table: "launch_intents",
    select: (trx, after, limit) =>
      trx
        .selectFrom("launch_intents")
        .select(["ref", "nhs_number_sealed"])
        .where("ref", ">", after)
        .where("nhs_number_sealed", "not like", "%.%")
        .orderBy("ref")
        .limit(limit)
        .execute(),
    keyOf: (row) => row.ref,
    describe: (row) => `row ${row.ref}`,
    seal: async (trx, row) => {
      const sealed = atRest.seal("launch_intents.nhs_number", row.ref, tenDigits(row.nhs_number_sealed));
      await trx
        .updateTable("launch_intents")
        .set({ nhs_number_sealed: sealed })
        .where("ref", "=", row.ref)
        .where("nhs_number_sealed", "=", row.nhs_number_sealed)
        .execute();
    },
  };
}
