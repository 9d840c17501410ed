/**
 * What the OAuth library and the network throw during a SMART code exchange, as the launch's
 * problems: the EHR's own error (`invalid_grant`, …) is kept as a code, never its description.
 */
import { ResponseBodyError } from "openid-client";
import type { SmartGrant, SmartResult } from "../../api-access/smart-launch.ports.ts";

/** Library codes that mean the id_token failed its checks (claims, times or signature). */
const ID_TOKEN_CODES = new Set([
  "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
  "OAUTH_JWT_TIMESTAMP_CHECK_FAILED",
  "OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED",
  "OAUTH_KEY_SELECTION_FAILED",
  "OAUTH_UNSUPPORTED_OPERATION",
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
]);

function codesOf(error: unknown): { codes: string[]; text: string } {
  const codes: string[] = [];
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === "string") codes.push(e.code);
    if (typeof e.message === "string") messages.push(e.message);
    current = e.cause;
  }
  return { codes, text: messages.join(" | ") };
}

export function exchangeProblem(error: unknown): SmartResult<SmartGrant> {
  if (error instanceof ResponseBodyError)
    return { ok: false, problem: "token_failed", ehrError: error.error };
  const { codes, text } = codesOf(error);
  if (codes.some((c) => ID_TOKEN_CODES.has(c)) || /id_token|JWT|JWS/i.test(text))
    return { ok: false, problem: "id_token_invalid" };
  return { ok: false, problem: "token_failed" };
}
