/**
 * When a cached NRL answer stops being fresh (pure): `defaultSeconds` after it was checked, or
 * sooner when it holds a pointer of a type with a shorter time to live (`bySeconds`, e.g. a NEWS2
 * chart that changes by the hour). An answer with no pointers lives `defaultSeconds`.
 */
import type { RecordPointer } from "./record-pointer.ts";

export interface ExpiryRules {
  readonly defaultSeconds: number;
  readonly byType: Readonly<Record<string, number>>;
}

export function expiresAt(checkedAt: Date, pointers: readonly RecordPointer[], rules: ExpiryRules): Date {
  let seconds = rules.defaultSeconds;
  for (const pointer of pointers) {
    const own = rules.byType[pointer.type.code];
    if (own !== undefined && own < seconds) seconds = own;
  }
  return new Date(checkedAt.getTime() + seconds * 1000);
}
