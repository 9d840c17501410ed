/** How a hand-over of a patient from a point-of-care system can be refused, in our catalogue. */
import { defineErrors } from "../platform/errors.ts";

export const handoverErrors = defineErrors("handover", {
  not_r4_patient: {
    status: 400,
    title: "This is not a FHIR R4 Patient",
    message:
      "The patient sent is not a valid FHIR R4 Patient resource. The path names the first element that is wrong.",
  },
  no_nhs_number: {
    status: 422,
    title: "No NHS number",
    message:
      "The patient has no NHS number (an identifier with system https://fhir.nhs.uk/Id/nhs-number). NCRS can only be opened for a patient with one: trace the patient at PDS in your system first.",
  },
  invalid_nhs_number: {
    status: 422,
    title: "The NHS number is not valid",
    message:
      "The NHS number fails its check digit: it was mistyped or corrupted. Correct it in your system; nothing was stored.",
  },
  conflicting_nhs_numbers: {
    status: 422,
    title: "Two different NHS numbers",
    message: "The patient carries two different NHS numbers. Send the one your system holds as current.",
  },
  no_system_identifier: {
    status: 422,
    title: "No identifier of your system's own",
    message:
      "Send your system's own identifier for the patient (for example an MRN) with its system URI beside the NHS number, so the same patient is found again.",
  },
  identifier_conflict: {
    status: 409,
    title: "This identifier belongs to a patient with another NHS number",
    message:
      "Your identifier for this patient already names a patient with a different NHS number here. Nothing was changed: check the patient's NHS number in your system.",
  },
  invalid_window: {
    status: 400,
    title: "Window id missing",
    message:
      "Send windowId: 1 to 64 letters, digits, '.', '_' or '-' naming the window or tab the patient is open in.",
  },
  idempotency_key_reused: {
    status: 422,
    title: "Idempotency key already used",
    message: "This Idempotency-Key was used for a different request. Use a new key for each new hand-over.",
  },
});
