/**
 * The doctor's checks, from configuration, in the order they print: CIS2 discovery and JWKS, an
 * API platform token, PDS, the NCRS deep link's host, MNS subscriptions, the MESH handshake. Each is
 * one small module in src/ops/doctor/ returning a result value; a new national service adds one
 * entry to the list below. Also the run at start
 * (DOCTOR_AT_START), which logs and counts but never stops the service. Part of the composition root.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Config } from "../config/load-config.ts";
import { pdsAuthMode } from "../config/settings-apim.ts";
import { type AccessTokenSource, noAccessToken, staticAccessToken } from "../national/apim/access-token.ts";
import { apimTokenCheck } from "../ops/doctor/apim-token.check.ts";
import type { DoctorCheck } from "../ops/doctor/check.ts";
import { cis2Checks } from "../ops/doctor/cis2.check.ts";
import { formatReport, runDoctor } from "../ops/doctor/doctor.ts";
import { doctorMetrics } from "../ops/doctor/doctor-metrics.ts";
import { meshCheck } from "../ops/doctor/mesh.check.ts";
import { mnsSubscriptionsCheck } from "../ops/doctor/mns-subscriptions.check.ts";
import { ncrsTemplateCheck } from "../ops/doctor/ncrs-template.check.ts";
import { pdsCheck } from "../ops/doctor/pds.check.ts";
import type { Clock } from "../platform/clock.ts";
import { VERSION } from "../platform/version.ts";
import { platformAccess } from "./apim.composition.ts";
import { meshClientOf } from "./mesh.composition.ts";
import { buildMnsSubscriptions } from "./mns.composition.ts";

export async function doctorChecks(config: Config, keysDir: string, clock: Clock): Promise<DoctorCheck[]> {
  const timeoutMs = config.doctorTimeoutMs;
  const mode = pdsAuthMode(config);
  const usesPlatform = mode === "application" || Boolean(config.mnsApiBaseUrl);
  const access = usesPlatform ? await platformAccess(config, keysDir, clock) : null;
  const pdsTokens: AccessTokenSource =
    mode === "static"
      ? staticAccessToken(config.pdsAccessToken ?? "")
      : mode === "none"
        ? noAccessToken
        : (access?.source ?? noAccessToken);
  return [
    ...cis2Checks({
      issuer: config.cis2Issuer,
      assertionAlg: config.cis2ClientAuth === "private_key_jwt" ? config.cis2SigningAlg : null,
      timeoutMs,
    }),
    apimTokenCheck({ tokens: access?.source ?? null, jwksUrl: `${config.publicUrl}/.well-known/jwks.json` }),
    pdsCheck({
      baseUrl: config.pdsBaseUrl,
      tokens: pdsTokens,
      testPatient: config.doctorPdsTestPatient,
      timeoutMs,
    }),
    ncrsTemplateCheck({ template: config.ncrsLaunchTemplate, timeoutMs }),
    mnsSubscriptionsCheck({ subscriptions: await buildMnsSubscriptions(config, keysDir, clock, access) }),
    meshCheck({ client: () => meshClientOf(config, clock, VERSION) }),
  ];
}

/** The run at start: one log line per check (failures as errors with their fix) and the metric. */
export async function runDoctorAtStart(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly clock: Clock;
}): Promise<void> {
  const record = doctorMetrics(deps.registry);
  const checks = await doctorChecks(deps.config, join(deps.config.dataDir, "keys"), deps.clock);
  const report = await runDoctor(checks);
  record(report);
  for (const o of report.outcomes) {
    const fields = { doctorCheck: o.name, status: o.status, ...(o.hint ? { fix: o.hint } : {}) };
    if (o.status === "fail") deps.logger.error(fields, `doctor: ${o.name} failed: ${o.detail}`);
    else
      deps.logger.info(
        fields,
        `doctor: ${o.name} ${o.status === "pass" ? "passed" : "skipped"}: ${o.detail}`,
      );
  }
  deps.logger.info({ doctorOk: report.ok }, formatReport(report).split("\n").at(-1) ?? "doctor: done");
}
