/**
 * Who holds an NHS number, by its blind index under every index key, and the re-key that moves a
 * patient to a surviving number (docs/adr/0014).
 *
 * The unique keys on the indexes refuse a second holder atomically only under one index key:
 * after a key is added, a number already stored under the older key has another index. So writes
 * that must keep a number to one patient also look under every key first, in their transaction;
 * the unique keys stay the backstop for writes racing under the same (newest) key.
 */
import type { Kysely, Transaction } from "kysely";
import type { NhsNumber } from "../patients/nhs-number.ts";
import type { VerificationState } from "../patients/patient.types.ts";
import type { NhsNumbersAtRest } from "./nhs-numbers-at-rest.ts";
import { survivingNumberSealing } from "./patient-rows.ts";
import type { DatabaseSchema } from "./schema.ts";
import { isUniqueViolation } from "./sql-errors.ts";
import { verificationToJson } from "./verification-json.ts";

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** The patient (other than `exceptId`) whose current number has one of these indexes. */
export async function currentHolder(
  db: Db,
  indexes: readonly string[],
  exceptId?: string,
): Promise<string | undefined> {
  let q = db.selectFrom("patients").select("id").where("nhs_number_index", "in", indexes);
  if (exceptId !== undefined) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst())?.id;
}

async function keptAsSuperseded(db: Db, indexes: readonly string[]): Promise<boolean> {
  const row = await db
    .selectFrom("patient_superseded_numbers")
    .select("patient_id")
    .where("nhs_number_index", "in", indexes)
    .executeTakeFirst();
  return row !== undefined;
}

export interface Rekey {
  readonly id: string;
  readonly from: NhsNumber;
  readonly to: NhsNumber;
  readonly state: VerificationState;
  readonly at: Date;
}

/**
 * Moves the patient from `from` to `to`, keeping `from` as superseded; false, changing nothing,
 * when another patient holds `to` or `from` is already kept as superseded (under any key), or the
 * patient no longer holds `from`.
 */
export async function rekeyPatient(
  db: Kysely<DatabaseSchema>,
  atRest: NhsNumbersAtRest,
  r: Rekey,
): Promise<boolean> {
  const moved = atRest.protect("patients.nhs_number", r.id, r.to);
  const earlier = atRest.protectSuperseded(r.id, r.from);
  const fromIndexes = atRest.indexesOf(r.from);
  try {
    return await db.transaction().execute(async (trx) => {
      if (await currentHolder(trx, atRest.indexesOf(r.to), r.id)) return false;
      if (await keptAsSuperseded(trx, fromIndexes)) return false;
      const updated = await trx
        .updateTable("patients")
        .set({
          nhs_number_index: moved.index,
          nhs_number_sealed: moved.ciphertext,
          verification_status: r.state.status,
          verification_json: verificationToJson(r.state, survivingNumberSealing(atRest, r.id)),
          updated_at: r.at.getTime(),
        })
        .where("id", "=", r.id)
        .where("nhs_number_index", "in", fromIndexes)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await trx
        .insertInto("patient_superseded_numbers")
        .values({
          nhs_number_index: earlier.index,
          nhs_number_sealed: earlier.ciphertext,
          patient_id: r.id,
          superseded_at: r.at.getTime(),
        })
        .execute();
      return true;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
