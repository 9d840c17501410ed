/**
 * Patients' search names become "family given…" (were "given… family"), so that search results
 * are listed by family name, as the banner writes them. Rebuilt from each stored name.
 */
import type { Kysely } from "kysely";

const BATCH = 500;

/** As src/storage/patient-rows.ts builds it today; kept here so this migration never changes. */
function sortableName(family: string, given: readonly string[]): string {
  return [family, ...given]
    .filter((part) => part.length > 0)
    .join(" ")
    .toLowerCase();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as typed now.
export async function up(db: Kysely<any>): Promise<void> {
  let after = "";
  for (;;) {
    const names: { patient_id: string; value_json: string }[] = await db
      .selectFrom("patient_demographics")
      .select(["patient_id", "value_json"])
      .where("field", "=", "name")
      .where("patient_id", ">", after)
      .orderBy("patient_id")
      .limit(BATCH)
      .execute();
    for (const row of names) {
      const name = JSON.parse(row.value_json) as { family?: string; given?: string[] };
      await db
        .updateTable("patients")
        .set({ search_name: sortableName(name.family ?? "", name.given ?? []) })
        .where("id", "=", row.patient_id)
        .execute();
    }
    if (names.length < BATCH) return;
    after = (names.at(-1) as { patient_id: string }).patient_id;
  }
}
