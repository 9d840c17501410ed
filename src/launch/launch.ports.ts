/** What the launch service needs from storage, and where it counts refusals nobody can be named for. */
import type { BrowserOutcome, LaunchIntent } from "./launch.types.ts";

/** Counts a refusal instead of recording it alone (src/platform/refusal-tally.ts). */
export interface RefusalCounter {
  count(refusal: { channel: string; outcome: string; code: string; correlationId: string }): void;
}

export interface LaunchIntentRepository {
  insert(intent: LaunchIntent): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<LaunchIntent | undefined>;
  /** Marks the intent used; false when it already was (a unique decision, in one statement). */
  claim(tokenHash: string, at: Date): Promise<boolean>;
  recordOutcome(tokenHash: string, outcome: string): Promise<void>;
  /** The latest launch that went ahead for this session and patient since `since`, if any. */
  lastLaunched(sessionId: string, patientId: string, since: Date): Promise<LaunchIntent | undefined>;
  /**
   * Whether this session's launch `ref` has been presented (its tab opened and reached us, whatever
   * the checks then decided); undefined when there is no such launch for this session.
   */
  presented(ref: string, sessionId: string): Promise<boolean | undefined>;
  /** Records what the browser reported, once. */
  recordBrowserOutcome(ref: string, sessionId: string, outcome: BrowserOutcome): Promise<boolean>;
}
