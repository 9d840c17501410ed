/**
 * Runs the migration set at start. Migrations are TypeScript modules listed here in order (not
 * discovered from the file system), so the set is explicit and the same on both dialects.
 */
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import type { Database } from "./database.ts";
import * as identity from "./migrations/0001-identity.ts";
import * as patients from "./migrations/0002-patients.ts";
import * as audit from "./migrations/0003-audit.ts";
import * as launch from "./migrations/0004-launch.ts";
import * as patientNationalState from "./migrations/0005-patient-national-state.ts";
import * as events from "./migrations/0006-events.ts";
import * as housekeepingIndexes from "./migrations/0007-housekeeping-indexes.ts";
import * as sortedByFamilyName from "./migrations/0008-patients-sorted-by-family-name.ts";
import * as apiAccess from "./migrations/0009-api-access.ts";
import * as launchApiClient from "./migrations/0010-launch-api-client.ts";
import * as nhsNumbersAtRest from "./migrations/0011-nhs-numbers-at-rest.ts";
import * as patientHandover from "./migrations/0012-patient-handover.ts";
import * as contextLaunch from "./migrations/0013-context-launch.ts";
import * as smartLaunch from "./migrations/0014-smart-launch.ts";
import * as leases from "./migrations/0015-leases.ts";
import * as recordsElsewhere from "./migrations/0016-records-elsewhere.ts";

const migrations: Record<string, Migration> = {
  "0001-identity": identity,
  "0002-patients": patients,
  "0003-audit": audit,
  "0004-launch": launch,
  "0005-patient-national-state": patientNationalState,
  "0006-events": events,
  "0007-housekeeping-indexes": housekeepingIndexes,
  "0008-patients-sorted-by-family-name": sortedByFamilyName,
  "0009-api-access": apiAccess,
  "0010-launch-api-client": launchApiClient,
  "0011-nhs-numbers-at-rest": nhsNumbersAtRest,
  "0012-patient-handover": patientHandover,
  "0013-context-launch": contextLaunch,
  "0014-smart-launch": smartLaunch,
  "0015-leases": leases,
  "0016-records-elsewhere": recordsElsewhere,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The migration set over a database (upgrade tests apply it in steps). */
export function migratorFor(database: Database): Migrator {
  return new Migrator({ db: database.db, provider });
}

/** The migrations not yet applied to this database (none once it has started; readiness asks). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const known = await migratorFor(database).getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const { error, results } = await migratorFor(database).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
