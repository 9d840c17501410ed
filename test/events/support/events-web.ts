/**
 * The events routes as the service runs them: the whole app on the test stack (CIS2, PDS, NCRS and
 * MNS simulators, sign-in, role-based access, CSRF, the NHS design-system pages, the worker
 * running), with quick retries and polling. Tests reach into the built app for what a test needs
 * to arrange (a patient selected in a tab, the inbox's counts, the keys the CLI would use).
 */
import type { Kysely } from "kysely";
import type { Cis2Simulator } from "../../../simulators/cis2/server.ts";
import type { MeshSimulator } from "../../../simulators/mesh/server.ts";
import type { MnsSimulator } from "../../../simulators/mns/server.ts";
import type { PdsSimulator } from "../../../simulators/pds/server.ts";
import type { EventsModule } from "../../../src/composition/events.composition.ts";
import type { Identity } from "../../../src/composition/identity.composition.ts";
import type { Events } from "../../../src/domain-events.ts";
import type { PatientContextService } from "../../../src/patients/patient-context.service.ts";
import type { NhsNumberProtection } from "../../../src/platform/nhs-number-protection.ts";
import type { Database, Dialect } from "../../../src/storage/database.ts";
import type { EventsSchema } from "../../../src/storage/events.schema.ts";
import type { SqlPatientRepository } from "../../../src/storage/patient.repository.ts";
import { startStack } from "../../support/stack.ts";
import { TEST_KEYS } from "./events-system.ts";

export interface EventsWeb {
  readonly baseUrl: string;
  readonly db: { readonly events: Kysely<EventsSchema>; readonly database: Database };
  readonly identity: Identity;
  readonly contexts: PatientContextService;
  readonly patients: SqlPatientRepository;
  readonly module: EventsModule;
  /** The audit trail's NHS number protection, which the inbox indexes with too. */
  readonly protection: NhsNumberProtection;
  readonly bus: Events;
  readonly cis2: Cis2Simulator;
  readonly pds: PdsSimulator;
  readonly mns: MnsSimulator;
  /** With `mesh: true`: the MESH simulator between MNS and the app. */
  readonly mesh?: MeshSimulator;
  /** POSTs to the MNS simulator's control API. */
  mnsControl(path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Sets (or clears) the PDS simulator's scenario for every request. */
  pdsControlScenario(scenario: string | null): Promise<void>;
  close(): Promise<void>;
}

export interface EventsWebOptions {
  /** `EVENTS_NOTIFY_ACTIVITY_CODES`: the roles that see live notifications (default: every clinical role). */
  readonly notifyActivityCodes?: readonly string[];
  /** MNS delivers over MESH, which the app polls (the stack's `mesh` option). */
  readonly mesh?: boolean;
}

export async function startEventsWeb(dialect: Dialect, options: EventsWebOptions = {}): Promise<EventsWeb> {
  const stack = await startStack({
    dialect,
    ...(options.mesh ? { mesh: true } : {}),
    env: {
      EVENTS_RETRY_BASE_MS: "20",
      EVENTS_RETRY_MAX_MS: "100",
      EVENTS_WORKER_POLL_MS: "20",
      EVENTS_PATIENT_BUSY_RETRY_MS: "20",
      EVENTS_LEASE_MS: "10000",
      EVENTS_NOTIFY_POLL_MS: "50",
      EVENTS_NOTIFY_HEARTBEAT_MS: "1000",
      EVENTS_REPORT_GRACE_MS: "2000",
      EVENTS_PAYLOAD_KEYS: TEST_KEYS,
      // Tests make PDS unavailable and then well again: the adapter's breaker must close quickly.
      PDS_CIRCUIT_RESET_SECONDS: "1",
      ...(options.notifyActivityCodes
        ? { EVENTS_NOTIFY_ACTIVITY_CODES: options.notifyActivityCodes.join(",") }
        : {}),
    },
  });
  const { built } = stack;
  return {
    baseUrl: stack.baseUrl,
    db: { events: built.database.db, database: built.database },
    identity: built.identity,
    contexts: built.patients.contexts,
    patients: built.patients.repository,
    module: built.changeEvents,
    protection: built.audit.protection,
    bus: built.events,
    cis2: stack.cis2,
    pds: stack.pds,
    mns: stack.mns,
    ...(stack.mesh ? { mesh: stack.mesh } : {}),
    async mnsControl(path, body = {}) {
      const response = await fetch(`${stack.mns.origin}/_sim/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    async pdsControlScenario(scenario) {
      await fetch(`${stack.pds.origin}/_sim/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenario }),
      });
    },
    close: () => stack.close(),
  };
}
