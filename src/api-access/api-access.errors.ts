/**
 * The API-access error catalogue. Authorization problems the browser cannot safely be sent back
 * with (an unknown client, an unregistered redirect) are pages; a bad bearer token is JSON.
 * Token-endpoint errors use OAuth 2.0's own codes (RFC 6749 §5.2), as clients expect.
 */
import { defineErrors } from "../platform/errors.ts";

export const apiAccessErrors = defineErrors("api_access", {
  unknown_client: {
    status: 400,
    title: "This system is not registered to open NCRS for you",
    message:
      "The system that sent you here is not registered with this service, or sent an address it may not use.",
    next: "Go back to the system you came from and contact your service desk, quoting the reference below.",
  },
  token_invalid: {
    status: 401,
    title: "The access token is not valid",
    message: "The bearer token is unknown, expired, revoked, or its user's session has ended.",
    next: "Send the user through authorization again.",
  },
  insufficient_scope: {
    status: 403,
    title: "The access token may not do this",
    message:
      "The bearer token was not granted the scope this call needs (the scope field names it). Ask for it at /oauth/authorize, if the system is registered for it.",
  },
});

/** RFC 6749 §5.2 error codes the token endpoint answers with. */
export type TokenErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unsupported_grant_type";

export class TokenError extends Error {
  readonly error: TokenErrorCode;

  constructor(error: TokenErrorCode, description: string) {
    super(description);
    this.name = "TokenError";
    this.error = error;
  }
}
