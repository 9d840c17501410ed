/** Recognising database errors the same way on both dialects. */

/** A unique-key violation: PostgreSQL 23505, SQLite "UNIQUE constraint failed". */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (e?.code === "23505") return true;
  return typeof e?.message === "string" && /UNIQUE constraint failed/.test(e.message);
}
