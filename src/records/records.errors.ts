/** How a call to the National Record Locator (NRL) can fail, in our catalogue. */
import { defineErrors } from "../platform/errors.ts";

const later = "The patient page and Open in NCRS still work. Try Refresh in a minute.";

export const recordsErrors = defineErrors("nrl", {
  unavailable: {
    status: 503,
    title: "The National Record Locator (NRL) is not responding",
    message: "We could not check NRL for records held elsewhere just now.",
    next: later,
  },
  timeout: {
    status: 504,
    title: "The National Record Locator (NRL) is slow to respond",
    message: "NRL did not answer in time, so we could not check for records held elsewhere.",
    next: later,
  },
  busy: {
    status: 503,
    title: "Too many checks with NRL at once",
    message: "This service is sending NRL as many requests as it is allowed to.",
    next: later,
  },
  circuit_open: {
    status: 503,
    title: "The National Record Locator (NRL) is having problems",
    message: "NRL has failed several times in a row, so we are pausing checks for a short while.",
    next: later,
  },
  bad_response: {
    status: 502,
    title: "The National Record Locator (NRL) sent something we could not read",
    message: "NRL's answer was not in the expected form.",
    next: `${later} If it keeps happening, contact your service desk and quote the reference.`,
  },
  access_denied: {
    status: 502,
    title: "This service is not allowed to use NRL",
    message: "NRL refused this service's credentials.",
    next: "Contact your service desk and quote the reference: the NRL connection needs attention.",
  },
  rejected: {
    status: 502,
    title: "NRL refused the request",
    message: "NRL said the request was not valid.",
    next: "Contact your service desk and quote the reference.",
  },
});
