/** Counting audit records by type, outcome and organisation (both dialects). */
import type { Kysely } from "kysely";
import type { AuditTallyStore, OutcomeTally } from "../audit/audit.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

export class SqlAuditTallyStore implements AuditTallyStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async tally(types: readonly string[], fromSeq: number, toSeq: number): Promise<readonly OutcomeTally[]> {
    if (types.length === 0 || fromSeq > toSeq) return [];
    // Each type's records are a range of the (event_type, seq) index.
    const rows = await this.#db
      .selectFrom("audit_records")
      .select((eb) => ["event_type", "outcome", "org_code", eb.fn.countAll().as("records")])
      .where("event_type", "in", types)
      .where("seq", ">=", fromSeq)
      .where("seq", "<=", toSeq)
      .groupBy(["event_type", "outcome", "org_code"])
      .execute();
    return rows.map((r) => ({
      type: r.event_type,
      outcome: r.outcome,
      orgCode: r.org_code,
      records: Number(r.records),
    }));
  }
}
