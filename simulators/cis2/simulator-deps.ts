/**
 * The parts of a running simulator that its modules share, passed explicitly so every module can
 * be read (and tested) without hidden globals.
 */
import type { ClientRegistry } from "./clients.ts";
import type { SigningKeys } from "./keys.ts";
import type { UserScenarios } from "./scenarios.ts";
import type { SessionRegistry } from "./sessions.ts";
import type { Directory } from "./users.ts";

export interface SimulatorDeps {
  issuer: string;
  directory: Directory;
  clients: ClientRegistry;
  sessions: SessionRegistry;
  userScenarios: UserScenarios;
  keys: SigningKeys;
  log: (line: string) => void;
  tokenTimeoutDelayMs: number;
  /** Aborted when the simulator closes, so held responses (token-timeout) stop waiting. */
  closing: AbortSignal;
}
