/**
 * The PDS adapter's access tokens come from the NHS API platform module; these names stay here
 * for the callers that build a PDS client without one.
 */
export { type AccessTokenSource, noAccessToken, staticAccessToken } from "../apim/access-token.ts";
