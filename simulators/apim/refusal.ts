/**
 * The platform's refusals: an HTTP status with `{"error", "error_description", "message_id"}`,
 * the descriptions word for word as the identity service proxy sends them, so a client's error
 * handling meets what INT will say.
 */
import { randomUUID } from "node:crypto";

export interface Refusal {
  readonly status: number;
  readonly error: string;
  readonly description: string;
}

export function refusal(status: number, description: string, error = "invalid_request"): Refusal {
  return { status, error, description };
}

export function refusalBody(r: Refusal): Record<string, string> {
  return { error: r.error, error_description: r.description, message_id: randomUUID() };
}

/** A check that passes returns undefined; the first refusal ends the request. */
export type Check = () => Refusal | undefined | Promise<Refusal | undefined>;

export async function firstRefusal(checks: readonly Check[]): Promise<Refusal | undefined> {
  for (const check of checks) {
    const refused = await check();
    if (refused) return refused;
  }
  return undefined;
}
