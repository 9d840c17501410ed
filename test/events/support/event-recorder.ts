/**
 * A durable record of every domain event, standing in for the audit trail (which subscribes to
 * the same bus the same way: `emit` waits until the record is committed, written through group
 * commit). Tests read it back to count what was reported, across crashes and processes.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Events } from "../../../src/domain-events.ts";
import { GroupCommit } from "../../../src/platform/group-commit.ts";
import type { Database } from "../../../src/storage/database.ts";

interface RecordRow {
  id: string;
  process: string;
  name: string;
  dedupe_key: string | null;
  inbox_id: string | null;
  external_id: string | null;
  outcome: string | null;
  patient_id: string | null;
}

export interface RecorderSchema {
  test_domain_events: RecordRow;
}

export async function createRecorderTable(database: Database): Promise<void> {
  await (database.db as unknown as Kysely<RecorderSchema>).schema
    .createTable("test_domain_events")
    .ifNotExists()
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("process", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text")
    .addColumn("inbox_id", "text")
    .addColumn("external_id", "text")
    .addColumn("outcome", "text")
    .addColumn("patient_id", "text")
    .execute();
}

/** Subscribes a durable recorder to every event on the bus. */
export function recordDomainEvents(bus: Events, database: Database, process: string): void {
  const db = database.db as unknown as Kysely<RecorderSchema>;
  const commits = new GroupCommit<RecordRow, void>({ maxBatch: 256, lingerMs: 0 }, async (rows) => {
    await db
      .insertInto("test_domain_events")
      .values([...rows])
      .execute();
    return rows.map(() => undefined);
  });
  bus.onAny(async (name, payload) => {
    const p = payload as unknown as Record<string, unknown>;
    const text = (key: string) => (typeof p[key] === "string" ? (p[key] as string) : null);
    await commits.submit({
      id: randomUUID(),
      process,
      name: name as string,
      dedupe_key: text("dedupeKey"),
      inbox_id: text("inboxId"),
      external_id: text("externalId"),
      outcome: text("outcome"),
      patient_id: text("patientId"),
    });
  });
}

export function recorderDb(database: Database): Kysely<RecorderSchema> {
  return database.db as unknown as Kysely<RecorderSchema>;
}
