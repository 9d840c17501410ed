/** What every route of the EPR simulator works with: its settings, keys, sessions and logs. */
import type { CallLog } from "./call-log.ts";
import type { SessionStore } from "./sessions.ts";
import type { SigningKey } from "./signing-key.ts";
import type { SmartKit } from "./smart/smart-kit.ts";

export interface EprKit {
  /** The EPR's own origin, e.g. http://localhost:3105. */
  origin: string;
  /** NCRS Connect's origin, no trailing slash. */
  ncrsConnectUrl: string;
  clientId: string;
  clientSecret: string;
  csp: string;
  key: SigningKey;
  sessions: SessionStore;
  calls: CallLog;
  /** The user new sessions start with (control API can change it). */
  defaultUser: { sub: string };
  /** The EHR's SMART on FHIR side: FHIR base, authorization server, launches. */
  smart: SmartKit;
  log: (line: string) => void;
}
