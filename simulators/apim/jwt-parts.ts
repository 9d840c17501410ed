/** Reading a compact JWT's header and claims without trusting them, as the platform's checks do. */

export interface JwtParts {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The header and claims of a signed compact JWT, or undefined when it is not one. */
export function jwtParts(token: string): JwtParts | undefined {
  const segments = token.split(".");
  if (segments.length !== 3 || segments[2] === "") return undefined;
  const header = decodeSegment(segments[0] ?? "");
  const claims = decodeSegment(segments[1] ?? "");
  return header && claims ? { header, claims } : undefined;
}

export const isInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value);
