/**
 * Why a launch did not go ahead. Each key is also the launch's audit outcome (`blocked.<key>`), so
 * support sees the same words the user was shown. Pages open in the NCRS tab, so each says what to
 * do next there.
 */
import { defineErrors } from "../platform/errors.ts";

const back = "Close this tab and go back to the patient in NCRS Connect.";

export const launchErrors = defineErrors("launch", {
  no_session: {
    status: 401,
    title: "Sign in again to open NCRS",
    message: "Your NCRS Connect session has ended, so NCRS was not opened.",
    next: "Log in again; you will come back to this patient to try again.",
  },
  role: {
    status: 403,
    title: "Your role cannot open NCRS",
    message: "The role you are signed in with does not allow opening patient records in NCRS.",
    next: "Change to a role that can access patient records, then try again.",
    action: { text: "Change role", href: "/auth/change-role" },
  },
  stale_context: {
    status: 409,
    title: "NCRS was not opened: the patient selection is out of date",
    message:
      "This patient is no longer the one selected in the tab you came from (another patient was selected there, or the selection expired).",
    next: `${back} Select the patient again, then open NCRS.`,
  },
  unverified: {
    status: 409,
    title: "Verify the NHS number before opening NCRS",
    message: "NCRS is only opened for an NHS number confirmed with the national demographics service (PDS).",
    next: `${back} Use "Check details with PDS", then open NCRS.`,
  },
  invalid_nhs_number: {
    status: 409,
    title: "NCRS cannot be opened for this NHS number",
    message:
      "PDS says this NHS number is not valid, was replaced, or is unknown, or the local record's number has changed since the page was loaded.",
    next: `${back} Check the patient's details with PDS.`,
  },
  duplicate: {
    status: 409,
    title: "NCRS is already opening for this patient",
    message: "This patient's record was opened in NCRS a moment ago.",
    next: "Use the NCRS tab that is already open.",
  },
  unknown_launch: {
    status: 404,
    title: "This link to NCRS is not valid",
    message: "The link has expired, was already used, or was not issued to you.",
    next: `${back} Then use "Open in NCRS" again.`,
  },
  misconfigured: {
    status: 503,
    title: "NCRS cannot be opened at the moment",
    message: "NCRS Connect is not set up to open NCRS for your organisation.",
    next: "Contact your service desk and quote the reference below.",
  },
});

export type LaunchBlockReason = keyof typeof launchErrors;

/** The audit outcome of a blocked launch. */
export function blockedOutcome(reason: LaunchBlockReason): string {
  return `blocked.${reason}`;
}
