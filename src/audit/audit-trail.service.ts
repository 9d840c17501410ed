/**
 * The audit trail's write side: turns each domain event into a record, protects its NHS numbers,
 * and appends it through group commit. `record` resolves only once the record is durably stored,
 * so an event emitter that awaits it (the bus does) acknowledges nothing before it is audited. A
 * record may come with an atomic write (a launch id spent), committed in the same transaction:
 * when the write's condition fails, the record is left out and `record` resolves to null.
 */
import { createHash, randomUUID } from "node:crypto";
import type { DomainEventName, DomainEvents } from "../domain-events.ts";
import type { AtomicWrite } from "../platform/atomic-write.ts";
import type { Clock } from "../platform/clock.ts";
import { GroupCommit, type GroupCommitOptions } from "../platform/group-commit.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import type { AuditRecordStore, RecordDraft, StoredRef } from "./audit.ports.ts";
import { auditEntryOf } from "./audit-events.mapping.ts";
import { type AuditEntry, assertSealable, detailsText, RECORD_VERSION } from "./audit-record.ts";
import { sealBatch } from "./chain-sealer.ts";

/** Where a record landed. */
export interface AppendedRecord {
  readonly seq: number;
  readonly id: string;
  readonly time: number;
}

export interface AuditTrailDeps {
  readonly store: AuditRecordStore;
  readonly protection: NhsNumberProtection;
  readonly clock: Clock;
  readonly batch: GroupCommitOptions;
  /** Told after each committed batch (metrics). */
  readonly onCommitted?: (batch: { readonly records: number; readonly durationMs: number }) => void;
}

interface Submission {
  readonly draft: RecordDraft;
  readonly alongside: AtomicWrite | undefined;
}

export class AuditTrail {
  readonly #deps: AuditTrailDeps;
  readonly #commits: GroupCommit<Submission, AppendedRecord | null>;
  /** Ids fixed by a dedupe key, waiting to be written (checked against the store when they are). */
  readonly #deduped = new Map<string, number>();

  constructor(deps: AuditTrailDeps) {
    this.#deps = deps;
    this.#commits = new GroupCommit(deps.batch, (submissions) => this.#write(submissions));
  }

  /**
   * Audits one domain event; resolves once its record is durably stored, with `alongside` in the
   * same commit (null when `alongside` did not apply, and then nothing was stored).
   */
  record<K extends DomainEventName>(
    name: K,
    payload: DomainEvents[K],
    alongside?: AtomicWrite,
  ): Promise<AppendedRecord | null> {
    return this.appendWith(auditEntryOf(name, payload), alongside);
  }

  /** Appends one entry; resolves once it is durably stored. */
  append(entry: AuditEntry): Promise<AppendedRecord> {
    return this.appendWith(entry, undefined) as Promise<AppendedRecord>;
  }

  /** Appends one entry with `alongside` in the same commit; null when `alongside` did not apply. */
  appendWith(entry: AuditEntry, alongside: AtomicWrite | undefined): Promise<AppendedRecord | null> {
    let draft: RecordDraft;
    try {
      draft = this.#draft(entry);
    } catch (error) {
      return Promise.reject(error);
    }
    if (entry.dedupeKey) this.#deduped.set(draft.id, (this.#deduped.get(draft.id) ?? 0) + 1);
    return this.#commits.submit({ draft, alongside });
  }

  /** Waits for every record submitted so far. */
  drain(): Promise<void> {
    return this.#commits.drain();
  }

  /** Checked here, per caller, so one bad entry never fails the batch it would have joined. */
  #draft(entry: AuditEntry): RecordDraft {
    const id = entry.dedupeKey ? dedupedId(entry.type, entry.dedupeKey) : randomUUID();
    const patient = entry.nhsNumber === null ? null : this.#deps.protection.protect(id, entry.nhsNumber);
    const previous =
      entry.previousNhsNumber === null ? null : this.#deps.protection.protect(id, entry.previousNhsNumber);
    const draft: RecordDraft = {
      v: RECORD_VERSION,
      id,
      type: entry.type,
      outcome: entry.outcome,
      userId: entry.userId,
      userName: entry.userName,
      roleId: entry.roleId,
      roleCode: entry.roleCode,
      orgCode: entry.orgCode,
      sessionId: entry.sessionId,
      workstationId: entry.workstationId,
      nhsNumber: patient?.ciphertext ?? null,
      nhsNumberIndex: patient?.index ?? null,
      previousNhsNumber: previous?.ciphertext ?? null,
      previousNhsNumberIndex: previous?.index ?? null,
      source: entry.source,
      encounterId: entry.encounterId,
      correlationId: entry.correlationId,
      durationMs: entry.durationMs,
      details: detailsText(entry.details),
    };
    assertSealable({ ...draft, time: 0 });
    return draft;
  }

  /**
   * Records the batch. Drafts whose id is fixed by a dedupe key may be stored already (or twice in
   * the batch): those are left out, and their callers get the record that is there.
   */
  async #write(submissions: readonly Submission[]): Promise<(AppendedRecord | null)[]> {
    const started = performance.now();
    const drafts = submissions.map((s) => s.draft);
    const maybeStored = drafts.filter((d) => this.#deduped.has(d.id)).map((d) => d.id);
    const landed = new Map<string, StoredRef>();
    const alongside = submissions.some((s) => s.alongside) ? submissions.map((s) => s.alongside) : undefined;
    const left = new Set<number>();
    const sealed = await this.#deps.store.append(
      (head, stored, applied) => {
        left.clear();
        for (const [id, ref] of stored) landed.set(id, ref);
        for (const i of drafts.keys()) if (!applied(i)) left.add(i);
        const toSeal = left.size === 0 ? drafts : drafts.filter((_, i) => !left.has(i));
        return sealBatch(head, unsealed(toSeal, maybeStored, stored), this.#deps.clock.now().getTime());
      },
      { ids: maybeStored, ...(alongside ? { alongside } : {}) },
    );
    for (const r of sealed.records) landed.set(r.id, { seq: r.seq, time: r.time });
    for (const id of maybeStored) {
      const count = (this.#deduped.get(id) ?? 1) - 1;
      if (count > 0) this.#deduped.set(id, count);
      else this.#deduped.delete(id);
    }
    this.#deps.onCommitted?.({ records: sealed.records.length, durationMs: performance.now() - started });
    return drafts.map((d, i) => {
      if (left.has(i)) return null;
      const ref = landed.get(d.id) as StoredRef;
      return { seq: ref.seq, id: d.id, time: ref.time };
    });
  }
}

/**
 * The drafts to seal: all of them unless some ids were fixed by a dedupe key (the usual batch has
 * none, and costs nothing here); then each such id once, and only if it is not stored already.
 */
function unsealed(
  drafts: readonly RecordDraft[],
  maybeStored: readonly string[],
  stored: ReadonlyMap<string, StoredRef>,
): readonly RecordDraft[] {
  if (maybeStored.length === 0) return drafts;
  const taken = new Set(stored.keys());
  return drafts.filter((d) => {
    if (taken.has(d.id)) return false;
    taken.add(d.id);
    return true;
  });
}

/**
 * The id of a record of a fact reported at least once: a UUID (version 8, RFC 9562) made from the
 * event name and its dedupe key, so every report of the fact names the same record.
 */
export function dedupedId(type: string, dedupeKey: string): string {
  const b = createHash("sha256").update(`audit-dedupe\n${type}\n${dedupeKey}`).digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
