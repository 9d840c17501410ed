/**
 * Reading the token endpoint's answer. Success carries every value as a JSON string
 * (`"expires_in": "599"`), so numbers are read from strings or numbers. Refusals are
 * `{"error", "error_description"}`; which catalogue entry each means is decided from the
 * platform's documented descriptions (docs/adr/0019-api-platform-authentication.md).
 */
import type { ErrorDefinition } from "../../platform/errors.ts";
import { apimErrors } from "./apim.errors.ts";

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
}

/** What the platform said, without any token: safe to keep as an error's cause and to log. */
export class TokenEndpointError extends Error {
  override readonly name = "TokenEndpointError";
  readonly status: number;
  readonly error: string | undefined;
  readonly description: string | undefined;

  constructor(status: number, error: string | undefined, description: string | undefined) {
    super(
      `the token endpoint answered ${status}${error ? ` ${error}` : ""}${description ? `: ${description}` : ""}`,
    );
    this.status = status;
    this.error = error;
    this.description = description;
  }

  /** Which of our errors this refusal is. */
  classify(mode: "application" | "user"): ErrorDefinition {
    const text = this.description ?? "";
    if (this.status === 429 || this.status >= 500) return apimErrors.unreachable;
    if (this.status === 200) return apimErrors.bad_response;
    if (mode === "user" && /subject_token/.test(text)) return apimErrors.user_token_refused;
    if (/'exp' claim.*(expired|in future)/.test(text)) return apimErrors.clock_skew;
    if (this.error === "public_key error" || /'kid' header|'alg' header|signature/i.test(text))
      return apimErrors.invalid_key;
    return apimErrors.refused;
  }
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Seconds as the platform sends them: a JSON string of digits, or a number. */
function seconds(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  return typeof text === "string" && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    return body !== null && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The issued token, or throws a TokenEndpointError saying what came instead. */
export function readTokenResponse(status: number, text: string, now: Date): IssuedToken {
  const body = parse(text);
  if (status !== 200) {
    throw new TokenEndpointError(
      status,
      body ? stringField(body, "error") : undefined,
      body ? stringField(body, "error_description") : undefined,
    );
  }
  const accessToken = body ? stringField(body, "access_token") : undefined;
  const expiresIn = body ? seconds(body["expires_in"]) : undefined;
  const tokenType = body ? stringField(body, "token_type") : undefined;
  if (accessToken === undefined || expiresIn === undefined || expiresIn === 0)
    throw new TokenEndpointError(200, undefined, "no access_token with a positive expires_in");
  if (tokenType !== undefined && tokenType.toLowerCase() !== "bearer")
    throw new TokenEndpointError(200, undefined, `token_type ${tokenType}, not Bearer`);
  return { accessToken, issuedAt: now, expiresAt: new Date(now.getTime() + expiresIn * 1000) };
}
