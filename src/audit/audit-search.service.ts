/**
 * Reading the audit trail for support staff: search by patient, user, organisation, time,
 * outcome, event type or correlation id; a per-patient access report; the timeline of one
 * correlation id ("NCRS didn't open" answered in one screen); one record. Every read is itself
 * audited (who looked, at which patient), and every record shown carries its own integrity check.
 */
import type { Events } from "../domain-events.ts";
import type { Actor } from "../identity/identity.events.ts";
import { AppError } from "../platform/errors.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { auditErrors } from "./audit.errors.ts";
import type { AuditView } from "./audit.events.ts";
import type { AccessSummaryRow, AuditRecordStore, RecordQuery, RetentionStore } from "./audit.ports.ts";
import { type AuditQuery, describeFilters, parseAuditQuery, type RawAuditQuery } from "./audit-query.ts";
import type { StoredRecord } from "./audit-record.ts";
import { type AuditRecordView, type PreviousHash, viewOf } from "./audit-record-view.ts";

/** Who is reading, for the audit of the read. */
export interface AuditReader extends Actor {
  readonly correlationId: string;
}

export interface AuditSearchDeps {
  readonly records: AuditRecordStore;
  readonly retention: RetentionStore;
  readonly protection: NhsNumberProtection;
  readonly events: Events;
}

/** A page of results, newest first; `next` is the `before` value of the following page. */
export interface SearchResult {
  readonly query: AuditQuery;
  readonly records: readonly AuditRecordView[];
  readonly next: number | null;
}

/** Who accessed one patient's records, and the records. */
export interface PatientReport extends SearchResult {
  readonly summary: readonly AccessSummaryRow[];
}

/** Most records a timeline shows (one correlation id is one journey: a handful of records). */
export const TIMELINE_LIMIT = 500;

export class AuditSearch {
  readonly #deps: AuditSearchDeps;

  constructor(deps: AuditSearchDeps) {
    this.#deps = deps;
  }

  /** Validates `raw`, or throws audit.search_invalid naming each wrong parameter. */
  parse(raw: RawAuditQuery, allowed?: readonly string[]): AuditQuery {
    const parsed = parseAuditQuery(raw, allowed);
    if (!parsed.ok)
      throw new AppError(auditErrors.search_invalid, { details: { problems: parsed.problems } });
    return parsed.query;
  }

  /** A store query for a validated search (a time range becomes a run of sequences). */
  async toRecordQuery(query: AuditQuery, limit: number, paged = true): Promise<RecordQuery> {
    const range =
      query.from === undefined && query.to === undefined
        ? undefined
        : await this.#deps.records.seqRangeOf(query.from ?? 0, query.to ?? Number.MAX_SAFE_INTEGER);
    const bounds = [range?.toSeq, paged && query.before !== undefined ? query.before - 1 : undefined];
    const upper = bounds.filter((n): n is number => n !== undefined);
    const toSeq = upper.length > 0 ? Math.min(...upper) : undefined;
    return {
      ...(query.nhsNumber === undefined
        ? {}
        : { nhsNumberIndexes: this.#deps.protection.indexesOf(query.nhsNumber) }),
      ...(query.userId === undefined ? {} : { userId: query.userId }),
      ...(query.userName === undefined ? {} : { userName: query.userName }),
      ...(query.orgCode === undefined ? {} : { orgCode: query.orgCode }),
      ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
      ...(query.type === undefined ? {} : { type: query.type }),
      ...(query.correlationId === undefined ? {} : { correlationId: query.correlationId }),
      ...(range === undefined ? {} : { fromSeq: range.fromSeq }),
      ...(toSeq === undefined ? {} : { toSeq }),
      limit,
    };
  }

  /** Records matching `raw`, newest first, a page at a time. */
  async search(raw: RawAuditQuery, reader: AuditReader): Promise<SearchResult> {
    const query = this.parse(raw);
    const result = await this.#page(query);
    await this.#audit(reader, "search", query, result.records.length);
    return result;
  }

  /** Everything recorded about one patient (by NHS number), with who accessed it. */
  async patientReport(raw: RawAuditQuery, reader: AuditReader): Promise<PatientReport> {
    const query = this.parse(raw, ["nhsNumber", "from", "to", "before", "limit"]);
    if (query.nhsNumber === undefined) {
      throw new AppError(auditErrors.search_invalid, {
        details: { problems: [{ field: "nhsNumber", message: "Enter the patient's NHS number." }] },
      });
    }
    const [result, summary] = await Promise.all([
      this.#page(query),
      this.toRecordQuery(query, 100, false).then((q) => this.#deps.records.accessSummary(q)),
    ]);
    await this.#audit(reader, "patient_report", query, result.records.length);
    return { ...result, summary };
  }

  /** Everything that happened under one correlation id, oldest first. */
  async timeline(correlationId: string, reader: AuditReader): Promise<readonly AuditRecordView[]> {
    const query = this.parse({ correlationId });
    const records = await this.#deps.records.search(await this.toRecordQuery(query, TIMELINE_LIMIT));
    const views = await this.views(records);
    await this.#audit(reader, "timeline", query, views.length);
    return views.toReversed();
  }

  /** One record, with its integrity check. */
  async record(seq: number, reader: AuditReader): Promise<AuditRecordView> {
    const record = await this.#deps.records.find(seq);
    if (!record) throw new AppError(auditErrors.record_not_found);
    const [view] = await this.views([record]);
    await this.#deps.events.emit("audit.searched", {
      ...reader,
      view: "record",
      nhsNumber: view?.nhsNumber ?? null,
      filters: `seq=${seq}`,
      results: 1,
    });
    return view as AuditRecordView;
  }

  /** Views of stored records, each checked against the hash of the record before it. */
  async views(records: readonly StoredRecord[]): Promise<AuditRecordView[]> {
    const cut = await this.#deps.retention.lastCut();
    const wanted = records.map((r) => r.seq - 1).filter((s) => s >= 1 && s !== cut?.upToSeq);
    const hashes = await this.#deps.records.hashesAt(wanted);
    return records.map((record) => {
      const before = record.seq - 1;
      const previous: PreviousHash =
        before === 0 ? null : before === cut?.upToSeq ? cut.lastHash : hashes.get(before);
      return viewOf(record, previous, this.#deps.protection);
    });
  }

  async #page(query: AuditQuery): Promise<SearchResult> {
    const found = await this.#deps.records.search(await this.toRecordQuery(query, query.limit + 1));
    const shown = found.slice(0, query.limit);
    const next = found.length > query.limit ? (shown.at(-1)?.seq ?? null) : null;
    return { query, records: await this.views(shown), next };
  }

  async #audit(reader: AuditReader, view: AuditView, query: AuditQuery, results: number): Promise<void> {
    await this.#deps.events.emit("audit.searched", {
      ...reader,
      view,
      nhsNumber: query.nhsNumber ?? null,
      filters: describeFilters(query),
      results,
    });
  }
}
