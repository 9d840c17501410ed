/**
 * Parses the environment once at start against the settings table, reports every problem together,
 * and returns a frozen configuration that is passed to whatever needs it.
 */
import { resolve } from "node:path";
import type { z } from "zod";
import { describeTemplateProblem, parseLaunchTemplate } from "../launch/launch-template.ts";
import { type Settings, settings } from "./settings.ts";
import { apimProblems } from "./settings-apim.ts";
import { meshProblems } from "./settings-mesh.ts";
import { mnsProblems } from "./settings-mns.ts";
import { nrlProblems } from "./settings-nrl.ts";

type Parsed = { readonly [K in keyof Settings]: z.output<Settings[K]["schema"]> };

export type Config = Omit<Parsed, "publicUrl" | "databaseUrl"> & {
  /** External base URL without a trailing slash. */
  readonly publicUrl: string;
  readonly databaseUrl: string;
  /** True when served over https: cookies get `Secure` and the `__Host-` prefix. */
  readonly secureCookies: boolean;
};

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Parses `env` (usually `process.env`); throws ConfigError listing all problems. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const raw = nonEmpty(env[s.env]) ?? s.default;
    const result = s.schema.safeParse(raw);
    if (result.success) parsed[key] = result.data;
    else problems.push(`${s.env}: ${result.error.issues.map((i: z.core.$ZodIssue) => i.message).join("; ")}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = derive(parsed as Parsed);
  problems.push(...crossChecks(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function derive(p: Parsed): Config {
  const publicUrl = (p.publicUrl ?? `http://localhost:${p.port}`).replace(/\/+$/, "");
  const databaseUrl = p.databaseUrl ?? `sqlite:${resolve(p.dataDir, "ncrs-connect.db")}`;
  return { ...p, publicUrl, databaseUrl, secureCookies: publicUrl.startsWith("https:") };
}

function crossChecks(c: Config): string[] {
  const problems: string[] = [];
  if (c.cis2ClientAuth === "client_secret_post" && !c.cis2ClientSecret) {
    problems.push("CIS2_CLIENT_SECRET: required when CIS2_CLIENT_AUTH is client_secret_post");
  }
  if (c.cis2Issuer.startsWith("http:") && !c.allowInsecureHttp) {
    problems.push("CIS2_ISSUER: an http issuer needs DEV_ALLOW_HTTP=true (local simulator only)");
  }
  if (c.pdsBaseUrl.startsWith("http:") && !c.allowInsecureHttp) {
    problems.push("PDS_BASE_URL: an http URL needs DEV_ALLOW_HTTP=true (local simulator only)");
  }
  problems.push(...apimProblems(c));
  problems.push(...meshProblems(c));
  problems.push(...mnsProblems(c));
  problems.push(...nrlProblems(c));
  const template = parseLaunchTemplate(c.ncrsLaunchTemplate, c.allowInsecureHttp);
  if (!template.ok) problems.push(`NCRS_LAUNCH_TEMPLATE: ${describeTemplateProblem(template.problem)}`);
  if (c.eventsIntakeCheckpointMs >= c.eventsReportGraceMs) {
    problems.push("EVENTS_INTAKE_CHECKPOINT_MS: must be shorter than EVENTS_REPORT_GRACE_MS");
  }
  if (c.eventsRetryBaseMs > c.eventsRetryMaxMs) {
    problems.push("EVENTS_RETRY_BASE_MS: must not be longer than EVENTS_RETRY_MAX_MS");
  }
  for (const client of c.apiClients)
    for (const uri of [...client.redirectUris, ...(client.jwksUri ? [client.jwksUri] : [])])
      if (uri.startsWith("http:") && !c.allowInsecureHttp)
        problems.push(`API_CLIENTS: ${client.id}'s URI ${uri} is http, which needs DEV_ALLOW_HTTP=true`);
  if (new Set(c.apiClients.map((client) => client.id)).size !== c.apiClients.length)
    problems.push("API_CLIENTS: two clients have the same id");
  problems.push(...smartEhrChecks(c));
  if (c.idleWarningSeconds >= Math.min(c.sharedIdleSeconds, c.personalIdleSeconds, c.tabletIdleSeconds)) {
    problems.push("SESSION_IDLE_WARNING_SECONDS: must be shorter than every idle timeout");
  }
  return problems;
}

function smartEhrChecks(c: Config): string[] {
  const problems: string[] = [];
  for (const ehr of c.smartEhrs)
    if (ehr.iss.startsWith("http:") && !c.allowInsecureHttp)
      problems.push(`SMART_EHRS: ${ehr.id}'s iss ${ehr.iss} is http, which needs DEV_ALLOW_HTTP=true`);
  if (new Set(c.smartEhrs.map((ehr) => ehr.id)).size !== c.smartEhrs.length)
    problems.push("SMART_EHRS: two EHRs have the same id");
  const issuers = c.smartEhrs.map((ehr) => ehr.iss.replace(/\/+$/, ""));
  if (new Set(issuers).size !== issuers.length) problems.push("SMART_EHRS: two EHRs have the same iss");
  return problems;
}

/** The unsafe development switches that are on, for the start-up log and the operations page. */
export function unsafeSwitchesOn(config: Config): string[] {
  const on: string[] = [];
  if (config.allowInsecureHttp) on.push(`${settings.allowInsecureHttp.env}=true`);
  if (config.seedDemoPatients) on.push(`${settings.seedDemoPatients.env}=true`);
  if (config.simulatedServices.length > 0) {
    on.push(`${settings.simulatedServices.env}=${config.simulatedServices.join(",")}`);
  }
  return on;
}
