/** How finding, selecting and verifying a patient can fail, in our catalogue. */
import { defineErrors } from "../platform/errors.ts";

const findAgain = { text: "Find the patient again", href: "/patients" } as const;

export const patientErrors = defineErrors("patient", {
  not_found: {
    status: 404,
    title: "Patient not found",
    message: "There is no such patient in the local patient index.",
    action: findAgain,
  },
  search_invalid: {
    status: 400,
    title: "Check your search",
    message:
      "Search by name, NHS number, date of birth (for example 14/03/1984) or hospital number, in up to 100 characters.",
    action: findAgain,
  },
  // A mistyped number must not read as "no such patient": the user would search by name instead.
  search_check_digit: {
    status: 400,
    title: "Check the NHS number",
    message:
      "This is not a valid NHS number: its last digit (the check digit) does not match the first nine. Check the number and type it again.",
    action: findAgain,
  },
  search_empty: {
    status: 400,
    title: "Enter something to search for",
    message: "Enter a name, NHS number, date of birth (for example 14/03/1984) or hospital number.",
    action: findAgain,
  },
  context_unknown: {
    status: 404,
    title: "This patient selection is not available",
    message: "The page you used does not belong to your current sign-in, or the selection never existed.",
    next: "Find and select the patient again.",
    action: findAgain,
  },
  context_expired: {
    status: 409,
    title: "Select the patient again",
    message: "This patient selection has expired, so nothing can be done for the patient from this page.",
    next: "Find and select the patient again to continue.",
    action: findAgain,
  },
  context_superseded: {
    status: 409,
    title: "You have selected another patient in this tab",
    message: "This page is out of date: a different patient has been selected in this browser tab since.",
    next: "Go to the patient now selected, or find this patient again.",
    action: findAgain,
  },
  no_nhs_number: {
    status: 409,
    title: "This patient has no valid NHS number to check",
    message: "The local record has no NHS number, or one that fails the check digit.",
    next: "Correct the NHS number in your local system, or trace the patient, then try again.",
  },
  check_unknown: {
    status: 404,
    title: "This check is not available",
    message: "The check does not exist or belongs to another sign-in.",
    action: findAgain,
  },
  check_expired: {
    status: 409,
    title: "Check the details with PDS again",
    message: "This check was made too long ago to act on.",
    next: "Go back to the patient and check with PDS again.",
  },
  check_decided: {
    status: 409,
    title: "This check has already been used",
    message: "A decision was already recorded for this check.",
    next: "Go back to the patient to see its current state.",
  },
  check_not_applicable: {
    status: 409,
    title: "That action does not fit this check",
    message: "PDS's answer does not allow this action.",
  },
  pds_incomplete: {
    status: 409,
    title: "PDS holds too little to confirm this patient",
    message:
      "PDS's record for this NHS number has no name, date of birth or gender, so it cannot be confirmed as this patient, and nothing local is replaced from it.",
    next: "Record that the details do not match, and ask your records team to trace the patient with PDS.",
  },
  reason_required: {
    status: 400,
    title: "Say why the details do not match",
    message: "Choose or describe why the local and national details do not match (up to 200 characters).",
  },
  rekey_conflict: {
    status: 409,
    title: "Another local record already has this NHS number",
    message:
      "The surviving NHS number belongs to a different record in the local patient index, so the two local records need merging first.",
    next: "Ask your records team to merge the local records, then check again.",
  },
});
