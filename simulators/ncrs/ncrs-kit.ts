/**
 * Everything the simulator's routes share, built once in server.ts and handed to each handler,
 * so handlers hold no module-level state and every `startNcrsSimulator` call stands alone.
 */
import type { LaunchLog } from "./launch-log.ts";
import type { LaunchTemplate } from "./launch-template.ts";
import type { Cis2Client } from "./oidc-client.ts";
import type { CareRecord } from "./records.ts";
import type { GlobalScenarioId } from "./scenarios.ts";
import type { SessionStore } from "./sessions.ts";

export interface NcrsKit {
  /** The simulator's public origin, e.g. http://localhost:3103. */
  origin: string;
  template: LaunchTemplate;
  cis2: Cis2Client;
  /** The CIS2 issuer and NCRS's client id there, for the health endpoint. */
  cis2Issuer: string;
  clientId: string;
  sessions: SessionStore;
  launches: LaunchLog;
  records: ReadonlyMap<string, CareRecord>;
  requiredActivityCodes: readonly string[];
  /** The global scenario in force, changed through the control API. */
  scenario: { active: GlobalScenarioId | null };
  slowDelayMs: number;
  /** Aborted by close(), so a `slow` answer does not hold the server open. */
  closing: AbortSignal;
  log: (line: string) => void;
}
