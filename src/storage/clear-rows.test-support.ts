/**
 * Rows as the version before migration 0011 wrote them, NHS numbers in clear, for the tests of
 * sealing them (seal-stored-nhs-numbers.test.ts). Written through an untyped Kysely: the schema
 * they fit is the old one.
 */
import type { Kysely } from "kysely";
import { expectedCheckDigit } from "../patients/nhs-number.ts";
import type { Database } from "./database.ts";
import { nationalPatient } from "./nhs-numbers-at-rest.test-support.ts";

/** `count` valid NHS numbers from `from` up (first nine digits), none with the impossible check digit. */
export function validNumbers(from: number, count: number): string[] {
  const out: string[] = [];
  for (let nine = from; out.length < count; nine++) {
    const check = expectedCheckDigit(String(nine));
    if (check !== undefined) out.push(`${nine}${check}`);
  }
  return out;
}

const pad = (i: number) => String(i).padStart(5, "0");
export const patientId = (i: number) => `patient-${pad(i)}`;
export const checkId = (i: number) => `check-${pad(i)}`;
export const launchRef = (i: number) => `ref-${pad(i)}`;
export const tokenHash = (i: number) => `hash-${pad(i)}`;

export interface ClearRows {
  /** Each patient's current number; a tenth of the patients have a mistyped one instead. */
  readonly current: readonly string[];
  readonly mistyped: ReadonlyMap<number, string>;
  /** Earlier numbers, of patients 0, 1, 2…; surviving numbers of superseded verifications. */
  readonly superseded: readonly string[];
  readonly surviving: readonly string[];
  /** Every number anywhere in these rows. */
  readonly all: readonly string[];
}

export interface ClearRowCounts {
  readonly patients: number;
  readonly superseded: number;
  readonly checks: number;
  readonly launches: number;
}

/** A mistyped number: ten digits, a wrong check digit (a typo that may still be someone's number). */
function mistype(number: string): string {
  return `${number.slice(0, 9)}${(Number(number[9]) + 1) % 10}`;
}

function patientRow(i: number, rows: ClearRows) {
  const surviving = i % 7 === 0 ? rows.surviving[i] : undefined;
  const mistyped = rows.mistyped.get(i);
  return {
    id: patientId(i),
    mrn: `OLD-${pad(i)}`,
    nhs_number: mistyped === undefined ? rows.current[i] : null,
    nhs_number_invalid_text: mistyped ?? null,
    confidentiality: "unrestricted",
    verification_status: surviving ? "superseded" : "unverified",
    verification_json: surviving
      ? JSON.stringify({
          status: "superseded",
          survivingNhsNumber: surviving,
          at: "2026-11-22T10:00:00.000Z",
        })
      : '{"status":"unverified","reason":null,"at":null,"by":null}',
    search_name: "quill ada",
    birth_date: null,
    pds_version: i % 3 === 0 ? 3 : null,
    pds_snapshot_json: i % 3 === 0 ? JSON.stringify(nationalPatient(rows.current[i] as string)) : null,
    created_at: 0,
    updated_at: 0,
  };
}

function checkRow(i: number, rows: ClearRows) {
  const number = rows.current[i] as string;
  return {
    id: checkId(i),
    patient_id: patientId(i),
    session_id: "s-old",
    context_id: "ctx-old",
    requested_nhs_number: number,
    outcome: "found",
    national_json: i % 2 === 0 ? JSON.stringify(nationalPatient(number)) : null,
    checked_at: 0,
    expires_at: 0,
    decision: null,
    decided_at: null,
  };
}

function launchRow(i: number, rows: ClearRows) {
  const actor = {
    userId: "555000000001",
    userName: "Amelia Hart",
    sessionId: "s-old",
    deviceProfile: "shared",
  };
  return {
    ref: launchRef(i),
    token_hash: tokenHash(i),
    actor_json: JSON.stringify({
      ...actor,
      roleId: null,
      roleCode: null,
      orgCode: null,
      workstationId: null,
    }),
    session_id: "s-old",
    context_id: "ctx-old",
    patient_id: patientId(i),
    nhs_number: rows.current[i],
    source: "patient_page",
    encounter_id: null,
    created_at: 0,
    expires_at: 0,
    used_at: null,
    outcome: null,
    browser_outcome: null,
    api_client_id: null,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the schema as it was before migration 0011.
async function insertInChunks(db: Kysely<any>, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 200))
      .execute();
}

/** Writes the old rows into a database migrated to 0010 (only patients with a valid number get checks and launches). */
export async function seedClearRows(database: Database, counts: ClearRowCounts): Promise<ClearRows> {
  const numbers = validNumbers(900_000_000, counts.patients * 3);
  const current = numbers.slice(0, counts.patients);
  const mistyped = new Map<number, string>();
  for (let i = 9; i < counts.patients; i += 10) mistyped.set(i, mistype(current[i] as string));
  const superseded = numbers.slice(counts.patients, counts.patients + counts.superseded);
  const surviving = numbers.slice(2 * counts.patients);
  const rows: ClearRows = {
    current,
    mistyped,
    superseded,
    surviving,
    all: [...current, ...mistyped.values(), ...superseded, ...surviving],
  };
  // biome-ignore lint/suspicious/noExplicitAny: the schema as it was before migration 0011.
  const db = database.db as unknown as Kysely<any>;
  const indexes = (n: number) => Array.from({ length: n }, (_, i) => i);
  await insertInChunks(
    db,
    "patients",
    indexes(counts.patients).map((i) => patientRow(i, rows)),
  );
  await insertInChunks(
    db,
    "patient_superseded_numbers",
    superseded.map((n, i) => ({ nhs_number: n, patient_id: patientId(i), superseded_at: 0 })),
  );
  const withValid = indexes(counts.patients).filter((i) => !mistyped.has(i));
  await insertInChunks(
    db,
    "pds_checks",
    withValid.slice(0, counts.checks).map((i) => checkRow(i, rows)),
  );
  await insertInChunks(
    db,
    "launch_intents",
    withValid.slice(0, counts.launches).map((i) => launchRow(i, rows)),
  );
  return rows;
}
