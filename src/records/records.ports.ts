/** What the records domain needs from storage (src/storage/records-elsewhere.repository.ts). */
import type { RecordPointer } from "./record-pointer.ts";

/** One cached answer of NRL: metadata only, bound to a patient and the organisation that asked. */
export interface CachedPointers {
  readonly patientId: string;
  /** NRL answers per requesting organisation (its 403 is about the ODS code). */
  readonly odsCode: string;
  readonly outcome: "found" | "none_for_organisation";
  readonly pointers: readonly RecordPointer[];
  readonly refused: number;
  readonly checkedAt: Date;
  readonly expiresAt: Date;
}

export interface PointerCacheStore {
  get(patientId: string, odsCode: string): Promise<CachedPointers | null>;
  put(entry: CachedPointers): Promise<void>;
  /** Forgets every cached answer about the patient (a supersession, a death). */
  invalidate(patientId: string): Promise<number>;
}

/** A pointer a viewer (user or organisation) was told is new, until dismissed. */
export interface NewPointer {
  readonly pointerId: string;
  readonly typeCode: string;
  readonly typeDisplay: string;
  readonly custodian: string;
  readonly newAt: Date;
}

export interface SeenPointerStore {
  /**
   * Records that `scope` looked at the patient's list holding `pointerIds` at `now`. Returns the
   * ids never seen before by this scope; none on the scope's first look (nothing is "new" to
   * someone who has not looked before). The new ones are kept as pending notifications.
   */
  look(
    scope: string,
    patientId: string,
    pointers: readonly RecordPointer[],
    now: Date,
  ): Promise<readonly string[]>;
  /** Notifications for this scope and patient not yet dismissed. */
  pending(scope: string, patientId: string): Promise<readonly NewPointer[]>;
  /** Dismisses every pending notification for this scope and patient; how many. */
  dismiss(scope: string, patientId: string, now: Date): Promise<number>;
}
