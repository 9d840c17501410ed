/**
 * Local simulator of the National Record Locator (NRL v3) consumer FHIR R4 API: pointers for the
 * demonstration patients, NRL's header checks and errors, failure scenarios, and a `/_sim/`
 * control API and page.
 */
import formbody from "@fastify/formbody";
import Fastify from "fastify";
import { BASE_PATH, registerConsumerRoutes } from "./consumer-routes.ts";
import { registerControlApi } from "./control-api.ts";
import { createState } from "./nrl-state.ts";

export interface NrlSimulatorOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  readonly host?: string;
  /**
   * What the NHS API platform makes of a bearer token (the PDS simulator's `checkAccessToken`,
   * whose platform issues tokens for every API behind it). Absent: no token is asked for.
   */
  readonly checkAccessToken?: (token: string) => "valid" | "expired" | "unknown";
  /** Delay of the `slow` scenario; default 3000 ms. */
  readonly slowDelayMs?: number;
  readonly log?: (line: string) => void;
}

export interface NrlSimulator {
  /** e.g. `http://127.0.0.1:3106/record-locator/consumer/FHIR/R4` */
  readonly baseUrl: string;
  /** The control API and page live at `${origin}/_sim/`. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function startNrlSimulator(options: NrlSimulatorOptions): Promise<NrlSimulator> {
  const log = options.log ?? (() => {});
  const state = createState({
    slowDelayMs: options.slowDelayMs ?? 3000,
    ...(options.checkAccessToken ? { checkAccessToken: options.checkAccessToken } : {}),
  });
  const app = Fastify({ logger: false, exposeHeadRoutes: false });
  await app.register(formbody);
  let baseUrl = "";
  registerConsumerRoutes(app, state, log);
  registerControlApi(app, state, () => baseUrl);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  baseUrl = `${origin}${BASE_PATH}`;
  log(`NRL simulator listening on ${baseUrl}`);
  return {
    baseUrl,
    origin,
    async close() {
      state.shutdown.abort();
      await app.close();
    },
  };
}
