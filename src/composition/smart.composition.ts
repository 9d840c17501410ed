/**
 * Wires the SMART on FHIR EHR launch: the registered EHRs from SMART_EHRS, our client-assertion
 * key for them (made under DATA_DIR/keys on first use and published in our JWKS), the OAuth and
 * FHIR adapter, and the service that hands the launched patient over.
 */
import { join } from "node:path";
import type { AnonymousRefusals } from "../api-access/context-launch.ports.ts";
import type { SmartEhr } from "../api-access/smart-launch.ports.ts";
import { SmartLaunchService } from "../api-access/smart-launch.service.ts";
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import { OidcSmartEhrClient, type SmartClientOptions } from "../national/smart/smart-ehr.client.ts";
import type { PatientHandoverService } from "../patients/patient-handover.service.ts";
import type { Clock } from "../platform/clock.ts";
import { fileSecret, KeyStore } from "../platform/key-store.ts";
import { SealedTokens } from "../platform/sealed-token.ts";
import { SqlPendingLaunchStore } from "../storage/context-launch.repository.ts";
import type { Database } from "../storage/database.ts";

export interface SmartLaunch {
  readonly service: SmartLaunchService;
  /** Our key for `private_key_jwt` at EHRs, published in our JWKS as "sig". */
  readonly signingKeys: KeyStore;
}

export const SMART_KEY_STORE = "smart-client";

export async function buildSmartLaunch(deps: {
  readonly config: Config;
  readonly database: Database;
  readonly events: Events;
  readonly clock: Clock;
  readonly handover: PatientHandoverService;
  readonly anonymous: AnonymousRefusals;
  readonly onSmartEhrCall?: SmartClientOptions["onCall"];
}): Promise<SmartLaunch> {
  const { config } = deps;
  const keysDir = join(config.dataDir, "keys");
  const signingKeys = await KeyStore.open(keysDir, SMART_KEY_STORE, config.smartSigningAlg);
  const registered = config.smartEhrs.map((e) => ({ ...e, iss: e.iss.replace(/\/+$/, "") }));
  const ehrs: SmartEhr[] = registered.map(({ id, name, iss, encounter, fhirUserMatch, fhirUserSystem }) => ({
    id,
    name,
    iss,
    encounter,
    fhirUserMatch,
    fhirUserSystem,
  }));
  const client = new OidcSmartEhrClient({
    auth: (ehr) => {
      const entry = registered.find((e) => e.id === ehr.id);
      if (!entry) throw new Error(`SMART EHR ${ehr.id} is not registered`);
      return { clientId: entry.clientId, clientAuth: entry.clientAuth, clientSecret: entry.clientSecret };
    },
    redirectUri: `${config.publicUrl}/smart/callback`,
    signingKey: () => signingKeys.signingKey(),
    timeoutMs: config.smartHttpTimeoutMs,
    cacheSeconds: config.smartDiscoveryCacheSeconds,
    clockSkewSeconds: config.cis2ClockSkewSeconds,
    allowHttp: config.allowInsecureHttp,
    ...(deps.onSmartEhrCall ? { onCall: deps.onSmartEhrCall } : {}),
  });
  const secret = config.cookieSecret ?? fileSecret(keysDir, "cookie-secret");
  const service = new SmartLaunchService({
    ehrs,
    client,
    pending: new SqlPendingLaunchStore(deps.database.db, "smart_launch_pending"),
    sealer: new SealedTokens(secret, "smart-launch"),
    handover: deps.handover,
    anonymous: deps.anonymous,
    events: deps.events,
    clock: deps.clock,
    waitSeconds: config.smartStateSeconds,
  });
  return { service, signingKeys };
}
