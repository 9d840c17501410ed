/**
 * Wires records held elsewhere: the NRL adapter (with the NHS API platform's application
 * tokens), the SQL cache and "seen" stores, the service and its live hub, and the invalidation
 * of a patient's cached pointers when a national change (supersession, death) or a re-key
 * touches them. Part of the composition root (app.ts); null when NRL_BASE_URL is unset.
 */
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import { type AccessTokenSource, noAccessToken } from "../national/apim/access-token.ts";
import { type NrlCallEvent, NrlClient } from "../national/nrl/nrl-client.ts";
import type { Clock } from "../platform/clock.ts";
import { NewDocumentHub } from "../records/new-document-hub.ts";
import { RecordsElsewhereService } from "../records/records-elsewhere.service.ts";
import type { Database } from "../storage/database.ts";
import { SqlPointerCache, SqlSeenPointers } from "../storage/records-elsewhere.repository.ts";
import { platformAccess } from "./apim.composition.ts";

export interface RecordsModule {
  readonly service: RecordsElsewhereService;
  readonly hub: NewDocumentHub;
  readonly client: NrlClient;
  readonly pageWaitMs: number;
}

/** National changes after which what NRL said about the patient may be about someone else. */
const INVALIDATING = new Set(["nhs_number_superseded", "nhs_number_invalidated", "deceased"]);

async function nrlTokens(config: Config, keysDir: string, clock: Clock): Promise<AccessTokenSource> {
  if (config.nrlAuth === "none") return noAccessToken;
  const access = await platformAccess(config, keysDir, clock);
  if (!access) throw new Error("NRL_AUTH=application needs APIM_TOKEN_URL and APIM_API_KEY");
  return access.source;
}

export async function buildRecords(deps: {
  readonly config: Config;
  readonly keysDir: string;
  readonly database: Database;
  readonly events: Events;
  readonly clock: Clock;
  readonly onNrlCall?: (event: NrlCallEvent) => void;
  readonly onBackgroundFailure?: (error: unknown) => void;
}): Promise<RecordsModule | null> {
  const { config, clock, events } = deps;
  if (!config.nrlBaseUrl) return null;
  const client = new NrlClient({
    baseUrl: config.nrlBaseUrl,
    tokenSource: await nrlTokens(config, deps.keysDir, clock),
    searchMethod: config.nrlSearchMethod,
    timeoutMs: config.nrlTimeoutMs,
    ratePerSecond: config.nrlRatePerSecond,
    maxQueueWaitMs: config.nrlTimeoutMs,
    maxAttempts: config.nrlMaxAttempts,
    circuit: {
      failureThreshold: config.nrlCircuitFailures,
      resetAfterMs: config.nrlCircuitResetSeconds * 1000,
    },
    clock,
    ...(deps.onNrlCall ? { onCall: deps.onNrlCall } : {}),
  });
  const hub = new NewDocumentHub();
  const service = new RecordsElsewhereService({
    locator: client,
    cache: new SqlPointerCache(deps.database.db),
    seen: new SqlSeenPointers(deps.database.db),
    events,
    clock,
    expiry: { defaultSeconds: config.nrlCacheSeconds, byType: config.nrlCacheSecondsByType },
    visibility: config.nrlPointerTypes,
    seenBy: config.nrlSeenBy,
    searchMethod: config.nrlSearchMethod,
    hub,
    ...(deps.onBackgroundFailure ? { onBackgroundFailure: deps.onBackgroundFailure } : {}),
  });
  events.on("patient.national_change_applied", async (e) => {
    if (e.outcome === "rekeyed" || e.outcome === "invalidated" || e.notable.some((n) => INVALIDATING.has(n)))
      await service.invalidate(e.patientId);
  });
  events.on("patient.rekeyed", async (e) => void (await service.invalidate(e.patientId)));
  return { service, hub, client, pageWaitMs: config.nrlPageWaitMs };
}
