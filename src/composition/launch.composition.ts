/** Wires "Open in NCRS": the checked deep-link template, the launch service and the help content. */
import type { Config } from "../config/load-config.ts";
import type { Events } from "../domain-events.ts";
import type { RolePolicy } from "../identity/roles.ts";
import { LaunchService } from "../launch/launch.service.ts";
import { describeTemplateProblem, parseLaunchTemplate } from "../launch/launch-template.ts";
import type { PatientContextService } from "../patients/patient-context.service.ts";
import type { Clock } from "../platform/clock.ts";
import type { Database } from "../storage/database.ts";
import { SqlLaunchIntentRepository } from "../storage/launch.repository.ts";
import { LaunchHelpContent } from "../web/launch-help.ts";
import type { LaunchPanelDeps } from "../web/launch-panel.ts";

export interface Launch {
  readonly launches: LaunchService;
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
}): Launch {
  const { config } = deps;
  const parsed = parseLaunchTemplate(config.ncrsLaunchTemplate, config.allowInsecureHttp);
  if (!parsed.ok) throw new Error(`NCRS_LAUNCH_TEMPLATE ${describeTemplateProblem(parsed.problem)}`);
  const launches = new LaunchService({
    intents: new SqlLaunchIntentRepository(deps.database.db),
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
  };
  return { launches, panel, ncrsOrigin: parsed.value.origin };
}
