/**
 * OIDC Back-Channel Logout 1.0 with CIS2's rules: CIS2 posts a signed logout token when a user's
 * CIS2 session ends (e.g. a smartcard is removed from an Identity Agent reader). The token must
 * pass every named step; then every session with that `sid` ends.
 */
import type { Events } from "../domain-events.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { runSteps, type Step, StepFailed } from "../platform/steps.ts";
import { audienceIncludes, nonEmptyString, numericDate } from "./claims.ts";
import { logoutTokenErrors } from "./identity.errors.ts";
import type { IdentityProvider, LogoutTokenReplayGuard, TokenClaims } from "./identity.ports.ts";
import type { SessionService } from "./session.service.ts";

export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

export interface LogoutTokenPolicy {
  readonly issuer: string;
  readonly clientId: string;
  readonly skewSeconds: number;
  /** Tokens issued longer ago than this are refused. */
  readonly maxAgeSeconds: number;
}

interface Context {
  readonly claims: TokenClaims;
  readonly policy: LogoutTokenPolicy;
  readonly nowSeconds: number;
  readonly replay: LogoutTokenReplayGuard;
  readonly now: Date;
}

type Def = (typeof logoutTokenErrors)[keyof typeof logoutTokenErrors];
const fail = (d: Def): never => {
  throw new AppError(d);
};

export const logoutTokenSteps: readonly Step<Context>[] = [
  {
    name: "issuer",
    run: ({ claims, policy }) => {
      if (claims.iss !== policy.issuer) fail(logoutTokenErrors.issuer);
    },
  },
  {
    name: "audience",
    run: ({ claims, policy }) => {
      if (!audienceIncludes(claims.aud, policy.clientId)) fail(logoutTokenErrors.audience);
    },
  },
  {
    name: "expiry",
    run: ({ claims, policy, nowSeconds }) => {
      const exp = numericDate(claims.exp);
      if (claims.exp !== undefined && (exp === undefined || exp + policy.skewSeconds <= nowSeconds))
        fail(logoutTokenErrors.expired);
    },
  },
  {
    name: "issued_at",
    run: ({ claims, policy, nowSeconds }) => {
      const iat = numericDate(claims.iat);
      if (
        iat === undefined ||
        iat > nowSeconds + policy.skewSeconds ||
        iat < nowSeconds - policy.maxAgeSeconds
      ) {
        fail(logoutTokenErrors.issued_at);
      }
    },
  },
  {
    name: "events",
    run: ({ claims }) => {
      const events = claims.events;
      const ok =
        typeof events === "object" &&
        events !== null &&
        !Array.isArray(events) &&
        BACKCHANNEL_LOGOUT_EVENT in events;
      if (!ok) fail(logoutTokenErrors.events);
    },
  },
  {
    name: "no_nonce",
    run: ({ claims }) => {
      if ("nonce" in claims) fail(logoutTokenErrors.nonce_present);
    },
  },
  {
    name: "sid",
    run: ({ claims }) => {
      if (!nonEmptyString(claims.sid)) fail(logoutTokenErrors.sid_missing);
    },
  },
  {
    name: "not_replayed",
    run: async ({ claims, replay, now, policy }) => {
      if (!nonEmptyString(claims.jti)) fail(logoutTokenErrors.jti_missing);
      const keepUntil = new Date(now.getTime() + (policy.maxAgeSeconds + policy.skewSeconds) * 1000);
      if (!(await replay.remember(claims.jti as string, now, keepUntil))) fail(logoutTokenErrors.replayed);
    },
  },
];

export interface BackchannelLogoutDeps {
  readonly provider: IdentityProvider;
  readonly replay: LogoutTokenReplayGuard;
  readonly sessions: SessionService;
  readonly events: Events;
  readonly clock: Clock;
  readonly policy: LogoutTokenPolicy;
}

export class BackchannelLogoutService {
  readonly #deps: BackchannelLogoutDeps;

  constructor(deps: BackchannelLogoutDeps) {
    this.#deps = deps;
  }

  /** Validates the token and ends its sessions; returns how many ended. Throws catalogue errors. */
  async handle(logoutToken: unknown, correlationId: string): Promise<number> {
    try {
      if (typeof logoutToken !== "string" || logoutToken.split(".").length !== 3)
        fail(logoutTokenErrors.malformed);
      const claims = await this.#verifySignature(logoutToken as string);
      const now = this.#deps.clock.now();
      const nowSeconds = Math.floor(now.getTime() / 1000);
      await runSteps(logoutTokenSteps, {
        claims,
        policy: this.#deps.policy,
        nowSeconds,
        replay: this.#deps.replay,
        now,
      });
      const ended = await this.#deps.sessions.endWhere(
        { cis2Sid: claims.sid as string },
        "backchannel_logout",
        correlationId,
      );
      if (ended === 0) fail(logoutTokenErrors.unknown_session);
      await this.#deps.events.emit("backchannel_logout.received", {
        correlationId,
        outcome: "ended",
        code: null,
        sessionsEnded: ended,
      });
      return ended;
    } catch (error) {
      if (error instanceof AppError) {
        const outcome =
          error.definition === logoutTokenErrors.unknown_session ? "unknown_session" : "rejected";
        await this.#deps.events.emit("backchannel_logout.received", {
          correlationId,
          outcome,
          code: error.code,
          sessionsEnded: 0,
        });
      }
      throw error;
    }
  }

  async #verifySignature(token: string): Promise<TokenClaims> {
    try {
      return await this.#deps.provider.verifyLogoutTokenSignature(token);
    } catch (error) {
      if (error instanceof AppError) throw new StepFailed("signature", error);
      throw error;
    }
  }
}
