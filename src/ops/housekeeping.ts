/**
 * Housekeeping: deletes operational records once nobody can use them, so that the database holds
 * personal data no longer than the service needs it and its tables stop growing with every
 * sign-in. Sign-in transactions, logout-token ids and API clients' codes and tokens go when they
 * expire; a session goes once its absolute limit passed more than the configured number of days
 * ago, with the patient contexts, PDS checks, launch ids and API tokens bound to it; a change event goes the configured number of days after it
 * was processed or skipped and its outcome reported (dead letters stay until someone replays them).
 * NRL pointer metadata goes as long after its expiry as sessions do, and so does what a viewer saw of a
 * patient's pointers after their last look.
 * The audit trail, which has its own retention, keeps the account of what happened. Every instance
 * may run it; a second run finds nothing to delete.
 */
import { Counter, type Registry } from "prom-client";

export interface SessionRecordsDeleted {
  readonly sessions: number;
  readonly patientContexts: number;
  readonly pdsChecks: number;
  readonly launchIds: number;
}

export interface OperationalRecords {
  /** Deletes sessions whose absolute expiry is before `cutoff`, and what is bound to them. */
  deleteSessionsExpiredBefore(cutoff: Date, batchSize: number): Promise<SessionRecordsDeleted>;
  deleteLogoutTokenIdsExpiredBefore(cutoff: Date): Promise<number>;
  /** Deletes API clients' authorization codes and bearer tokens that expired before `cutoff`. */
  deleteApiAccessExpiredBefore(cutoff: Date): Promise<number>;
  /** Deletes change events processed or skipped before `cutoff` whose outcome is reported. */
  deleteChangeEventsProcessedBefore(cutoff: Date, batchSize: number): Promise<number>;
  /**
   * Deletes NRL pointer metadata cached past its expiry before `cutoff`, and viewers' records of
   * what they saw of a patient's pointers last made before it.
   */
  deleteRecordsElsewhereBefore(cutoff: Date): Promise<{ pointerCache: number; pointerSeen: number }>;
}

export interface HousekeepingDeps {
  readonly records: OperationalRecords;
  readonly loginTransactions: { deleteExpired(now: Date): Promise<number> };
  /** Days an ended session's records are kept after its absolute limit. */
  readonly sessionRecordsDays: number;
  /** Days a finished change event stays in the inbox. */
  readonly changeEventsDays: number;
  readonly registry: Registry;
  readonly log: (counts: HousekeepingOutcome) => void;
}

export type HousekeepingOutcome = SessionRecordsDeleted & {
  readonly loginTransactions: number;
  readonly logoutTokenIds: number;
  readonly apiCodesAndTokens: number;
  readonly changeEvents: number;
  readonly pointerCache: number;
  readonly pointerSeen: number;
};

const DAY_MS = 86_400_000;
const BATCH = 500;

export class Housekeeping {
  readonly #deps: HousekeepingDeps;
  readonly #deleted: Counter<"record">;

  constructor(deps: HousekeepingDeps) {
    this.#deps = deps;
    this.#deleted = new Counter({
      name: "ncrs_housekeeping_deleted_total",
      help: "Operational records deleted by housekeeping, by kind of record",
      labelNames: ["record"],
      registers: [deps.registry],
    });
  }

  /** One pass at time `now`; logs and counts what it deleted. */
  async run(now: Date): Promise<HousekeepingOutcome> {
    const daysBefore = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const { records } = this.#deps;
    const outcome: HousekeepingOutcome = {
      loginTransactions: await this.#deps.loginTransactions.deleteExpired(now),
      logoutTokenIds: await records.deleteLogoutTokenIdsExpiredBefore(now),
      apiCodesAndTokens: await records.deleteApiAccessExpiredBefore(now),
      ...(await records.deleteSessionsExpiredBefore(daysBefore(this.#deps.sessionRecordsDays), BATCH)),
      changeEvents: await records.deleteChangeEventsProcessedBefore(
        daysBefore(this.#deps.changeEventsDays),
        BATCH,
      ),
      // What NRL said and who saw it are kept as long as the sessions that looked.
      ...(await records.deleteRecordsElsewhereBefore(daysBefore(this.#deps.sessionRecordsDays))),
    };
    for (const [record, count] of Object.entries(outcome))
      if (count > 0) this.#deleted.inc({ record }, count);
    if (Object.values(outcome).some((count) => count > 0)) this.#deps.log(outcome);
    return outcome;
  }
}
