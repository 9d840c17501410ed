/**
 * The audit record: what an audited action says (`AuditEntry`, from the event mapping), and the
 * record as stored and hashed (`AuditRecordContent`), where NHS numbers are already encrypted and
 * blind-indexed. The stored form is what the chain covers, so anyone can verify a trail (or an
 * archive of it) without the keys that reveal NHS numbers.
 *
 * The canonical text of a record is `canonicalJson` of its content with `details` as an object.
 * `recordCanonical` writes exactly that text directly from the flat fields (a test holds it to
 * `canonicalJson`), because the verifier rebuilds it for every record and must be fast.
 */

import type { OutcomeCode } from "./audit-outcomes.ts";
import { canonicalJson } from "./canonical-json.ts";

/** A value in a record's `details`: small scalars only, so details stay flat and searchable. */
export type DetailValue = string | number | boolean | null;

/** What an audited action says, before its NHS numbers are protected. */
export interface AuditEntry {
  /** The domain event name (`noun.past_verb`), e.g. `launch.redirected`. */
  readonly type: string;
  readonly outcome: OutcomeCode;
  /** CIS2 UUID (`sub`) and name of the user who acted. */
  readonly userId: string | null;
  readonly userName: string | null;
  /** CIS2 `person_roleid` and national role code of the selected role. */
  readonly roleId: string | null;
  readonly roleCode: string | null;
  /** ODS code of the organisation the user acted for. */
  readonly orgCode: string | null;
  readonly sessionId: string | null;
  readonly workstationId: string | null;
  /** The patient's NHS number (10 digits). */
  readonly nhsNumber: string | null;
  /** The number it replaced, for re-keying and superseded-number events. */
  readonly previousNhsNumber: string | null;
  /** The screen or feature the action came from, e.g. `patient-page`. */
  readonly source: string | null;
  readonly encounterId: string | null;
  readonly correlationId: string;
  readonly durationMs: number | null;
  readonly details: Readonly<Record<string, DetailValue>>;
  /**
   * For facts reported at least once (change events after a crash): the same key means the same
   * fact, recorded once. Not part of the record; it fixes the record's id (see AuditTrail).
   */
  readonly dedupeKey?: string | null;
}

/** Format version of the record content. */
export const RECORD_VERSION = 1;

/** A record as stored and hashed: flat, NHS numbers encrypted, `details` as canonical JSON text. */
export interface AuditRecordContent {
  readonly v: number;
  readonly id: string;
  /** Epoch milliseconds; never earlier than the record before it. */
  readonly time: number;
  readonly type: string;
  readonly outcome: string;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly roleId: string | null;
  readonly roleCode: string | null;
  readonly orgCode: string | null;
  readonly sessionId: string | null;
  readonly workstationId: string | null;
  /** AES-256-GCM ciphertext of the NHS number (see src/platform/nhs-number-protection.ts). */
  readonly nhsNumber: string | null;
  /** Keyed blind index of the NHS number, for search. */
  readonly nhsNumberIndex: string | null;
  readonly previousNhsNumber: string | null;
  readonly previousNhsNumberIndex: string | null;
  readonly source: string | null;
  readonly encounterId: string | null;
  readonly correlationId: string;
  readonly durationMs: number | null;
  /** `canonicalJson(details)`. */
  readonly details: string;
}

/** A stored record: its content, its place in the chain and its chain hash. */
export interface StoredRecord extends AuditRecordContent {
  readonly seq: number;
  readonly hash: Uint8Array;
}

type Field = keyof AuditRecordContent;

// Sorted as canonical JSON sorts keys (UTF-16 code units), so the text below is canonical.
const FIELDS = (
  [
    "v",
    "id",
    "time",
    "type",
    "outcome",
    "userId",
    "userName",
    "roleId",
    "roleCode",
    "orgCode",
    "sessionId",
    "workstationId",
    "nhsNumber",
    "nhsNumberIndex",
    "previousNhsNumber",
    "previousNhsNumberIndex",
    "source",
    "encounterId",
    "correlationId",
    "durationMs",
    "details",
  ] as const satisfies readonly Field[]
).toSorted();

/** Where `details` goes in the text below: the first `,"details":0,` can only be the key itself
 * (a string value before it cannot hold an unescaped quote). */
const DETAILS_SLOT = ',"details":0,';

/**
 * The canonical JSON text of a record: `canonicalJson` of the content with `details` parsed.
 * One native JSON.stringify of the fields in sorted order (several times faster than walking
 * them), with the stored `details` text spliced in, so a changed details text changes the hash.
 */
export function recordCanonical(r: AuditRecordContent): string {
  // Literal keys in canonical (sorted) order; the verifier relies on it, a test holds it.
  const text = JSON.stringify({
    correlationId: r.correlationId,
    details: 0,
    durationMs: r.durationMs,
    encounterId: r.encounterId,
    id: r.id,
    nhsNumber: r.nhsNumber,
    nhsNumberIndex: r.nhsNumberIndex,
    orgCode: r.orgCode,
    outcome: r.outcome,
    previousNhsNumber: r.previousNhsNumber,
    previousNhsNumberIndex: r.previousNhsNumberIndex,
    roleCode: r.roleCode,
    roleId: r.roleId,
    sessionId: r.sessionId,
    source: r.source,
    time: r.time,
    type: r.type,
    userId: r.userId,
    userName: r.userName,
    v: r.v,
    workstationId: r.workstationId,
  });
  const at = text.indexOf(DETAILS_SLOT);
  return `${text.slice(0, at)},"details":${r.details},${text.slice(at + DETAILS_SLOT.length)}`;
}

/** Why a record cannot be sealed: it would not have one faithful canonical text. */
export class AuditRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditRecordError";
  }
}

/**
 * Checks what `recordCanonical` cannot: every string is well-formed UTF-16 (JSON.stringify would
 * escape a lone surrogate, canonical JSON refuses it), numbers are safe integers, and `details` is
 * the text of an object (made by {@link detailsText}).
 *
 * @throws AuditRecordError naming the field.
 */
export function assertSealable(record: AuditRecordContent): void {
  for (const field of FIELDS) {
    const value: unknown = record[field];
    if (typeof value === "string" && !value.isWellFormed()) {
      throw new AuditRecordError(`${field} holds a lone UTF-16 surrogate`);
    }
    if (typeof value === "number" && (!Number.isSafeInteger(value) || value < 0)) {
      throw new AuditRecordError(`${field} must be a whole number, not negative`);
    }
  }
  if (!record.details.startsWith("{") || !record.details.endsWith("}")) {
    throw new AuditRecordError("details must be the canonical JSON of an object");
  }
}

/** The `details` text of a record: canonical JSON of scalar values only. */
export function detailsText(details: Readonly<Record<string, DetailValue>>): string {
  for (const [key, value] of Object.entries(details)) {
    if (value !== null && typeof value === "object") {
      throw new AuditRecordError(`details.${key} must be a string, number, boolean or null`);
    }
  }
  return canonicalJson(details);
}
