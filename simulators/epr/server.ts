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
import { EPR_USERS } from "./users.ts";

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
  log?: (line: string) => void;
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
    log: options.log ?? (() => {}),
  };
  server.on("request", (req, res) => void route(kit, req, res));
  kit.log(`epr-sim: listening on ${origin}, handing over to ${ncrsConnectUrl} as ${kit.clientId}`);
  return {
    origin,
    clientId: kit.clientId,
    registration: registrationFor({ origin, clientId: kit.clientId, clientSecret: kit.clientSecret }),
    calls: () => kit.calls.entries(),
    tokens: () => kit.calls.tokens(),
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
