/**
 * Export of the audit trail as FHIR R4 AuditEvents in NDJSON, streamed: records are read a page at
 * a time in sequence order and written as they are read, so a large range never sits in memory.
 * The range is bounded (From and To required, at most a configured number of days) and checked
 * before anything is streamed. Each record's link in the chain is checked as it goes; a record that
 * fails is written as an OperationOutcome in its place, never skipped.
 */
import type { Events } from "../domain-events.ts";
import { AppError } from "../platform/errors.ts";
import { auditErrors } from "./audit.errors.ts";
import type { AuditRecordStore, RecordQuery } from "./audit.ports.ts";
import { describeFilters } from "./audit-query.ts";
import type { StoredRecord } from "./audit-record.ts";
import type { AuditReader, AuditSearch } from "./audit-search.service.ts";
import { corruptRecordOutcome, toAuditEvent } from "./fhir-audit-event.ts";

const DAY_MS = 86_400_000;
const PAGE = 500;

export interface AuditExportDeps {
  readonly records: AuditRecordStore;
  readonly search: AuditSearch;
  readonly events: Events;
  readonly maxDays: number;
  /** Named as the observer (`AuditEvent.source.observer`). */
  readonly observer: string;
}

function matches(record: StoredRecord, q: RecordQuery): boolean {
  const indexes = q.nhsNumberIndexes;
  return (
    (indexes === undefined ||
      indexes.some((i) => i === record.nhsNumberIndex || i === record.previousNhsNumberIndex)) &&
    (q.userId === undefined || q.userId === record.userId) &&
    (q.userName === undefined || (record.userName ?? "").toLowerCase().includes(q.userName)) &&
    (q.orgCode === undefined || q.orgCode === record.orgCode) &&
    (q.outcome === undefined || q.outcome === record.outcome) &&
    (q.type === undefined || q.type === record.type) &&
    (q.correlationId === undefined || q.correlationId === record.correlationId)
  );
}

export class AuditExport {
  readonly #deps: AuditExportDeps;

  constructor(deps: AuditExportDeps) {
    this.#deps = deps;
  }

  /**
   * Validates the export and audits it, then returns its lines (each a JSON resource without the
   * newline), to be streamed.
   *
   * @throws audit.search_invalid or audit.export_range_invalid before anything is written.
   */
  async start(
    raw: Readonly<Record<string, string | undefined>>,
    reader: AuditReader,
  ): Promise<AsyncIterable<string>> {
    const query = this.#deps.search.parse(raw, [
      "nhsNumber",
      "userId",
      "orgCode",
      "outcome",
      "type",
      "correlationId",
      "from",
      "to",
    ]);
    const { from, to } = query;
    if (from === undefined || to === undefined || to - from > this.#deps.maxDays * DAY_MS) {
      throw new AppError(auditErrors.export_range_invalid, { details: { maxDays: this.#deps.maxDays } });
    }
    const recordQuery = await this.#deps.search.toRecordQuery(query, PAGE);
    await this.#deps.events.emit("audit.exported", {
      ...reader,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      filters: describeFilters(query),
    });
    return this.#lines(recordQuery);
  }

  async *#lines(q: RecordQuery): AsyncIterable<string> {
    const fromSeq = q.fromSeq ?? 1;
    const toSeq = q.toSeq ?? 0;
    for await (const page of this.#deps.records.pages(fromSeq, toSeq, PAGE)) {
      const views = await this.#deps.search.views(page.filter((r) => matches(r, q)));
      for (const view of views) {
        yield JSON.stringify(
          view.problems.length > 0
            ? corruptRecordOutcome(view.seq, view.problems)
            : toAuditEvent(view, this.#deps.observer),
        );
      }
    }
  }
}
