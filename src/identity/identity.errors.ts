/** The identity domain's error catalogue: every way sign-in, sessions and logout can fail. */
import { defineErrors } from "../platform/errors.ts";

const signInAgain = { text: "Log in again", href: "/auth/login" } as const;
const trySignInAgain =
  "Log in again. If it happens again, contact your service desk and quote the reference below.";

export const identityErrors = defineErrors("sign_in", {
  unknown_state: {
    status: 400,
    title: "Your sign-in could not be completed",
    message: "This sign-in was not started here, was already used, or was started in another browser.",
    next: "Log in again from this browser.",
    action: signInAgain,
  },
  expired: {
    status: 400,
    title: "Your sign-in took too long",
    message: "The sign-in was started too long ago to complete safely.",
    next: "Log in again.",
    action: signInAgain,
  },
  wrong_browser: {
    status: 400,
    title: "Your sign-in could not be completed",
    message: "The sign-in finished in a different browser from the one that started it.",
    next: "Log in again from this browser.",
    action: signInAgain,
  },
  callback_issuer: {
    status: 400,
    title: "Your sign-in could not be completed",
    message: "The response to this sign-in names an issuer other than NHS Care Identity.",
    next: trySignInAgain,
    action: signInAgain,
  },
  invalid_callback: {
    status: 400,
    title: "Your sign-in could not be completed",
    message: "The response from NHS Care Identity was not in the expected form.",
    next: trySignInAgain,
    action: signInAgain,
  },
  cis2_refused: {
    status: 401,
    title: "NHS Care Identity did not sign you in",
    message: "NHS Care Identity stopped the sign-in.",
    next: trySignInAgain,
    action: signInAgain,
  },
  cis2_unavailable: {
    status: 503,
    title: "NHS Care Identity is not responding",
    message: "We could not reach NHS Care Identity to sign you in.",
    next: "Wait a few minutes and log in again. Other NHS services that use your Care Identity may also be affected.",
    action: signInAgain,
  },
  cis2_error: {
    status: 502,
    title: "NHS Care Identity sent an unexpected response",
    message: "The sign-in could not be completed because of a problem with NHS Care Identity.",
    next: trySignInAgain,
    action: signInAgain,
  },
  client_rejected: {
    status: 502,
    title: "NHS Care Identity did not recognise this service",
    message: "NHS Care Identity refused this service's credentials, so nobody can sign in at the moment.",
    next: "Contact your IT service desk and quote the reference below: the service's CIS2 registration or signing keys need attention.",
  },
  code_rejected: {
    status: 400,
    title: "Your sign-in could not be completed",
    message: "NHS Care Identity did not accept this sign-in, for example because it was already used.",
    next: "Log in again.",
    action: signInAgain,
  },
  id_token_signature: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token's signature could not be verified.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_issuer: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token was not issued by the expected NHS Care Identity service.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_audience: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token was not issued for this service.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_authorized_party: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token was issued to another party.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_expired: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token has expired. Check this device's clock is right.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_issued_at: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token's issue time is not plausible. Check this device's clock is right.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_nonce: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token does not belong to this sign-in.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_session_missing: {
    status: 401,
    title: "Sign-in refused",
    message: "NHS Care Identity did not give a session reference, so logging out could not be guaranteed.",
    next: trySignInAgain,
    action: signInAgain,
  },
  id_token_malformed: {
    status: 401,
    title: "Sign-in refused",
    message: "The identity token was missing required information.",
    next: trySignInAgain,
    action: signInAgain,
  },
  acr_not_accepted: {
    status: 403,
    title: "Use a different way to sign in",
    message: "The way you signed in does not give the level of assurance this service needs.",
    next: "Log in again with your smartcard or another authenticator your organisation has set up for you.",
    action: signInAgain,
  },
  assurance_too_low: {
    status: 403,
    title: "Use a different way to sign in",
    message: "The authenticator you used does not give the level of assurance this service needs.",
    next: "Log in again with your smartcard or another high-assurance authenticator.",
    action: signInAgain,
  },
  identity_assurance_too_low: {
    status: 403,
    title: "Your identity needs to be checked",
    message: "Your Care Identity has not been verified to the level this service needs.",
    next: "Contact your Registration Authority to have your identity checked.",
  },
  auth_time_stale: {
    status: 401,
    title: "Please sign in again",
    message: "Your sign-in was not fresh enough; you need to enter your PIN or use your authenticator again.",
    next: "Log in again.",
    action: signInAgain,
  },
  userinfo_subject_mismatch: {
    status: 401,
    title: "Sign-in refused",
    message: "NHS Care Identity returned details for a different person.",
    next: trySignInAgain,
    action: signInAgain,
  },
  no_role: {
    status: 403,
    title: "You do not have a role that can use this service",
    message: "Your Care Identity has no roles. You need a role from your organisation to use this service.",
    next: "Contact your Registration Authority or local smartcard team to be given a role.",
  },
  role_not_selected: {
    status: 403,
    title: "No role was selected",
    message: "NHS Care Identity did not tell us which of your roles you chose.",
    next: "Log in again and choose a role.",
    action: signInAgain,
  },
  role_not_permitted: {
    status: 403,
    title: "This role cannot use this service",
    message: "The role you chose does not include the activities this service needs.",
    next: "Change to a role that can access patient records, or contact your Registration Authority.",
    action: { text: "Change role", href: "/auth/change-role" },
  },
});

export const sessionErrors = defineErrors("session", {
  required: {
    status: 401,
    title: "You need to log in",
    message: "You are not signed in, or your session has ended.",
    next: "Log in with your Care Identity.",
    action: signInAgain,
  },
  forbidden: {
    status: 403,
    title: "You cannot use this page",
    message: "Your current role does not allow this.",
    next: "Change to a role that allows it, or contact your service desk.",
    action: { text: "Change role", href: "/auth/change-role" },
  },
});

export const logoutTokenErrors = defineErrors("backchannel_logout", {
  malformed: {
    status: 400,
    title: "Invalid logout token",
    message: "logout_token is missing or is not a JWT.",
  },
  signature: {
    status: 400,
    title: "Invalid logout token",
    message: "The logout token's signature could not be verified.",
  },
  issuer: {
    status: 400,
    title: "Invalid logout token",
    message: "The logout token has an unexpected issuer.",
  },
  audience: {
    status: 400,
    title: "Invalid logout token",
    message: "The logout token is not for this client.",
  },
  issued_at: {
    status: 400,
    title: "Invalid logout token",
    message: "The logout token's iat is missing, in the future or too old.",
  },
  expired: { status: 400, title: "Invalid logout token", message: "The logout token has expired." },
  events: {
    status: 400,
    title: "Invalid logout token",
    message: "The logout token lacks the back-channel logout event.",
  },
  nonce_present: {
    status: 400,
    title: "Invalid logout token",
    message: "A logout token must not contain a nonce.",
  },
  sid_missing: { status: 400, title: "Invalid logout token", message: "The logout token has no sid." },
  jti_missing: { status: 400, title: "Invalid logout token", message: "The logout token has no jti." },
  replayed: { status: 400, title: "Invalid logout token", message: "This logout token was already used." },
  unknown_session: { status: 501, title: "Unknown session", message: "No session is known for this sid." },
});

export const workstationErrors = defineErrors("workstation", {
  invalid: {
    status: 400,
    title: "Check the workstation details",
    message: "Give the workstation a name of 1 to 80 characters and choose a profile.",
    next: "Go back and correct the details.",
    action: { text: "Back to workstations", href: "/admin/workstations" },
  },
  not_found: {
    status: 404,
    title: "Workstation not found",
    message: "There is no such registered workstation.",
  },
});
