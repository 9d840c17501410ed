/**
 * The simulated NHS API platform, mounted on the server of an API behind it (as INT serves
 * `/oauth2/token` and `/personal-demographics/…` from one host): its token endpoint, its control
 * API, and the check that API makes of each bearer token.
 */
import type { FastifyInstance } from "fastify";
import { registerApimControl } from "./control-api.ts";
import { type ApimApplication, PlatformState } from "./platform-state.ts";
import { type Cis2Trust, SubjectTokenVerifier } from "./subject-token-checks.ts";
import { registerTokenRoute, TOKEN_PATH } from "./token-route.ts";

export type { ApimApplication } from "./platform-state.ts";
export type { Cis2Trust } from "./subject-token-checks.ts";

export interface ApimPlatformOptions {
  /** The applications registered with the platform. */
  readonly applications: readonly ApimApplication[];
  /** The CIS2 whose ID tokens a token exchange accepts; absent: no token exchange. */
  readonly cis2?: Cis2Trust;
  /** Lifetime of issued access tokens; default 599 s, as the platform's. */
  readonly accessTokenSeconds?: number;
}

export interface ApimPlatform {
  readonly state: PlatformState;
  /** Call once the server listens: the exact token URL, the only `aud` accepted. */
  listening(origin: string): string;
  /** What the API behind the platform makes of a bearer token. */
  checkAccessToken(token: string): "valid" | "expired" | "unknown";
  /** The CIS2 user behind a user-restricted token (a token exchange); null otherwise. */
  userOf(token: string): string | null;
  /** The same, with the application the token was issued to (another API behind the platform, e.g. MNS). */
  holderOf(token: string): { state: "valid" | "expired" | "unknown"; apiKey: string | null };
}

export function mountApimPlatform(
  app: FastifyInstance,
  options: ApimPlatformOptions,
  log: (line: string) => void,
): ApimPlatform {
  const state = new PlatformState(options.applications, options.accessTokenSeconds ?? 599);
  registerTokenRoute(app, {
    state,
    ...(options.cis2 ? { subjects: new SubjectTokenVerifier(options.cis2) } : {}),
  });
  registerApimControl(app, state, log);
  return {
    state,
    listening(origin) {
      state.tokenUrl = `${origin}${TOKEN_PATH}`;
      return state.tokenUrl;
    },
    checkAccessToken: (token) => state.checkAccessToken(token, Date.now()),
    userOf: (token) => state.userOf(token),
    holderOf: (token) => state.holderOf(token, Date.now()),
  };
}
