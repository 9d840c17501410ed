/**
 * What NRL says exists about a patient, in our terms: pointers (metadata about a document held
 * by another organisation, never the document), and the port the NRL adapter implements. A
 * pointer is not the document: it says what exists, where, and since when.
 */
import type { NhsNumber } from "../patients/nhs-number.ts";

export interface Coded {
  /** SNOMED CT code. */
  readonly code: string;
  readonly display: string;
}

export interface RecordPointer {
  /** NRL's id, `<custodian ODS>-<local id>`. */
  readonly id: string;
  readonly type: Coded;
  readonly category: Coded;
  /** ODS code of the organisation holding the document. */
  readonly custodian: string;
  /** ODS code of the organisation that wrote it. */
  readonly author: string;
  /** ISO date-times as NRL gave them; `updated` is `meta.lastUpdated` or `date`, else null. */
  readonly created: string | null;
  readonly updated: string | null;
  /** `static` or `dynamic` (Extension-England-ContentStability), null when not given. */
  readonly stability: string | null;
  /** NRL format code, e.g. `urn:nhs-ic:unstructured`. */
  readonly format: string | null;
  /** How the document would be fetched (Extension-England-NRLRetrievalMechanism), e.g. `SSP`. */
  readonly retrieval: string | null;
  /** The pointer's own version (`meta.versionId`), null when not given. */
  readonly version: string | null;
}

/** Where a list came from: always NRL, when it answered. */
export interface Provenance {
  readonly source: "NRL";
  readonly retrievedAt: Date;
}

export type PointerSearchResult =
  | {
      readonly kind: "found";
      readonly pointers: readonly RecordPointer[];
      /** Pointers NRL sent that were refused one by one (missing required fields): a count, never their content. */
      readonly refused: number;
      readonly provenance: Provenance;
    }
  /** NRL's 403 "Provided ODS code has no pointers within requesting app": an answer, not an outage. */
  | { readonly kind: "none_for_organisation"; readonly provenance: Provenance };

export interface SearchOptions {
  readonly correlationId: string;
  /** The user's organisation, sent as NHSD-End-User-Organisation-ODS. */
  readonly odsCode: string;
}

/** The NRL adapter (src/national/nrl). Throws `nrl.*` AppErrors. */
export interface RecordLocator {
  search(nhsNumber: NhsNumber, options: SearchOptions): Promise<PointerSearchResult>;
  /** One pointer by id; null when NRL has none by that id. */
  read(id: string, options: SearchOptions): Promise<RecordPointer | null>;
}
