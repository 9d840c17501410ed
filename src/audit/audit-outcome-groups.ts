/**
 * The controlled outcome list sorted by what it is about, for the audit search's outcome list: a
 * support analyst looking for "why did this launch not open" finds the launch outcomes together
 * instead of reading sixty codes in the order they were added. Every code is in exactly one group
 * (a test keeps it so), so a new code cannot be left out of the list.
 */
import type { OutcomeCode } from "./audit-outcomes.ts";

/** One heading of the outcome list and the codes under it, in the order they read best. */
export interface OutcomeGroup {
  readonly heading: string;
  readonly codes: readonly OutcomeCode[];
}

export const OUTCOME_GROUPS: readonly OutcomeGroup[] = [
  {
    heading: "Signing in and sessions",
    codes: [
      "signed_in",
      "role_changed",
      "ended.logout",
      "ended.idle_timeout",
      "ended.absolute_timeout",
      "ended.backchannel_logout",
      "ended.signed_in_elsewhere",
      "ended.replaced",
      "ended.workstation_revoked",
      "ignored.unknown_session",
    ],
  },
  {
    heading: "Patients and checks with PDS",
    codes: [
      "selected",
      "verified",
      "verification.mismatch",
      "verification.superseded",
      "verification.invalidated",
      "verification.not_found",
      "rekeyed",
    ],
  },
  {
    heading: "Hand-overs from point-of-care systems",
    codes: [
      "handover.verified",
      "handover.needs_confirmation",
      "handover.refused",
      "context_launch.refused",
      "smart_launch.refused",
    ],
  },
  {
    heading: "Records held elsewhere (NRL)",
    codes: [
      "nrl.searched",
      "nrl.none_for_organisation",
      "nrl.search_failed",
      "nrl.new_document_shown",
      "nrl.new_document_dismissed",
    ],
  },
  {
    heading: "Launches into NCRS",
    codes: [
      "requested",
      "launched",
      "blocked.unverified",
      "blocked.invalid_nhs_number",
      "blocked.no_session",
      "blocked.stale_context",
      "blocked.role",
      "blocked.restricted",
      "blocked.duplicate",
      "blocked.unknown_launch",
      "blocked.misconfigured",
    ],
  },
  {
    heading: "What the browser reported after a launch",
    codes: ["browser.ncrs_answered", "browser.opened", "browser.ncrs_not_answered", "browser.popup_blocked"],
  },
  {
    heading: "National change events",
    codes: [
      "event.received",
      "event.duplicate",
      "event.applied",
      "event.rekeyed",
      "event.rekey_conflict",
      "event.invalidated",
      "event.not_found",
      "event.stale",
      "event.not_in_index",
      "event.retry_scheduled",
      "event.dead_lettered",
      "event.replayed",
      "event.rejected",
    ],
  },
  {
    heading: "Workstations and connected systems",
    codes: ["registered", "revoked", "granted"],
  },
  {
    heading: "Any action",
    codes: ["success", "started", "failed", "rejected", "upstream.unavailable"],
  },
];
