/**
 * Which changes are worth interrupting a clinician for, who sees them, and what they say (pure).
 * Only changes that affect what the clinician may safely do next are shown: a changed or withdrawn
 * NHS number, a death, details that need checking again. Routine changes (a new address, a new GP)
 * are applied quietly. Wording never includes the NHS number or other details: the page, once
 * reloaded, shows what changed.
 */
import type { NotableChange } from "../patients/national-change.ts";

export interface PatientNotification {
  /** Stable per processed event and change, so a page shows each once. */
  readonly id: string;
  readonly kind: NotableChange;
  readonly title: string;
  readonly text: string;
}

export const NOTIFICATION_TEXT: Readonly<Record<NotableChange, { title: string; text: string }>> = {
  nhs_number_superseded: {
    title: "This patient's NHS number has changed",
    text: "PDS has replaced the NHS number this record used. Reload the page and check the patient's details with PDS before you continue.",
  },
  nhs_number_invalidated: {
    title: "This patient's NHS number is no longer valid",
    text: "PDS has withdrawn the NHS number this record uses. NCRS cannot be opened for this patient until the record is corrected.",
  },
  deceased: {
    title: "PDS now records this patient as deceased",
    text: "Reload the page to see the recorded date of death before you continue.",
  },
  verification_needed: {
    title: "This patient's details have changed at PDS",
    text: "Reload the page and check the details with PDS again before you open NCRS.",
  },
  restricted: {
    title: "This patient's record is now restricted",
    text: "Some details are no longer shown. Reload the page before you continue.",
  },
};

export interface NotificationPolicy {
  /** Changes shown live; any other is applied without a notification. */
  readonly changes: readonly NotableChange[];
  /** Roles (by national RBAC activity code) that see notifications; empty means every clinical role. */
  readonly activityCodes: readonly string[];
}

/** Whether a session's role receives notifications at all. */
export function roleIsNotified(
  role: { readonly activityCodes: readonly string[] } | null,
  clinical: boolean,
  policy: NotificationPolicy,
): boolean {
  if (!clinical || !role) return false;
  return (
    policy.activityCodes.length === 0 || role.activityCodes.some((c) => policy.activityCodes.includes(c))
  );
}

/** The notifications one processed event gives, under the policy (none for routine changes). */
export function notificationsFor(
  inboxId: string,
  notable: readonly NotableChange[],
  policy: NotificationPolicy,
): PatientNotification[] {
  return notable
    .filter((kind) => policy.changes.includes(kind))
    .map((kind) => ({ id: `${inboxId}:${kind}`, kind, ...NOTIFICATION_TEXT[kind] }));
}
