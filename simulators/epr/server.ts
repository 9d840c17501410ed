/**
 * Public entry point of the EPR simulator: "Riverside EPR (simulated)", a small web EPR that hands
 * its patient to NCRS Connect in the three ways a supplier would: its back end calls the hand-over
 * API as the user (OAuth code + PKCE), its page embeds NCRS Connect's button, and a "desktop" link
 * opens a signed context launch. A `/_sim/api/` control API serves tests.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CallLog, type IssuedToken, type NcrsCall } from "./call-log.ts";
import type { EprKit } from "./epr-kit.ts";
import { contentSecurityPolicy } from "./http-kit.ts";
import { type ApiClientRegistration, registrationFor } from "./registration.ts";
import { route } from "./router.ts";
import { SessionStore } from "./sessions.ts";
import { makeSigningKey } from "./signing-key.ts";
import { checkedApps, defaultSmartApp, type SmartAppRegistration } from "./smart/registrations.ts";
import type { SmartRequest } from "./smart/request-log.ts";
import type { SmartScenario } from "./smart/scenarios.ts";
import { makeSmartKit } from "./smart/setup.ts";
import type { SmartEndpoints } from "./smart/smart-kit.ts";
import { EPR_USERS } from "./users.ts";

export type { SmartAppRegistration, SmartClientAuth } from "./smart/registrations.ts";
export type { SmartRequest } from "./smart/request-log.ts";
export type { SmartScenario } from "./smart/scenarios.ts";

export interface EprSimulatorOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Host name in the EPR's own URLs (redirect URI, JWKS); default "localhost". */
  publicHostname?: string;
  /** NCRS Connect's public URL, e.g. http://localhost:3000. */
  ncrsConnectUrl: string;
  /** The EPR's API client id at NCRS Connect; default "riverside-epr". */
  clientId?: string;
  /** Its client secret (NCRS Connect holds its SHA-256). Make one per run; never commit one. */
  clientSecret: string;
  /**
   * Where NCRS Connect sends the browser on after the EPR's form posts (NCRS's and CIS2's
   * origins, or any URL on them): the page's form-action must allow them too.
   */
  formActionOrigins?: readonly string[];
  /**
   * The SMART apps the EHR may launch; default one, NCRS Connect (`ncrs-connect`, private_key_jwt
   * with `${ncrsConnectUrl}/.well-known/jwks.json`, launched at `${ncrsConnectUrl}/smart/launch`).
   */
  smartApps?: SmartAppRegistration[];
  log?: (line: string) => void;
}

export interface EprSmart {
  /** The FHIR base URL apps are launched with: `${origin}/fhir`. */
  iss: string;
  /** The authorization server's issuer and endpoints. */
  urls: SmartEndpoints;
  apps: SmartAppRegistration[];
  /** Launch, discovery, authorize, token and FHIR requests, oldest first, without secrets. */
  requests(): SmartRequest[];
  /** The scenario for launches without their own (control API `PUT /_sim/api/smart/scenario`). */
  setScenario(scenario: SmartScenario): void;
  /** Makes a live launch id expired at once (tests of the five-minute limit). */
  expireLaunch(launchId: string): boolean;
}

export interface EprSimulator {
  /** e.g. http://localhost:3105 (control API at `${origin}/_sim/api/`). */
  origin: string;
  clientId: string;
  /** The entry NCRS Connect's API_CLIENTS needs for this EPR. */
  registration: ApiClientRegistration;
  /** Calls the EPR's back end made to NCRS Connect, oldest first. */
  calls(): NcrsCall[];
  /** Signed launch tokens it gave browsers, oldest first. */
  tokens(): IssuedToken[];
  /** The EHR's SMART on FHIR side. */
  smart: EprSmart;
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function originOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`ncrsConnectUrl must be http or https: ${url}`);
  return parsed.origin;
}

export async function startEprSimulator(options: EprSimulatorOptions): Promise<EprSimulator> {
  const ncrsConnectUrl = options.ncrsConnectUrl.replace(/\/+$/, "");
  const ncrsOrigin = originOf(ncrsConnectUrl);
  if (options.clientSecret.length < 16) throw new Error("clientSecret must be at least 16 characters");
  const smartApps = checkedApps(options.smartApps ?? [defaultSmartApp(ncrsConnectUrl)]);
  const server = createServer({ keepAliveTimeout: 65_000 });
  const port = await listen(server, options.port, options.host ?? "127.0.0.1");
  const origin = `http://${options.publicHostname ?? "localhost"}:${port}`;
  const defaultUser = { sub: (EPR_USERS[0] as { sub: string }).sub };
  const kit: EprKit = {
    origin,
    ncrsConnectUrl,
    clientId: options.clientId ?? "riverside-epr",
    clientSecret: options.clientSecret,
    csp: contentSecurityPolicy(ncrsOrigin, (options.formActionOrigins ?? []).map(originOf)),
    key: await makeSigningKey(),
    sessions: new SessionStore(() => defaultUser.sub),
    calls: new CallLog(),
    defaultUser,
    smart: await makeSmartKit(origin, smartApps),
    log: options.log ?? (() => {}),
  };
  server.on("request", (req, res) => void route(kit, req, res));
  kit.log(`epr-sim: listening on ${origin}, handing over to ${ncrsConnectUrl} as ${kit.clientId}`);
  kit.log(
    `epr-sim: SMART EHR at iss ${kit.smart.urls.iss} for ${smartApps.map((a) => a.clientId).join(", ")}`,
  );
  return {
    origin,
    clientId: kit.clientId,
    registration: registrationFor({ origin, clientId: kit.clientId, clientSecret: kit.clientSecret }),
    calls: () => kit.calls.entries(),
    tokens: () => kit.calls.tokens(),
    smart: {
      iss: kit.smart.urls.iss,
      urls: kit.smart.urls,
      apps: kit.smart.apps,
      requests: () => kit.smart.requests.entries(),
      setScenario: (scenario) => kit.smart.scenario.set(scenario),
      expireLaunch: (launchId) => kit.smart.launches.expire(launchId),
    },
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
