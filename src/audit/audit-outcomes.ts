/**
 * The controlled list of audit outcomes: every record's outcome is one of these codes, never free
 * text, so support staff can filter on them and reports can count them. The table is documented
 * in src/audit/README.md (a test keeps the two the same). Codes are stable once published: add
 * new ones, never reword or reuse old ones.
 *
 * `kind` groups outcomes for display and for the FHIR AuditEvent outcome: `success` → 0,
 * `blocked` (we refused, by design) → 4, `failure` (something went wrong) → 8.
 */

/** How an outcome reads to support staff and maps to FHIR `AuditEvent.outcome`. */
export type OutcomeKind = "success" | "blocked" | "failure";

/** One row of the controlled list. */
export interface OutcomeDefinition {
  readonly kind: OutcomeKind;
  readonly meaning: string;
}

const success = (meaning: string): OutcomeDefinition => ({ kind: "success", meaning });
const blocked = (meaning: string): OutcomeDefinition => ({ kind: "blocked", meaning });
const failure = (meaning: string): OutcomeDefinition => ({ kind: "failure", meaning });

/** Every outcome code, with what it means. */
export const OUTCOMES = {
  success: success("The action completed."),
  started: success("A multi-step action began (for example, a sign-in was sent to CIS2)."),
  failed: failure("The action failed; the record's details give the error's code from our catalogue."),
  rejected: blocked("A request was refused as invalid (for example, a back-channel logout token)."),
  signed_in: success("The user signed in with CIS2 and a session started."),
  role_changed: success("The user changed role at CIS2 and a new session started in it."),
  "ended.logout": success("The session ended because the user logged out."),
  "ended.idle_timeout": success("The session ended after the idle timeout."),
  "ended.absolute_timeout": success("The session ended at its absolute time limit."),
  "ended.backchannel_logout": success(
    "CIS2 ended the session (back-channel logout, e.g. smartcard removed).",
  ),
  "ended.signed_in_elsewhere": success("The session ended because the user signed in elsewhere."),
  "ended.replaced": success("The session was replaced by a new one (for example, after a change of role)."),
  "ended.workstation_revoked": success("The session ended because its workstation was revoked."),
  "ignored.unknown_session": blocked("A back-channel logout named no session we hold."),
  granted: success("A registered point-of-care system was allowed to act for the signed-in user."),
  registered: success("A workstation was registered."),
  revoked: success("A workstation was revoked."),
  selected: success("A patient was selected in a browser tab."),
  verified: success("The patient's NHS number was verified against PDS."),
  "verification.mismatch": blocked("The user recorded that local and PDS details do not match."),
  "verification.superseded": blocked("PDS says the NHS number has been superseded by another."),
  "verification.invalidated": blocked("PDS says the NHS number has been invalidated."),
  "verification.not_found": blocked("PDS has no record for the NHS number."),
  rekeyed: success("The local record was moved to the surviving NHS number."),
  "handover.verified": success(
    "A point-of-care system handed a patient over and the details agreed with PDS, so the NHS number is verified.",
  ),
  "handover.needs_confirmation": success(
    "A point-of-care system handed a patient over; the details differ from PDS, so the user must confirm first.",
  ),
  "handover.refused": blocked(
    "A point-of-care system's hand-over of a patient was refused; the record's details give the error's code.",
  ),
  "context_launch.refused": blocked(
    "A point-of-care system's signed context launch was refused (expired, replayed, not verified, or for another user than the one signed in); the record's details give the error's code.",
  ),
  "smart_launch.refused": blocked(
    "An EHR's SMART on FHIR launch was refused (an unregistered EHR, an error from the EHR, a patient that could not be read or used, or another user than the one signed in); the record's details give the error's code and the step.",
  ),
  requested: success(
    "An action was asked for; its checks and outcome follow under the same correlation ID. Launches were recorded so until each launch became one record of its attempt, checks and outcome.",
  ),
  launched: success("NCRS was opened for the patient (the audited redirect was sent)."),
  "nrl.searched": success(
    "NRL was searched for the patient's pointers and answered with a list (possibly empty).",
  ),
  "nrl.none_for_organisation": success(
    "NRL was searched and answered that the requesting organisation's ODS code has no pointers for this application (not an outage).",
  ),
  "nrl.search_failed": failure(
    "NRL was searched but did not answer usefully (unavailable, slow, refused); the record's details give the error's code.",
  ),
  "nrl.new_document_shown": success(
    'The user was shown "New document available": NRL holds pointers this user (or organisation) had not seen for the patient.',
  ),
  "nrl.new_document_dismissed": success('The user dismissed "New document available" for the patient.'),
  "browser.opened": success(
    "The NCRS tab reached NCRS Connect; the browser could not watch NCRS's answer (a reused NCRS tab).",
  ),
  "browser.ncrs_answered": success(
    "The NCRS tab reached NCRS Connect and NCRS answered in it (what NCRS showed is not known here).",
  ),
  "browser.ncrs_not_answered": failure(
    "The NCRS tab reached NCRS Connect, but NCRS had not answered in it within the wait.",
  ),
  "browser.popup_blocked": failure("The browser blocked the NCRS tab from opening."),
  "blocked.unverified": blocked("Launch refused: the NHS number is not verified against PDS."),
  "blocked.invalid_nhs_number": blocked(
    "Launch refused: the NHS number is missing or fails its check digit.",
  ),
  "blocked.no_session": blocked("Launch refused: no live CIS2 session."),
  "blocked.stale_context": blocked("Launch refused: the patient selection is expired or superseded."),
  "blocked.role": blocked("Launch refused: the selected role may not open clinical records."),
  "blocked.restricted": blocked("Launch refused: the patient's record is restricted."),
  "blocked.duplicate": blocked("Launch ignored: the same launch was just made (double click)."),
  "blocked.unknown_launch": blocked(
    "Launch refused: the launch id was never issued, has expired, or belongs to another session.",
  ),
  "blocked.misconfigured": failure(
    "Launch refused: no usable NCRS link could be made from the configured template.",
  ),
  "upstream.unavailable": failure("A national service (PDS, NCRS…) did not answer or was down."),
  "event.received": success("A national change event was accepted into the inbox (stored once)."),
  "event.duplicate": success("A national change event had already been received; nothing changed."),
  "event.applied": success("A national change event was applied to local patient context."),
  "event.rekeyed": success("A national change event moved the local record to the surviving NHS number."),
  "event.rekey_conflict": blocked(
    "A change event's surviving NHS number belongs to another local record: merge first.",
  ),
  "event.invalidated": success(
    "A change event said the NHS number is invalidated; local context now says so.",
  ),
  "event.not_found": success("PDS has no record for a change event's NHS number; local context now says so."),
  "event.stale": success("A national change event was older than what we hold; nothing changed."),
  "event.not_in_index": success("No local patient has a change event's NHS number; nothing changed."),
  "event.retry_scheduled": failure("Processing a national change event failed and will be retried."),
  "event.dead_lettered": failure("A national change event failed every retry and awaits attention."),
  "event.replayed": success("A dead-lettered change event was replayed by an administrator."),
  "event.rejected": blocked("A national change event was refused (bad signature or shape)."),
} as const satisfies Readonly<Record<string, OutcomeDefinition>>;

/** A code from the controlled list. */
export type OutcomeCode = keyof typeof OUTCOMES;

/** Every code, in table order. */
export const OUTCOME_CODES = Object.keys(OUTCOMES) as readonly OutcomeCode[];

/** Whether `code` is in the controlled list. */
export function isOutcomeCode(code: unknown): code is OutcomeCode {
  return typeof code === "string" && Object.hasOwn(OUTCOMES, code);
}

/** FHIR `AuditEvent.outcome` for an outcome: 0 success, 4 minor failure, 8 serious failure. */
export function fhirOutcomeOf(code: OutcomeCode): "0" | "4" | "8" {
  const kind = OUTCOMES[code].kind;
  return kind === "success" ? "0" : kind === "blocked" ? "4" : "8";
}
