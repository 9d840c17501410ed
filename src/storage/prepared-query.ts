/**
 * Queries that run on every page view (the session, the patient context, the patient, the launch
 * id), built and compiled once and then run with each request's values.
 *
 * Kysely builds and compiles a query afresh every time it runs; for a lookup by key that costs more
 * than SQLite takes to answer it. The query is built once with a marker in place of each named
 * value; compiling it through the database's own Kysely instance gives that dialect's SQL, so one
 * repository still serves SQLite and PostgreSQL. Values that are part of the query itself (a limit,
 * a constant) stay as compiled. A value is used whole (`where("id", "=", v.id)`), never inside
 * another (`like %…%`, an `in` list). Prepared queries run on the database they were made with, not
 * inside one of its transactions.
 */
import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.ts";

const MARKER = "\u0000prepared-value:";

export type PreparedQuery<Row, Name extends string> = (
  values: Readonly<Record<Name, unknown>>,
) => Promise<Row[]>;

export function prepareQuery<Row, Name extends string>(
  db: Kysely<DatabaseSchema>,
  names: readonly Name[],
  build: (db: Kysely<DatabaseSchema>, values: Readonly<Record<Name, string>>) => Compilable<Row>,
): PreparedQuery<Row, Name> {
  const markers = Object.fromEntries(names.map((name) => [name, `${MARKER}${name}`])) as Record<Name, string>;
  const compiled: CompiledQuery<Row> = build(db, markers).compile();
  const slots = compiled.parameters.map((p) => names.find((name) => p === markers[name]) ?? null);
  const missing = names.filter((name) => !slots.includes(name));
  if (missing.length > 0)
    throw new Error(`prepared query does not use ${missing.join(", ")}: ${compiled.sql}`);
  // A marker inside a bigger value (`%${v.term}%`) or written into the SQL would run as text.
  const buried =
    compiled.sql.includes(MARKER) ||
    compiled.parameters.some((p, i) => slots[i] === null && String(p).includes(MARKER));
  if (buried) throw new Error(`prepared query uses a value other than whole: ${compiled.sql}`);
  return async (values) => {
    const parameters = slots.map((slot, i) => (slot === null ? compiled.parameters[i] : values[slot]));
    return (await db.executeQuery<Row>({ ...compiled, parameters })).rows;
  };
}
