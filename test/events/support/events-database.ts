/**
 * Databases for the events tests: a fresh database of the dialect with every migration applied
 * (the inbox tables among them), and the inbox tables typed for the tests' own queries.
 */
import type { Kysely } from "kysely";
import type { Dialect } from "../../../src/storage/database.ts";
import type { EventsSchema } from "../../../src/storage/events.schema.ts";
import { openTestDatabase, type TestDatabase } from "../../support/databases.ts";

export interface EventsTestDatabase extends TestDatabase {
  readonly events: Kysely<EventsSchema>;
}

/** A fresh database of the dialect with every migration the events domain needs. */
export async function openEventsDatabase(dialect: Dialect): Promise<EventsTestDatabase> {
  const test = await openTestDatabase(dialect);
  return { ...test, events: test.database.db };
}
