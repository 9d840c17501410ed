/**
 * How getting an access token from the NHS API platform can fail, in our catalogue. The PDS
 * adapter reports these to people as `pds.*` errors with one of these as the cause, so the log
 * names what to fix (our key, the clock, the network, the registration) while the page stays in
 * the clinician's terms.
 */
import { defineErrors } from "../../platform/errors.ts";

const desk =
  "Contact your service desk and quote the reference below: the connection to the NHS API platform needs attention.";

export const apimErrors = defineErrors("apim", {
  invalid_key: {
    status: 502,
    title: "This service's key for the NHS API platform is not accepted",
    message:
      "The NHS API platform could not check this service's signature: the key is unreadable, not the one registered, or its public key could not be fetched.",
    next: desk,
  },
  clock_skew: {
    status: 502,
    title: "This service's clock does not agree with the NHS API platform's",
    message:
      "The NHS API platform refused this service's signed request because of its expiry time, which usually means the server's clock is wrong.",
    next: desk,
  },
  unreachable: {
    status: 503,
    title: "The NHS API platform is not responding",
    message: "This service could not get permission to use the national services just now.",
    next: "Try again in a minute. If it keeps happening, contact your service desk and quote the reference below.",
  },
  refused: {
    status: 502,
    title: "The NHS API platform refused this service's credentials",
    message: "The API key, the token address or the application's registration does not match.",
    next: desk,
  },
  user_token_refused: {
    status: 401,
    title: "Your sign-in could not be used for the national services",
    message: "The NHS API platform did not accept your Care Identity sign-in for this request.",
    next: "Sign out and sign in again with your smartcard or authenticator, then try again.",
  },
  bad_response: {
    status: 502,
    title: "The NHS API platform sent something we could not read",
    message: "Its answer to a request for an access token was not in the expected form.",
    next: desk,
  },
});
