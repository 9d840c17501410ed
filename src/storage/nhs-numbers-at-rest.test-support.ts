/**
 * For the tests of NHS numbers at rest: keys, a patient, a PDS check and a launch to store, and a
 * reader of every text value of every table (what a copy of the database would show).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { LaunchIntent } from "../launch/launch.types.ts";
import type { NationalPatient } from "../patients/national-patient.ts";
import { nhsNumber } from "../patients/nhs-number.ts";
import type { NewPatient, PdsCheck } from "../patients/patients.ports.ts";
import { type NamedKey, NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import type { DatabaseSchema } from "./schema.ts";

export const key = (id: string): NamedKey => ({ id, key: randomBytes(32) });

/** Key rings as configured: one encryption and one index key, or more after rotation. */
export function protectionWith(encryption: NamedKey[], index: NamedKey[]): NhsNumberProtection {
  return new NhsNumberProtection(encryption, index);
}

export const at = new Date("2026-11-22T10:00:00Z");

export function newPatient(nhsNumberText: string | null): NewPatient {
  const local = { source: "local" as const, recordedAt: at, pdsVersion: null };
  return {
    id: randomUUID(),
    mrn: `RX9-${randomUUID().slice(0, 8)}`,
    nhsNumberText,
    demographics: {
      name: { value: { given: ["Ada"], family: "Quill" }, provenance: local },
      birthDate: { value: "1970-01-02", provenance: local },
      gender: null,
      address: null,
      phone: null,
      email: null,
      gpOdsCode: null,
      death: null,
    },
    createdAt: at,
  };
}

export function nationalPatient(number: string): NationalPatient {
  return {
    nhsNumber: nhsNumber(number),
    versionId: "3",
    nhsNumberVerificationStatus: "01",
    confidentiality: "unrestricted",
    name: { given: ["Ada"], family: "Quill" },
    birthDate: "1970-01-02",
    gender: "female",
    address: { lines: ["1 Ink Lane"], postalCode: "LS1 1AA" },
    phone: null,
    email: null,
    gpOdsCode: "Y90001",
    death: null,
  };
}

export function pdsCheck(patientId: string, number: string): PdsCheck {
  return {
    id: randomUUID(),
    patientId,
    sessionId: "s-1",
    contextId: "ctx-1",
    requestedNhsNumber: nhsNumber(number),
    outcome: "found",
    national: nationalPatient(number),
    checkedAt: at,
    expiresAt: new Date(at.getTime() + 600_000),
    decision: null,
    decidedAt: null,
  };
}

export function launchIntent(patientId: string, number: string): LaunchIntent {
  return {
    ref: randomUUID(),
    tokenHash: randomUUID(),
    actor: {
      userId: "555000000001",
      userName: "Amelia Hart",
      roleId: null,
      roleCode: null,
      orgCode: "Y90001",
      sessionId: "s-1",
      workstationId: null,
      deviceProfile: "shared",
    },
    contextId: "ctx-1",
    patientId,
    nhsNumber: nhsNumber(number),
    source: "patient_page",
    encounterId: null,
    createdAt: at,
    expiresAt: new Date(at.getTime() + 600_000),
    usedAt: null,
    outcome: null,
    browserOutcome: null,
    apiClientId: null,
  };
}

/** Every text value of every table, as `table.column: value` (introspected, both dialects). */
export async function everyTextValue(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const values: string[] = [];
  for (const table of await db.introspection.getTables()) {
    const rows = await (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
      .selectFrom(table.name)
      .selectAll()
      .execute();
    for (const row of rows)
      for (const [column, value] of Object.entries(row))
        if (typeof value === "string") values.push(`${table.name}.${column}: ${value}`);
  }
  return values;
}

/**
 * The values among `values` that hold one of `numbers` in clear, written as ten digits or 3-3-4
 * (every ten-digit window of every run of digits is looked at, so a number inside longer digits
 * is found too).
 */
export function inClear(values: readonly string[], numbers: readonly string[]): string[] {
  const wanted = new Set(numbers);
  return values.filter((value) => {
    const compact = value.replace(/(\d{3}) (\d{3}) (\d{4})/g, "$1$2$3");
    for (const run of compact.match(/\d{10,}/g) ?? [])
      for (let i = 0; i + 10 <= run.length; i++) if (wanted.has(run.slice(i, i + 10))) return true;
    return false;
  });
}
