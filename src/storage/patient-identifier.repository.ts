/** Point-of-care systems' own identifiers for local patients (both dialects). */
import type { Kysely } from "kysely";
import type { SystemIdentifierLink, SystemIdentifierRepository } from "../patients/patients.ports.ts";
import type { DatabaseSchema } from "./schema.ts";

export class SqlSystemIdentifierRepository implements SystemIdentifierRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async find(system: string, value: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom("patient_system_identifiers")
      .select("patient_id")
      .where("system", "=", system)
      .where("value", "=", value)
      .executeTakeFirst();
    return row?.patient_id;
  }

  async link(link: SystemIdentifierLink): Promise<string> {
    // The first link wins: a second hand-over racing the first finds what it wrote.
    await this.#db
      .insertInto("patient_system_identifiers")
      .values({
        system: link.system,
        value: link.value,
        patient_id: link.patientId,
        client_id: link.clientId,
        created_at: link.at.getTime(),
      })
      .onConflict((oc) => oc.columns(["system", "value"]).doNothing())
      .execute();
    const holder = await this.find(link.system, link.value);
    if (holder === undefined) throw new Error("system identifier link vanished");
    return holder;
  }
}
