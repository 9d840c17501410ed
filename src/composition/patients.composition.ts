/**
 * Wires the patient domain: the PDS adapter, the SQL repositories and the services, from
 * configuration. Part of the composition root (app.ts).
 */
import type { Config } from "../config/load-config.ts";
import { pdsAuthMode } from "../config/settings-apim.ts";
import type { Events } from "../domain-events.ts";
import { type AccessTokenSource, noAccessToken, staticAccessToken } from "../national/apim/access-token.ts";
import { PdsClient } from "../national/pds/pds-client.ts";
import type { DemographicsService, ReadingUser } from "../patients/national-patient.ts";
import { PatientContextService } from "../patients/patient-context.service.ts";
import { PatientHandoverService } from "../patients/patient-handover.service.ts";
import { PatientIndexService } from "../patients/patient-index.service.ts";
import { VerificationService } from "../patients/verification.service.ts";
import type { Clock } from "../platform/clock.ts";
import type { KeyStore } from "../platform/key-store.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import type { Database } from "../storage/database.ts";
import { SqlHandoverRequestRepository } from "../storage/handover-request.repository.ts";
import { SqlPatientRepository } from "../storage/patient.repository.ts";
import { SqlPatientContextRepository, SqlPdsCheckRepository } from "../storage/patient-context.repository.ts";
import { SqlSystemIdentifierRepository } from "../storage/patient-identifier.repository.ts";
import { platformAccess } from "./apim.composition.ts";

export interface Patients {
  readonly demographics: DemographicsService;
  readonly index: PatientIndexService;
  readonly contexts: PatientContextService;
  readonly verification: VerificationService;
  readonly handover: PatientHandoverService;
  readonly repository: SqlPatientRepository;
  /** Our keys for the NHS API platform, to publish in our JWKS; null when none are generated here. */
  readonly platformKeys: KeyStore | null;
}

/** The PDS adapter's access tokens, as PDS_AUTH says (user-restricted is refused by the config). */
interface PdsTokens {
  readonly source: AccessTokenSource;
  /** With PDS_AUTH=user: the tokens of a read made for a signed-in user. */
  readonly userTokens?: (user: ReadingUser) => AccessTokenSource;
  readonly published: KeyStore | null;
}

async function pdsTokens(
  config: Config,
  keysDir: string,
  clock: Clock,
  idTokenOf: (sessionId: string) => Promise<string | null>,
): Promise<PdsTokens> {
  const mode = pdsAuthMode(config);
  if (mode === "none" || mode === "static") {
    const source = mode === "none" ? noAccessToken : staticAccessToken(config.pdsAccessToken ?? "");
    // MNS subscriptions are managed with our platform key whatever PDS uses: keep it published.
    const forMns = config.mnsApiBaseUrl ? await platformAccess(config, keysDir, clock) : null;
    return { source, published: forMns?.published ?? null };
  }
  const access = await platformAccess(config, keysDir, clock);
  if (!access) throw new Error(`PDS_AUTH=${mode} needs APIM_TOKEN_URL and APIM_API_KEY`);
  if (mode === "application") return { source: access.source, published: access.published };
  // User-restricted: a user's reads go as them; the service's own reads (change events) as itself.
  const userTokensFor = (user: ReadingUser) => access.forUser(user.userId, () => idTokenOf(user.sessionId));
  return { source: access.source, userTokens: userTokensFor, published: access.published };
}

export async function buildPatients(deps: {
  readonly config: Config;
  /** Where keys generated for the NHS API platform are kept. */
  readonly keysDir: string;
  /** The CIS2 ID token a session signed in with, exchanged for PDS tokens with PDS_AUTH=user. */
  readonly idTokenOf: (sessionId: string) => Promise<string | null>;
  readonly database: Database;
  readonly events: Events;
  readonly clock: Clock;
  /** The audit trail's: NHS numbers are kept at rest with its keys (docs/adr/0014). */
  readonly protection: NhsNumberProtection;
  readonly onPdsCall?: (event: {
    outcome: string;
    status: number | null;
    attempt: number;
    durationMs: number;
  }) => void;
}): Promise<Patients> {
  const { config, database, events, clock } = deps;
  const tokens = await pdsTokens(config, deps.keysDir, clock, deps.idTokenOf);
  const demographics = new PdsClient({
    baseUrl: config.pdsBaseUrl,
    tokenSource: tokens.source,
    ...(tokens.userTokens ? { userTokens: tokens.userTokens } : {}),
    ...(config.pdsEndUserOds === undefined ? {} : { endUserOdsCode: config.pdsEndUserOds }),
    timeoutMs: config.pdsTimeoutMs,
    ratePerSecond: config.pdsRatePerSecond,
    maxQueueWaitMs: config.pdsMaxQueueWaitMs,
    maxAttempts: config.pdsMaxAttempts,
    retry: { maxRetryAfterMs: config.pdsMaxRetryWaitMs, maxDelayMs: config.pdsMaxRetryWaitMs },
    cacheSeconds: config.pdsCacheSeconds,
    circuit: {
      failureThreshold: config.pdsCircuitFailures,
      resetAfterMs: config.pdsCircuitResetSeconds * 1000,
    },
    clock,
    ...(deps.onPdsCall ? { onCall: deps.onPdsCall } : {}),
  });
  const repository = new SqlPatientRepository(database.db, deps.protection);
  const contexts = new PatientContextService({
    contexts: new SqlPatientContextRepository(database.db),
    patients: repository,
    events,
    clock,
    ttlSeconds: config.patientContextTtlSeconds,
  });
  const verification = new VerificationService({
    demographics,
    patients: repository,
    checks: new SqlPdsCheckRepository(database.db, deps.protection),
    contexts,
    events,
    clock,
    checkTtlSeconds: config.pdsCheckTtlSeconds,
  });
  const handover = new PatientHandoverService({
    patients: repository,
    identifiers: new SqlSystemIdentifierRepository(database.db),
    requests: new SqlHandoverRequestRepository(database.db),
    contexts,
    verification,
    events,
    clock,
    staleAfterSeconds: config.verificationStaleSeconds,
  });
  return {
    demographics,
    index: new PatientIndexService({ patients: repository, clock }),
    contexts,
    verification,
    handover,
    repository,
    platformKeys: tokens.published,
  };
}
