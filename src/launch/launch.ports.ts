/** What the launch service needs from storage, and where it counts refusals nobody can be named for. */
import type { AtomicWrite } from "../platform/atomic-write.ts";
import type { BrowserOutcome, LaunchIntent } from "./launch.types.ts";

/** Counts a refusal instead of recording it alone (src/platform/refusal-tally.ts). */
export interface RefusalCounter {
  count(refusal: { channel: string; outcome: string; code: string; correlationId: string }): void;
}

export interface LaunchIntentRepository {
  insert(intent: LaunchIntent): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<LaunchIntent | undefined>;
  /**
   * Spending the id and recording that the launch went ahead, to commit with its audit record:
   * applies only for the one request that gets the id first (a unique decision, in one statement).
   */
  launchedWrite(tokenHash: string, at: Date): AtomicWrite;
  /** Recording why the owner's launch was refused, to commit with its audit record (once). */
  refusedWrite(tokenHash: string, outcome: string): AtomicWrite;
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
