/** Payloads of the API-access domain's events (listed with all others in src/domain-events.ts). */
import type { Actor } from "../identity/identity.events.ts";

/** A signed-in user's browser passed through authorization: the client may now act for them. */
export interface ApiAccessGranted {
  readonly correlationId: string;
  readonly clientId: string;
  readonly by: Actor;
}
