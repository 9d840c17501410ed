/**
 * Wires "Open in NCRS": the checked deep-link template, the launch service, the help content, and the
 * access of point-of-care systems to the launch API.
 */
import { ApiAccessService } from "../api-access/api-access.service.ts";
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import type { RolePolicy } from "../identity/roles.ts";
import type { RefusalCounter } from "../launch/launch.ports.ts";
import { LaunchService } from "../launch/launch.service.ts";
import { describeTemplateProblem, parseLaunchTemplate } from "../launch/launch-template.ts";
import type { PatientContextService } from "../patients/patient-context.service.ts";
import type { Clock } from "../platform/clock.ts";
import type { NhsNumberProtection } from "../platform/nhs-number-protection.ts";
import { SqlApiAccessRepository } from "../storage/api-access.repository.ts";
import type { Database } from "../storage/database.ts";
import { SqlLaunchIntentRepository } from "../storage/launch.repository.ts";
import { LaunchHelpContent } from "../web/launch-help.ts";
import type { LaunchPanelDeps } from "../web/launch-panel.ts";

export interface Launch {
  readonly launches: LaunchService;
  /** Point-of-care systems acting for signed-in users through the launch API. */
  readonly apiAccess: ApiAccessService;
  readonly panel: LaunchPanelDeps;
  readonly ncrsOrigin: string;
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
  return { launches, apiAccess, panel, ncrsOrigin: parsed.value.origin };
}
