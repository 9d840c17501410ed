/**
 * The audit trail's write side: turns each domain event into a record, protects its NHS numbers,
 * and appends it through group commit. `record` resolves only once the record is durably stored,
 * so an event emitter that awaits it (the bus does) acknowledges nothing before it is audited.
 */
import { randomUUID } from "node:crypto";
import type { DomainEventName, DomainEvents } from "../domain-events.ts";
import type { Clock } from "../platform/clock.ts";
import type { AuditRecordStore, RecordDraft } from "./audit.ports.ts";
import { auditEntryOf } from "./audit-events.mapping.ts";
import { type AuditEntry, assertSealable, detailsText, RECORD_VERSION } from "./audit-record.ts";
import { sealBatch } from "./chain-sealer.ts";
import { GroupCommit, type GroupCommitOptions } from "./group-commit.ts";
import type { NhsNumberProtection } from "./nhs-number-protection.ts";

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

export class AuditTrail {
  readonly #deps: AuditTrailDeps;
  readonly #commits: GroupCommit<RecordDraft, AppendedRecord>;

  constructor(deps: AuditTrailDeps) {
    this.#deps = deps;
    this.#commits = new GroupCommit(deps.batch, (drafts) => this.#write(drafts));
  }

  /** Audits one domain event; resolves once its record is durably stored. */
  record<K extends DomainEventName>(name: K, payload: DomainEvents[K]): Promise<AppendedRecord> {
    return this.append(auditEntryOf(name, payload));
  }

  /** Appends one entry; resolves once it is durably stored. */
  append(entry: AuditEntry): Promise<AppendedRecord> {
    let draft: RecordDraft;
    try {
      draft = this.#draft(entry);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#commits.submit(draft);
  }

  /** Waits for every record submitted so far. */
  drain(): Promise<void> {
    return this.#commits.drain();
  }

  /** Checked here, per caller, so one bad entry never fails the batch it would have joined. */
  #draft(entry: AuditEntry): RecordDraft {
    const id = randomUUID();
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

  async #write(drafts: readonly RecordDraft[]): Promise<AppendedRecord[]> {
    const started = performance.now();
    const sealed = await this.#deps.store.append((head) =>
      sealBatch(head, drafts, this.#deps.clock.now().getTime()),
    );
    this.#deps.onCommitted?.({ records: drafts.length, durationMs: performance.now() - started });
    return sealed.records.map(({ seq, id, time }) => ({ seq, id, time }));
  }
}
