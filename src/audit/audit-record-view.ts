/**
 * A stored record as support staff and API clients see it: NHS numbers decrypted, details parsed,
 * the outcome explained, and the record's own link in the chain checked. Anything wrong with a
 * record (altered content, an NHS number that will not decrypt, an outcome outside the controlled
 * list) is shown on it as a problem: a corrupted record is reported, never left out.
 */

import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { isOutcomeCode, OUTCOMES, type OutcomeKind } from "./audit-outcomes.ts";
import { recordCanonical, type StoredRecord } from "./audit-record.ts";
import { chainHash } from "./hash-chain.ts";

/** A record for display and for the JSON API. */
export interface AuditRecordView {
  readonly seq: number;
  readonly id: string;
  readonly time: string;
  readonly type: string;
  readonly outcome: string;
  readonly outcomeKind: OutcomeKind | "unknown";
  readonly outcomeMeaning: string;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly roleId: string | null;
  readonly roleCode: string | null;
  readonly orgCode: string | null;
  readonly sessionId: string | null;
  readonly workstationId: string | null;
  readonly nhsNumber: string | null;
  readonly previousNhsNumber: string | null;
  readonly source: string | null;
  readonly encounterId: string | null;
  readonly correlationId: string;
  readonly durationMs: number | null;
  readonly details: Readonly<Record<string, unknown>>;
  /** `ok`: the record follows from the one before it; `broken`: it does not; `unchecked`: no previous hash. */
  readonly integrity: "ok" | "broken" | "unchecked";
  readonly problems: readonly string[];
  /** Chain hash, standard base64. */
  readonly hash: string;
}

/** The hash a record's link is checked against; null for the first record of the trail. */
export type PreviousHash = Uint8Array | null | undefined;

function reveal(
  protection: NhsNumberProtection,
  id: string,
  ciphertext: string | null,
  what: string,
  problems: string[],
) {
  if (ciphertext === null) return null;
  try {
    return protection.reveal(id, ciphertext);
  } catch {
    problems.push(`The ${what} cannot be decrypted (unknown key, or the record was altered).`);
    return null;
  }
}

function linkOf(record: StoredRecord, previous: PreviousHash): "ok" | "broken" | "unchecked" {
  if (previous === undefined) return "unchecked";
  try {
    const expected = chainHash(previous, recordCanonical(record));
    return Buffer.from(expected).equals(Buffer.from(record.hash)) ? "ok" : "broken";
  } catch {
    return "broken";
  }
}

function parseDetails(text: string, problems: string[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push("The record's details cannot be read.");
  return {};
}

/** The view of `record`, checking its link against `previous` (the hash of the record before it). */
export function viewOf(
  record: StoredRecord,
  previous: PreviousHash,
  protection: NhsNumberProtection,
): AuditRecordView {
  const problems: string[] = [];
  const integrity = linkOf(record, previous);
  if (integrity === "broken")
    problems.push("This record does not match its chain hash: it was altered or its neighbour was.");
  const known = isOutcomeCode(record.outcome);
  if (!known) problems.push(`The outcome "${record.outcome}" is not in the controlled list.`);
  return {
    seq: record.seq,
    id: record.id,
    time: Number.isSafeInteger(record.time) ? new Date(record.time).toISOString() : String(record.time),
    type: record.type,
    outcome: record.outcome,
    outcomeKind: known ? OUTCOMES[record.outcome].kind : "unknown",
    outcomeMeaning: known ? OUTCOMES[record.outcome].meaning : "Not in the controlled list",
    userId: record.userId,
    userName: record.userName,
    roleId: record.roleId,
    roleCode: record.roleCode,
    orgCode: record.orgCode,
    sessionId: record.sessionId,
    workstationId: record.workstationId,
    nhsNumber: reveal(protection, record.id, record.nhsNumber, "NHS number", problems),
    previousNhsNumber: reveal(
      protection,
      record.id,
      record.previousNhsNumber,
      "previous NHS number",
      problems,
    ),
    source: record.source,
    encounterId: record.encounterId,
    correlationId: record.correlationId,
    durationMs: record.durationMs,
    details: parseDetails(record.details, problems),
    integrity,
    problems,
    hash: Buffer.from(record.hash).toString("base64"),
  };
}
