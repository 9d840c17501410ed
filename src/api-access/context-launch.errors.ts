/**
 * How a signed context launch (`/context-launch`) can be refused, in our catalogue. Each is shown
 * to the user as a page (never a 5xx) and recorded as `context_launch.refused` with its code.
 */
import { defineErrors } from "../platform/errors.ts";

const NEXT = "Go back to your clinical system and open the patient from there again.";

export const contextLaunchErrors = defineErrors("context_launch", {
  missing_token: {
    status: 400,
    title: "No launch token",
    message: "Your clinical system opened NCRS Connect without a launch token (launch_token).",
    next: NEXT,
  },
  malformed: {
    status: 400,
    title: "The launch token cannot be read",
    message: "The launch token sent by your clinical system is not a signed (JWS) or encrypted (JWE) JWT.",
    next: NEXT,
  },
  encryption_required: {
    status: 400,
    title: "The launch token must be encrypted",
    message:
      "A launch token in an address must be encrypted, because an address is kept in browser history and logs. Your clinical system must send it by POST or encrypt it to our key (JWE).",
    next: NEXT,
  },
  bad_encryption: {
    status: 400,
    title: "The launch token could not be decrypted",
    message:
      "The launch token is not encrypted to one of our published encryption keys with an algorithm we accept (ECDH-ES+A256KW or RSA-OAEP-256, A256GCM, cty JWT).",
    next: NEXT,
  },
  alg_not_allowed: {
    status: 400,
    title: "The launch token's algorithm is not allowed",
    message: "Launch tokens must be signed with ES256, ES384, PS256 or RS256.",
    next: NEXT,
  },
  kid_missing: {
    status: 400,
    title: "The launch token names no key",
    message: "The launch token's header has no key id (kid), so the key that signed it cannot be chosen.",
    next: NEXT,
  },
  wrong_type: {
    status: 400,
    title: "The launch token is of the wrong type",
    message: 'The launch token\'s header says it is not a JWT (typ must be "JWT" when present).',
    next: NEXT,
  },
  unknown_client: {
    status: 401,
    title: "The launch comes from a system we do not know",
    message:
      "The launch token's issuer (iss) is not a system registered with NCRS Connect for signed launches.",
    next: NEXT,
  },
  unknown_key: {
    status: 401,
    title: "The launch token's key is not registered",
    message: "The launch token was signed with a key its system has not published to us.",
    next: NEXT,
  },
  keys_unavailable: {
    status: 401,
    title: "The launch could not be checked",
    message: "The sending system's published keys could not be fetched, so its launch could not be checked.",
    next: "Try again in a minute. If it keeps happening, tell your clinical system's supplier.",
  },
  bad_signature: {
    status: 401,
    title: "The launch token's signature is not valid",
    message: "The launch token's signature does not verify: it was altered, or signed with another key.",
    next: NEXT,
  },
  wrong_audience: {
    status: 401,
    title: "The launch token is for another service",
    message: "The launch token's audience (aud) is not this service's context launch address.",
    next: NEXT,
  },
  missing_times: {
    status: 401,
    title: "The launch token has no time limits",
    message: "The launch token must say when it was issued (iat) and when it expires (exp).",
    next: NEXT,
  },
  expired: {
    status: 401,
    title: "The launch has expired",
    message: "The launch token has expired. Launch tokens last 5 minutes at most.",
    next: NEXT,
  },
  not_yet_valid: {
    status: 401,
    title: "The launch token is from the future",
    message: "The launch token says it was issued later than now: the sending system's clock may be wrong.",
    next: NEXT,
  },
  lifetime_too_long: {
    status: 401,
    title: "The launch token lasts too long",
    message: "A launch token may last 5 minutes at most (exp - iat ≤ 300 seconds).",
    next: NEXT,
  },
  jti_missing: {
    status: 401,
    title: "The launch token has no id",
    message: "The launch token must carry a unique id (jti), so it can be used only once.",
    next: NEXT,
  },
  replayed: {
    status: 401,
    title: "This launch has already been used",
    message:
      "Each launch can be used once. This one was used before: the address may have been opened again from history or sent on.",
    next: NEXT,
  },
  patient_missing: {
    status: 400,
    title: "The launch names no patient",
    message: "The launch token carries no patient (a FHIR R4 Patient in the patient claim).",
    next: NEXT,
  },
  invalid_user_hint: {
    status: 400,
    title: "The launch names its user wrongly",
    message: "The launch token's user_hint must be the user's 12-digit CIS2 user id (their SDS user id).",
    next: NEXT,
  },
  invalid_encounter: {
    status: 400,
    title: "The launch's encounter cannot be read",
    message: "The launch token's encounter must be an object with a reference of 1 to 200 characters.",
    next: NEXT,
  },
  unknown_launch: {
    status: 400,
    title: "This launch cannot be continued",
    message:
      "This launch has expired, was already used, or was started in another browser. Open the patient from your clinical system again.",
    next: NEXT,
  },
  other_user: {
    status: 403,
    title: "This launch is for another user",
    message:
      "Your clinical system opened this patient for a different user than the one signed in to NCRS Connect in this browser.",
    next: "Sign in as the right user, or go back to your clinical system.",
  },
});

export type ContextLaunchProblem = keyof typeof contextLaunchErrors;
