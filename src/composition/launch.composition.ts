/**
 * Wires "Open in NCRS": the checked deep-link template, the launch service, the help content, the
 * access of point-of-care systems to the launch API, and their signed context launches.
 */
import { join } from "node:path";
import { ApiAccessService } from "../api-access/api-access.service.ts";
import { clientKeySets } from "../api-access/context-launch.keys.ts";
import type { AnonymousRefusals } from "../api-access/context-launch.ports.ts";
import { ContextLaunchService } from "../api-access/context-launch.service.ts";
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import type { RolePolicy } from "../identity/roles.ts";
import type { RefusalCounter } from "../launch/launch.ports.ts";
import { LaunchService } from "../launch/launch.service.ts";
import { describeTemplateProblem, parseLaunchTemplate } from "../launch/launch-template.ts";
import type { SmartClientOptions } from "../national/smart/smart-ehr.client.ts";
import type { PatientContextService } from "../patients/patient-context.service.ts";
import type { PatientHandoverService } from "../patients/patient-handover.service.ts";
import type { AddressLimiter } from "../platform/address-limiter.ts";
import type { Clock } from "../platform/clock.ts";
import { fileSecret, KeyStore } from "../platform/key-store.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { SealedTokens } from "../platform/sealed-token.ts";
import { SqlApiAccessRepository } from "../storage/api-access.repository.ts";
import { SqlLaunchJtiStore, SqlPendingLaunchStore } from "../storage/context-launch.repository.ts";
import type { Database } from "../storage/database.ts";
import { SqlLaunchIntentRepository } from "../storage/launch.repository.ts";
import { LaunchHelpContent } from "../web/launch-help.ts";
import type { LaunchPanelDeps } from "../web/launch-panel.ts";
import { buildSmartLaunch, type SmartLaunch } from "./smart.composition.ts";

export interface Launch {
  readonly launches: LaunchService;
  /** Point-of-care systems acting for signed-in users through the launch API. */
  readonly apiAccess: ApiAccessService;
  readonly panel: LaunchPanelDeps;
  readonly ncrsOrigin: string;
  /** Opens the signed context launch (its encryption key is created under DATA_DIR on first use). */
  readonly openContextLaunch: (more: ContextLaunchNeeds) => Promise<ContextLaunch>;
  /** Opens the SMART EHR launch (its client-assertion key is created under DATA_DIR on first use). */
  readonly openSmartLaunch: (more: ContextLaunchNeeds) => Promise<SmartLaunch>;
}

export interface ContextLaunchNeeds {
  readonly handover: PatientHandoverService;
  /** Launches refused with no session and no verified signature, per address. */
  readonly anonymous: { readonly limiter: AddressLimiter; readonly limited: () => void };
}

export interface ContextLaunch {
  readonly service: ContextLaunchService;
  /** The key systems encrypt launches in an address to, published in our JWKS as "enc". */
  readonly encryptionKeys: KeyStore;
}

export function buildLaunch(deps: {
  readonly config: Config;
  readonly database: Database;
  readonly events: Events;
  readonly clock: Clock;
  readonly contexts: PatientContextService;
  readonly rolePolicy: RolePolicy;
  /** The audit trail's: launch records keep the NHS number with its keys (docs/adr/0014). */
  readonly protection: NhsNumberProtection;
  readonly anonymousRefusals: RefusalCounter;
  /** Told of every call to a SMART EHR, for its metrics. */
  readonly onSmartEhrCall?: SmartClientOptions["onCall"];
}): Launch {
  const { config } = deps;
  const parsed = parseLaunchTemplate(config.ncrsLaunchTemplate, config.allowInsecureHttp);
  if (!parsed.ok) throw new Error(`NCRS_LAUNCH_TEMPLATE ${describeTemplateProblem(parsed.problem)}`);
  const launches = new LaunchService({
    intents: new SqlLaunchIntentRepository(deps.database.db, deps.protection),
    anonymousRefusals: deps.anonymousRefusals,
    contexts: deps.contexts,
    events: deps.events,
    clock: deps.clock,
    settings: {
      template: parsed.value,
      launchIdTtlSeconds: config.launchIdTtlSeconds,
      duplicateWindowSeconds: config.launchDuplicateWindowSeconds,
      verificationStaleSeconds: config.verificationStaleSeconds,
      roles: deps.rolePolicy,
    },
  });
  const panel: LaunchPanelDeps = {
    launches,
    help: LaunchHelpContent.load(config.contentDir),
    clock: deps.clock,
    staleAfterSeconds: config.verificationStaleSeconds,
    windowName: config.ncrsWindowName,
    busySeconds: config.launchBusySeconds,
    ncrsWaitSeconds: config.launchNcrsWaitSeconds,
    reuseTab: config.ncrsTabReuse,
  };
  const apiAccess = new ApiAccessService({
    clients: config.apiClients,
    grants: new SqlApiAccessRepository(deps.database.db),
    events: deps.events,
    clock: deps.clock,
    tokenTtlSeconds: config.apiTokenTtlSeconds,
  });
  /** Refusals nobody can be named for: counted, and limited per address. */
  const anonymousFor = (more: ContextLaunchNeeds): AnonymousRefusals => ({
    count: (refusal) => deps.anonymousRefusals.count(refusal),
    allow: (address) => {
      if (more.anonymous.limiter.hit(address)) return true;
      more.anonymous.limited();
      return false;
    },
  });
  const openSmartLaunch = (more: ContextLaunchNeeds): Promise<SmartLaunch> =>
    buildSmartLaunch({ ...deps, handover: more.handover, anonymous: anonymousFor(more) });
  const openContextLaunch = async (more: ContextLaunchNeeds): Promise<ContextLaunch> => {
    const keysDir = join(config.dataDir, "keys");
    const encryptionKeys = await KeyStore.open(keysDir, "context-launch-encryption", "ECDH-ES+A256KW", "enc");
    const secret = config.cookieSecret ?? fileSecret(keysDir, "cookie-secret");
    const service = new ContextLaunchService({
      keysOf: clientKeySets(config.apiClients, config.contextLaunchJwksCooldownSeconds),
      decryptionKey: (kid) => encryptionKeys.privateKey(kid),
      jtis: new SqlLaunchJtiStore(deps.database.db),
      pending: new SqlPendingLaunchStore(deps.database.db),
      sealer: new SealedTokens(secret, "context-launch"),
      handover: more.handover,
      anonymous: anonymousFor(more),
      events: deps.events,
      clock: deps.clock,
      settings: {
        audience: `${config.publicUrl}/context-launch`,
        skewSeconds: config.contextLaunchSkewSeconds,
        pendingSeconds: config.cis2LoginTtlSeconds,
      },
    });
    return { service, encryptionKeys };
  };
  return { launches, apiAccess, panel, ncrsOrigin: parsed.value.origin, openContextLaunch, openSmartLaunch };
}
