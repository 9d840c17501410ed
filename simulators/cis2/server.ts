/**
 * Public entry point of the CIS2 simulator: a local stand-in for NHS CIS2 Authentication shaped
 * like its INT environment (issuer, paths, claims, assurance, role selection, back-channel logout),
 * with named failure scenarios and a control API for tests.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Cis2ClientRegistration,
  ClientRegistry,
  parseRegistration,
  toProviderMetadata,
} from "./clients.ts";
import type { ControlKit } from "./control-api.ts";
import type { InteractionKit } from "./interactions.ts";
import { generateSigningKeys } from "./keys.ts";
import { createProvider, endCis2SessionOnSignOut, ISSUER_PATH } from "./provider.ts";
import { type RouterKit, route } from "./router.ts";
import { UserScenarios } from "./scenarios.ts";
import { SessionEnding } from "./session-ending.ts";
import { SessionRegistry } from "./sessions.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";
import { loadDirectory } from "./users.ts";

export type { Cis2ClientRegistration } from "./clients.ts";

export interface Cis2SimulatorOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Host name in the issuer and every URL the simulator hands out; default "localhost". */
  publicHostname?: string;
  clients?: Cis2ClientRegistration[];
  /** How long the token-timeout scenario holds the token response; default 30 s. */
  tokenTimeoutDelayMs?: number;
  log?: (line: string) => void;
}

export interface Cis2Simulator {
  /** The issuer, with its explicit port, exactly as in discovery and every token's `iss`. */
  issuer: string;
  /** Origin of the simulator, e.g. http://localhost:3101 (control page at `${baseUrl}/sim/`). */
  baseUrl: string;
  registerClient(client: Cis2ClientRegistration): Promise<void>;
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function buildDeps(options: Cis2SimulatorOptions, issuer: string, closing: AbortSignal) {
  const deps: SimulatorDeps = {
    issuer,
    directory: loadDirectory(),
    clients: new ClientRegistry(),
    sessions: new SessionRegistry(),
    userScenarios: new UserScenarios(),
    keys: await generateSigningKeys(),
    log: options.log ?? (() => {}),
    tokenTimeoutDelayMs: options.tokenTimeoutDelayMs ?? 30_000,
    closing,
  };
  return deps;
}

function buildRouterKit(deps: SimulatorDeps): RouterKit {
  const provider = createProvider(deps);
  const ending = new SessionEnding(deps, provider);
  endCis2SessionOnSignOut(deps, provider, ending);
  const registerClient = async (input: unknown) => {
    const registration = parseRegistration(input);
    await provider.Client.validate(toProviderMetadata(registration));
    deps.clients.put(registration);
    deps.log(
      `cis2-sim: client registered ${registration.client_id} (${registration.token_endpoint_auth_method})`,
    );
    return registration;
  };
  const interactions: InteractionKit = { deps, provider, ending, pending: new Map() };
  const control: ControlKit = { deps, ending, registerClient };
  return { interactions, control, providerCallback: provider.callback() };
}

/**
 * Starts the simulator. The issuer is
 * `http://<publicHostname>:<port>/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare`.
 */
export async function startCis2Simulator(options: Cis2SimulatorOptions): Promise<Cis2Simulator> {
  // Idle connections stay open as long as behind the national gateways (tens of seconds), not
  // node's 5 s: a client reusing a connection just as the server drops it gets ECONNRESET.
  const server = createServer({ keepAliveTimeout: 65_000 });
  const port = await listen(server, options.port, options.host ?? "127.0.0.1");
  const baseUrl = `http://${options.publicHostname ?? "localhost"}:${port}`;
  const issuer = `${baseUrl}${ISSUER_PATH}`;
  const closing = new AbortController();
  const deps = await buildDeps(options, issuer, closing.signal);
  const kit = buildRouterKit(deps);
  for (const client of options.clients ?? []) await kit.control.registerClient(client);
  server.on("request", (req, res) => void route(kit, req, res));
  deps.log(`cis2-sim: listening on ${baseUrl} (issuer ${issuer}, control page ${baseUrl}/sim/)`);
  let closed: Promise<void> | undefined;
  return {
    issuer,
    baseUrl,
    registerClient: async (client) => {
      await kit.control.registerClient(client);
    },
    // Once only: a test may stop the simulator early (CIS2 down) and its harness stop it again.
    close: () => {
      closed ??= (async () => {
        closing.abort();
        const done = once(server, "close");
        server.close();
        server.closeAllConnections();
        await done;
      })();
      return closed;
    },
  };
}
