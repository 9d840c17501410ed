/**
 * How a SMART on FHIR EHR launch (`/smart/launch`, `/smart/callback`, `/smart/continue/…`) can be
 * refused, in our catalogue. Each is shown as a page (never a 5xx) and recorded as
 * `smart_launch.refused` with its code and the step it happened at. A launched patient without a
 * usable NHS number is refused with the hand-over's own code (`handover.no_nhs_number`, …).
 */
import { defineErrors } from "../platform/errors.ts";

const NEXT = "Go back to your EHR and open NCRS Connect from the patient's record again.";
const SUPPLIER =
  "Go back to your EHR and try again. If it keeps happening, tell whoever looks after your EHR, quoting the reference below.";

export const smartLaunchErrors = defineErrors("smart_launch", {
  missing_parameters: {
    status: 400,
    title: "The launch is incomplete",
    message: "Your EHR opened NCRS Connect without the `iss` and `launch` a SMART EHR launch carries.",
    next: NEXT,
  },
  unknown_ehr: {
    status: 400,
    title: "This EHR is not registered with NCRS Connect",
    message:
      "The launch came from an EHR (its FHIR server, `iss`) that is not registered with NCRS Connect, so it was not followed.",
    next: "Ask your EHR's administrator to register NCRS Connect for this EHR (docs/guides/smart-on-fhir.md).",
  },
  discovery_failed: {
    status: 502,
    title: "Your EHR could not be reached",
    message: "NCRS Connect could not read your EHR's SMART configuration (.well-known/smart-configuration).",
    next: SUPPLIER,
  },
  discovery_invalid: {
    status: 502,
    title: "Your EHR's SMART configuration cannot be used",
    message:
      "Your EHR's SMART configuration lacks what an EHR launch needs (an authorization and a token endpoint, PKCE with S256, and the client authentication NCRS Connect is registered with).",
    next: SUPPLIER,
  },
  access_denied: {
    status: 403,
    title: "Your EHR did not allow NCRS Connect to open",
    message: "Your EHR refused to let NCRS Connect read this patient (access_denied).",
    next: "Go back to your EHR. If you should be able to use NCRS Connect from it, ask its administrator.",
  },
  authorize_error: {
    status: 400,
    title: "Your EHR refused the launch",
    message: "Your EHR's authorization server answered the launch with an error.",
    next: SUPPLIER,
  },
  unknown_state: {
    status: 400,
    title: "This launch cannot be continued",
    message:
      "This answer from your EHR does not belong to a launch started in this browser, has expired, or was already used.",
    next: NEXT,
  },
  token_failed: {
    status: 502,
    title: "Your EHR did not complete the launch",
    message: "Your EHR's token endpoint refused or failed to complete the launch.",
    next: SUPPLIER,
  },
  no_patient: {
    status: 502,
    title: "Your EHR did not say which patient",
    message: "Your EHR completed the launch without naming a patient (no `patient` in its token response).",
    next: SUPPLIER,
  },
  scope_missing: {
    status: 403,
    title: "Your EHR did not allow NCRS Connect to read the patient",
    message:
      "Your EHR granted NCRS Connect less than it needs: reading the launched patient (patient/Patient.rs), and the encounter when that is configured.",
    next: SUPPLIER,
  },
  id_token_invalid: {
    status: 502,
    title: "Your EHR's identity token could not be checked",
    message:
      "Your EHR's id_token is missing, not signed by a key it publishes, or not issued for NCRS Connect, so its user cannot be trusted.",
    next: SUPPLIER,
  },
  fhir_read_failed: {
    status: 502,
    title: "The patient could not be read from your EHR",
    message:
      "NCRS Connect could not read the launched patient (or its encounter) from your EHR's FHIR server.",
    next: SUPPLIER,
  },
  wrong_resource: {
    status: 502,
    title: "Your EHR sent a different record",
    message:
      "What your EHR's FHIR server returned is not the patient (or encounter) the launch named, so it was not used.",
    next: SUPPLIER,
  },
  user_unknown: {
    status: 403,
    title: "Your EHR did not say who you are",
    message:
      "NCRS Connect checks that the person signed in to your EHR is the person signed in here, but your EHR did not name its user in a way that can be checked.",
    next: SUPPLIER,
  },
  unknown_launch: {
    status: 400,
    title: "This launch cannot be continued",
    message:
      "This launch has expired, was already used, or was started in another browser. Open NCRS Connect from your EHR again.",
    next: NEXT,
  },
  other_user: {
    status: 403,
    title: "This launch is for another user",
    message: "The person signed in to your EHR is not the person signed in to NCRS Connect in this browser.",
    next: "Sign in as the right user, or go back to your EHR.",
  },
});

export type SmartLaunchProblem = keyof typeof smartLaunchErrors;
