/** How a call to the national demographics service (PDS) can fail, in our catalogue. */
import { defineErrors } from "../platform/errors.ts";

const retry = "Try again in a minute. Everything else in this service still works.";

export const demographicsErrors = defineErrors("pds", {
  unavailable: {
    status: 503,
    title: "The national demographics service (PDS) is not responding",
    message: "We could not check this patient's details with PDS just now.",
    next: retry,
  },
  timeout: {
    status: 504,
    title: "The national demographics service (PDS) is slow to respond",
    message: "PDS did not answer in time, so we could not check this patient's details.",
    next: retry,
  },
  busy: {
    status: 503,
    title: "Too many checks with PDS at once",
    message:
      "This service is sending PDS as many checks as it is allowed to, and this one could not wait any longer.",
    next: retry,
  },
  circuit_open: {
    status: 503,
    title: "The national demographics service (PDS) is having problems",
    message: "PDS has failed several times in a row, so we are pausing checks for a short while.",
    next: retry,
  },
  bad_response: {
    status: 502,
    title: "The national demographics service (PDS) sent something we could not read",
    message: "PDS's answer was not in the expected form.",
    next: `${retry} If it keeps happening, contact your service desk and quote the reference below.`,
  },
  access_denied: {
    status: 502,
    title: "This service is not allowed to use PDS",
    message: "PDS refused this service's credentials.",
    next: "Contact your service desk and quote the reference below: the PDS connection needs attention.",
  },
  sign_in_not_accepted: {
    status: 401,
    title: "PDS could not be checked with your sign-in",
    message:
      "This service reads PDS as you, with your Care Identity sign-in, and the NHS API platform did not accept it (it may have expired).",
    next: "Sign out and sign in again with your smartcard or authenticator, then check the details again.",
  },
  rejected: {
    status: 502,
    title: "PDS refused the request",
    message: "PDS said the request was not valid.",
    next: "Contact your service desk and quote the reference below.",
  },
});
