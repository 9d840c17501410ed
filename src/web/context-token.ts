/**
 * The context token a point-of-care system is given for a handed-over patient, for the embeddable
 * "Open in NCRS" button to post back. It names the patient context and the session it belongs to,
 * sealed (nothing in it is readable, least of all the patient), and is good until the session's
 * absolute end. It is a reference, not a permission: whoever presents it must still be in that
 * session, and the context must still be current, when it is used.
 */
import type { Session } from "../identity/identity.types.ts";
import type { SealedTokens } from "../platform/sealed-token.ts";

const HOLDER = "patient-context";

export interface ContextReference {
  readonly contextId: string;
  readonly sessionId: string;
}

export class ContextTokens {
  readonly #sealed: SealedTokens;

  constructor(sealed: SealedTokens) {
    this.#sealed = sealed;
  }

  issue(session: Session, contextId: string): string {
    return this.#sealed.seal(
      JSON.stringify({ c: contextId, s: session.id }),
      HOLDER,
      session.absoluteExpiresAt,
    );
  }

  /** What the token names, or null when it is altered, not ours, or past its session's end. */
  open(token: unknown, now: Date): ContextReference | null {
    if (typeof token !== "string" || !/^[A-Za-z0-9_-]{20,600}$/.test(token)) return null;
    const text = this.#sealed.open(token, HOLDER, now);
    if (text === undefined) return null;
    const { c, s } = JSON.parse(text) as { c?: unknown; s?: unknown };
    return typeof c === "string" && typeof s === "string" ? { contextId: c, sessionId: s } : null;
  }
}
