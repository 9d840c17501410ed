/** Payloads of the signed context launch's events (listed with all others in src/domain-events.ts). */
import type { Actor } from "../identity/identity.events.ts";

/**
 * A signed context launch was refused: by its token's checks, as a replay, for another user than
 * the one signed in, or because it could not be continued. The patient is never named: a refused
 * token's patient is not to be trusted.
 */
export interface ContextLaunchRefused {
  readonly correlationId: string;
  /** The signed-in user, when there was one. */
  readonly by: Actor | null;
  /** The sending system: its `iss`, once the signature verified; null before. */
  readonly clientId: string | null;
  /** Our error code (`context_launch.*`). */
  readonly code: string;
  /** How it arrived: `POST`, `GET` (in the address), or `continue` (after signing in). */
  readonly via: "POST" | "GET" | "continue";
  readonly encrypted: boolean | null;
}
