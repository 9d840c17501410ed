/** What the launch service needs from storage. */
import type { BrowserOutcome, LaunchIntent } from "./launch.types.ts";

export interface LaunchIntentRepository {
  insert(intent: LaunchIntent): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<LaunchIntent | undefined>;
  /** Marks the intent used; false when it already was (a unique decision, in one statement). */
  claim(tokenHash: string, at: Date): Promise<boolean>;
  recordOutcome(tokenHash: string, outcome: string): Promise<void>;
  /** The latest launch that went ahead for this session and patient since `since`, if any. */
  lastLaunched(sessionId: string, patientId: string, since: Date): Promise<LaunchIntent | undefined>;
  /** Records what the browser reported, once. */
  recordBrowserOutcome(ref: string, sessionId: string, outcome: BrowserOutcome): Promise<boolean>;
}
