/** Makes the EHR's SMART side for an EPR at `origin`: its URLs, stores, key and registered apps. */
import { GrantStore } from "./grants.ts";
import { makeIdTokenKeys } from "./keys.ts";
import { LaunchStore } from "./launches.ts";
import type { SmartAppRegistration } from "./registrations.ts";
import { SmartRequestLog } from "./request-log.ts";
import { ScenarioSetting } from "./scenarios.ts";
import { type SmartKit, smartEndpoints } from "./smart-kit.ts";

/** `apps` as checkedApps() returned them. */
export async function makeSmartKit(origin: string, apps: SmartAppRegistration[]): Promise<SmartKit> {
  return {
    urls: smartEndpoints(origin),
    apps,
    launches: new LaunchStore(),
    grants: new GrantStore(),
    scenario: new ScenarioSetting(),
    requests: new SmartRequestLog(),
    keys: await makeIdTokenKeys(),
  };
}
