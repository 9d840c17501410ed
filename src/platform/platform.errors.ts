/** Errors that belong to no domain: malformed requests, limits, CSRF, the unexpected. */
import { defineErrors } from "./errors.ts";

export const platformErrors = defineErrors("request", {
  not_found: {
    status: 404,
    title: "Page not found",
    message: "There is no page at this address.",
    next: "Check the address, or go back to the start page.",
    action: { text: "Go to the start page", href: "/" },
  },
  method_not_allowed: {
    status: 405,
    title: "Not allowed",
    message: "This address does not accept that kind of request.",
  },
  invalid: {
    status: 400,
    title: "Something in the request was not right",
    message: "The request could not be understood.",
    next: "Go back and try again.",
  },
  unsupported_media_type: {
    status: 415,
    title: "Unsupported content",
    message: "This address does not accept that content type.",
  },
  body_too_large: {
    status: 413,
    title: "Too much data",
    message: "The request was larger than this service accepts.",
  },
  csrf_invalid: {
    status: 403,
    title: "This form has expired",
    message: "For your security, the form you sent could not be accepted because it was out of date.",
    next: "Go back, reload the page and try again.",
  },
  unauthorised: {
    status: 401,
    title: "Not authorised",
    message: "This address needs a credential that was not given.",
  },
  rate_limited: {
    status: 429,
    title: "Too many attempts",
    message: "There have been too many attempts from this device in a short time.",
    next: "Wait a minute, then try again.",
  },
  internal: {
    status: 500,
    title: "Sorry, there is a problem with the service",
    message: "Something went wrong on our side. Nothing you did caused this.",
    next: "Try again later. If it keeps happening, contact your service desk and quote the reference below.",
  },
  unavailable: {
    status: 503,
    title: "Sorry, the service is unavailable",
    message: "The service cannot handle requests right now.",
    next: "Try again in a few minutes.",
  },
});
