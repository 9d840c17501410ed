/**
 * The "Records held elsewhere" panel as the template shows it: one of a few honest states, never
 * blank. Dates in UK time; each entry says it opens in NCRS, which stays the one action.
 */
import type { AppError } from "../platform/errors.ts";
import type { Panel } from "../records/records-elsewhere.service.ts";
import { formatDateTime } from "./view-engine.ts";

const UK_DAY = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/London",
});

function day(iso: string | null): string {
  if (iso === null) return "Date not given";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "Date not given" : UK_DAY.format(date);
}

export interface RecordsView {
  readonly state: "not_verified" | "no_organisation" | "pending" | "failed" | "listed";
  readonly entries: readonly {
    id: string;
    type: string;
    category: string;
    custodian: string;
    date: string;
    isNew: boolean;
  }[];
  readonly hidden: number;
  readonly refused: number;
  readonly noneForOrganisation: boolean;
  readonly checkedAt: string | null;
  readonly error: { code: string; title: string; message: string } | null;
  readonly news: readonly { pointerId: string; type: string; custodian: string }[];
}

function errorOf(error: AppError | null) {
  return error
    ? { code: error.code, title: error.definition.title, message: error.definition.message }
    : null;
}

export function recordsView(panel: Panel): RecordsView {
  const empty = { entries: [], hidden: 0, refused: 0, noneForOrganisation: false, checkedAt: null, news: [] };
  if (panel.state === "failed") return { state: "failed", ...empty, error: errorOf(panel.error) };
  if (panel.state !== "listed") return { state: panel.state, ...empty, error: null };
  const fresh = new Set(panel.news.map((n) => n.pointerId));
  return {
    state: "listed",
    entries: panel.pointers.map((p) => ({
      id: p.id,
      type: p.type.display,
      category: p.category.display,
      custodian: p.custodian,
      date: day(p.updated ?? p.created),
      isNew: fresh.has(p.id),
    })),
    hidden: panel.hidden,
    refused: panel.refused,
    noneForOrganisation: panel.noneForOrganisation,
    checkedAt: formatDateTime(panel.checkedAt),
    error: errorOf(panel.staleBecause),
    news: panel.news.map((n) => ({ pointerId: n.pointerId, type: n.typeDisplay, custodian: n.custodian })),
  };
}
