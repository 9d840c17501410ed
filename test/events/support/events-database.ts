/**
 * Databases for the events tests. The events migration (0006) is not yet registered in
 * src/storage/migrate.ts, so the tests apply it themselves after the registered ones, together
 * with the patient national-state migration (0005) it builds on when that is not registered yet
 * either. Each is applied only if its tables or columns are missing, so the helper keeps working
 * once both are registered.
 */
import type { Kysely } from "kysely";
import type { Database, Dialect } from "../../../src/storage/database.ts";
import type { EventsSchema } from "../../../src/storage/events.schema.ts";
import * as nationalState from "../../../src/storage/migrations/0005-patient-national-state.ts";
import * as events from "../../../src/storage/migrations/0006-events.ts";
import { openTestDatabase, type TestDatabase } from "../../support/databases.ts";

/** Applies 0005 and 0006 where missing. */
export async function applyEventsMigrations(database: Database): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: migrations take the schema as it was.
  const db = database.db as unknown as Kysely<any>;
  const tables = await db.introspection.getTables();
  const patients = tables.find((t) => t.name === "patients");
  if (patients && !patients.columns.some((c) => c.name === "pds_version")) await nationalState.up(db);
  if (!tables.some((t) => t.name === "event_inbox")) await events.up(db);
}

export interface EventsTestDatabase extends TestDatabase {
  readonly events: Kysely<EventsSchema>;
}

/** A fresh database of the dialect with every migration the events domain needs. */
export async function openEventsDatabase(dialect: Dialect): Promise<EventsTestDatabase> {
  const test = await openTestDatabase(dialect);
  await applyEventsMigrations(test.database);
  return { ...test, events: test.database.db as unknown as Kysely<EventsSchema> };
}
