/**
 * NHS numbers in the operational tables, kept as the audit trail keeps them (docs/adr/0014): with
 * the audit's key rings, AES-256-GCM ciphertext and the audit's blind index for lookups. Each
 * ciphertext is bound to its column and row (both are the GCM additional data), so a value copied
 * to another row, another column, or from the audit trail, does not decrypt.
 */
import type { NhsNumberProtection, ProtectedNhsNumber } from "../platform/nhs-number-protection.ts";

/** Every operational column that holds an NHS number, or a document carrying one, sealed. */
export type SealedColumn =
  /** The local record's NHS number, valid or as mistyped locally (a typo may be a real number). */
  | "patients.nhs_number"
  /** What PDS last told us (the whole record, number included). */
  | "patients.pds_snapshot"
  /** The surviving number of a superseded verification state. */
  | "patients.verification"
  | "patient_superseded_numbers.nhs_number"
  | "pds_checks.requested_nhs_number"
  /** PDS's whole answer to a check. */
  | "pds_checks.national"
  | "launch_intents.nhs_number";

// The audit binds its ciphertext to a bare record id; this prefix keeps the two apart.
const DOMAIN = "ncrs-at-rest-v1";

function boundTo(column: SealedColumn, rowId: string): string {
  return `${DOMAIN}\n${column}\n${rowId}`;
}

/** A superseded number's row has no id of its own: it is bound to its patient and its index. */
export function supersededRowId(patientId: string, index: string): string {
  return `${patientId}\n${index}`;
}

export class NhsNumbersAtRest {
  readonly #protection: NhsNumberProtection;

  constructor(protection: NhsNumberProtection) {
    this.#protection = protection;
  }

  /** A valid NHS number sealed for one row of `column`, with its blind index (the newest key). */
  protect(column: SealedColumn, rowId: string, nhsNumber: string): ProtectedNhsNumber {
    return this.#protection.protect(boundTo(column, rowId), nhsNumber);
  }

  /**
   * An earlier number of a patient, for `patient_superseded_numbers`: that row is keyed by the
   * index, so the ciphertext is bound to the patient and the index.
   */
  protectSuperseded(patientId: string, nhsNumber: string): ProtectedNhsNumber {
    if (!/^\d{10}$/.test(nhsNumber)) throw new TypeError("a protected NHS number must be 10 digits");
    const index = this.#protection.indexesOf(nhsNumber).at(-1) as string;
    const rowId = supersededRowId(patientId, index);
    return { index, ciphertext: this.seal("patient_superseded_numbers.nhs_number", rowId, nhsNumber) };
  }

  /** Any text (a document, a mistyped number) sealed for one row of `column`. */
  seal(column: SealedColumn, rowId: string, text: string): string {
    return this.#protection.seal(boundTo(column, rowId), text);
  }

  /**
   * What `seal` or `protect` stored for this row of `column`.
   *
   * @throws UnreadableNhsNumber if it was sealed for another row or column, altered, or its key is gone.
   */
  open(column: SealedColumn, rowId: string, sealed: string): string {
    return this.#protection.reveal(boundTo(column, rowId), sealed);
  }

  /** Every index the number may be stored under (one per index key, newest last), for lookups. */
  indexesOf(nhsNumber: string): string[] {
    return this.#protection.indexesOf(nhsNumber);
  }
}
