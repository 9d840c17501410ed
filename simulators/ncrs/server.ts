/**
 * Public entry point of the NCRS simulator: a local stand-in for the National Care Records
 * Service as a point-of-care system meets it. The app opens a launch link (built from a
 * configured template) in a new tab; NCRS signs the user in through CIS2 as its own relying
 * party, asks them to confirm their role, and shows the patient's record. Named scenarios and a
 * `/_sim/` control API (launch log, global scenario) serve the app's tests.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BACKCHANNEL_LOGOUT_PATH, CALLBACK_PATH } from "./journey.ts";
import { LaunchLog } from "./launch-log.ts";
import { type LaunchTemplate, parseLaunchTemplate } from "./launch-template.ts";
import type { NcrsKit } from "./ncrs-kit.ts";
import { connectToCis2 } from "./oidc-client.ts";
import { loadRecords } from "./records.ts";
import { RESERVED_PATHS, route } from "./router.ts";
import { SessionStore } from "./sessions.ts";

export interface NcrsSimulatorOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Host name in the simulator's own URLs (redirect URI, default template); default "localhost". */
  publicHostname?: string;
  /**
   * The launch URL template, as the app is configured with it, e.g.
   * "http://localhost:3103/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}". Placeholders
   * are `{name}`; the simulator derives its launch route and parameter names from it (path
   * placeholders too). `{nhsNumber}` is required.
   */
  launchTemplate?: string;
  /** The CIS2 simulator NCRS signs users in with: its issuer and its origin (control API). */
  cis2: { issuer: string; controlBaseUrl: string };
  /** NCRS's client id at CIS2; default "900000000002.ncrs.local.apps". */
  clientId?: string;
  /** A selected role must hold one of these activity codes; default ["B0360"]. */
  requiredActivityCodes?: string[];
  /** Delay of the `slow` scenario in milliseconds; default 3000. */
  slowDelayMs?: number;
  log?: (line: string) => void;
}

export interface NcrsSimulator {
  /** e.g. http://localhost:3103 (control API at `${origin}/_sim/`). */
  origin: string;
  /** The launch template in force (the default one when none was given). */
  launchTemplate: string;
  close(): Promise<void>;
}

const DEFAULT_LAUNCH_PATH = "/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}";

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  const closed = once(server, "close");
  server.close();
  server.closeAllConnections();
  await closed;
}

/** Parses the template and refuses one whose path is one of the simulator's own pages. */
function readTemplate(template: string): LaunchTemplate {
  const parsed = parseLaunchTemplate(template);
  if (RESERVED_PATHS.includes(parsed.path)) {
    throw new Error(`launch template: ${parsed.path} is one of the simulator's own pages`);
  }
  return parsed;
}

async function buildKit(
  options: NcrsSimulatorOptions,
  origin: string,
  closing: AbortSignal,
): Promise<NcrsKit> {
  const log = options.log ?? (() => {});
  const template = readTemplate(options.launchTemplate ?? `${origin}${DEFAULT_LAUNCH_PATH}`);
  const clientId = options.clientId ?? "900000000002.ncrs.local.apps";
  const slowDelayMs = options.slowDelayMs ?? 3000;
  if (!Number.isFinite(slowDelayMs) || slowDelayMs < 0)
    throw new Error(`slowDelayMs must be ≥ 0: ${slowDelayMs}`);
  const cis2 = await connectToCis2({
    issuer: options.cis2.issuer,
    controlBaseUrl: options.cis2.controlBaseUrl.replace(/\/+$/, ""),
    clientId,
    redirectUri: `${origin}${CALLBACK_PATH}`,
    backchannelLogoutUri: `${origin}${BACKCHANNEL_LOGOUT_PATH}`,
    log,
  });
  return {
    origin,
    template,
    cis2,
    cis2Issuer: options.cis2.issuer,
    clientId,
    sessions: new SessionStore(),
    launches: new LaunchLog(),
    records: loadRecords(),
    requiredActivityCodes: options.requiredActivityCodes ?? ["B0360"],
    scenario: { active: null },
    slowDelayMs,
    closing,
    log,
  };
}

/**
 * Starts the simulator: listens, registers NCRS as a client of the CIS2 simulator and discovers
 * its issuer. Rejects (having stopped listening) when the template is unusable or CIS2 cannot be
 * reached. Each call has its own sessions, launch log and scenario.
 */
export async function startNcrsSimulator(options: NcrsSimulatorOptions): Promise<NcrsSimulator> {
  if (options.launchTemplate !== undefined) readTemplate(options.launchTemplate);
  // Idle connections stay open as long as behind the national gateways (tens of seconds), not
  // node's 5 s: a client reusing a connection just as the server drops it gets ECONNRESET.
  const server = createServer({ keepAliveTimeout: 65_000 });
  const port = await listen(server, options.port, options.host ?? "127.0.0.1");
  const origin = `http://${options.publicHostname ?? "localhost"}:${port}`;
  const closing = new AbortController();
  let kit: NcrsKit;
  try {
    kit = await buildKit(options, origin, closing.signal);
  } catch (error) {
    await stop(server);
    throw error;
  }
  server.on("request", (req, res) => void route(kit, req, res));
  kit.log(`ncrs-sim: listening on ${origin}, launch template ${kit.template.template}`);
  return {
    origin,
    launchTemplate: kit.template.template,
    close: async () => {
      closing.abort();
      await stop(server);
    },
  };
}
