/**
 * The signed context launch: a point-of-care system opens `/context-launch` in its user's browser
 * with a short-lived token signed by its registered key, naming the patient it has open. A token
 * that passes every check (context-launch.checks.ts) and whose `jti` is new is kept, sealed, under
 * a random id until its user is signed in (the token is single use, so it cannot be sent again
 * after CIS2); then a user hint that names someone else is refused (the shared-workstation
 * hazard), and otherwise the patient is handed over like any other system's (source
 * `signed_launch`). Every refusal is recorded as `context_launch.refused` — or, when nobody can be
 * named for it (no session, and no signature that verified), counted in the refusal tally.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import type { PatientHandoverService } from "../patients/patient-handover.service.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { platformErrors } from "../platform/platform.errors.ts";
import { type ClientKeys, checkLaunchToken, type LaunchClaims } from "./context-launch.checks.ts";
import { type ContextLaunchProblem, contextLaunchErrors } from "./context-launch.errors.ts";
import type { ContextLaunchRefused } from "./context-launch.events.ts";
import type {
  AnonymousRefusals,
  LaunchJtiStore,
  PendingLaunchStore,
  Sealer,
} from "./context-launch.ports.ts";

export interface ContextLaunchDeps {
  readonly keysOf: (clientId: string) => ClientKeys | undefined;
  readonly decryptionKey: (kid: string) => Promise<CryptoKey | undefined>;
  readonly jtis: LaunchJtiStore;
  readonly pending: PendingLaunchStore;
  readonly sealer: Sealer;
  readonly handover: PatientHandoverService;
  readonly anonymous: AnonymousRefusals;
  readonly events: Events;
  readonly clock: Clock;
  readonly settings: {
    /** `{PUBLIC_URL}/context-launch`. */
    readonly audience: string;
    readonly skewSeconds: number;
    /** How long a checked launch waits for its user to sign in. */
    readonly pendingSeconds: number;
  };
}

export interface LaunchArrival {
  readonly token: unknown;
  readonly via: "POST" | "GET";
  readonly session: Session | null;
  /** The browser's own random binding (a cookie): only it can continue the launch. */
  readonly browser: string;
  readonly address: string;
  readonly correlationId: string;
}

export type Continued =
  | { readonly kind: "other_user" }
  | {
      readonly kind: "handed_over";
      readonly contextId: string;
      readonly checkId: string | null;
      readonly mustConfirm: boolean;
    };

const MAX_TOKEN_LENGTH = 64 * 1024;
const CHANNEL = "context_launch";
/** Refused before any signature verified: the token proves nothing about who sent it. */
const UNPROVEN: ReadonlySet<ContextLaunchProblem> = new Set([
  "missing_token",
  "malformed",
  "encryption_required",
  "bad_encryption",
  "alg_not_allowed",
  "kid_missing",
  "wrong_type",
  "unknown_client",
  "unknown_key",
  "keys_unavailable",
  "bad_signature",
]);

const digest = (id: string) => createHash("sha256").update(id).digest("hex");

export class ContextLaunchService {
  readonly #deps: ContextLaunchDeps;

  constructor(deps: ContextLaunchDeps) {
    this.#deps = deps;
  }

  /** Checks the launch and keeps it for its user; returns the id to continue it by. Throws refusals. */
  async arrive(arrival: LaunchArrival): Promise<{ readonly id: string }> {
    const { token } = arrival;
    if (typeof token !== "string" || token === "") return this.#refuse(arrival, "missing_token", null, null);
    if (token.length > MAX_TOKEN_LENGTH) return this.#refuse(arrival, "malformed", null, null);
    const now = this.#deps.clock.now();
    const { settings } = this.#deps;
    const check = await checkLaunchToken(token, {
      audience: settings.audience,
      skewSeconds: settings.skewSeconds,
      keysOf: this.#deps.keysOf,
      decryptionKey: this.#deps.decryptionKey,
      encryptionRequired: arrival.via === "GET",
      now,
    });
    if (!check.ok) return this.#refuse(arrival, check.problem, check.clientId, null);
    const { claims } = check;
    // Kept until it could no longer pass the expiry check anyway.
    const keepUntil = new Date(claims.expiresAt.getTime() + settings.skewSeconds * 1000);
    if (!(await this.#deps.jtis.remember(claims.clientId, claims.jti, now, keepUntil)))
      return this.#refuse(arrival, "replayed", claims.clientId, check.encrypted);
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + settings.pendingSeconds * 1000);
    const sealed = this.#deps.sealer.seal(JSON.stringify(claims), arrival.browser, expiresAt);
    await this.#deps.pending.save(digest(id), sealed, now, expiresAt);
    return { id };
  }

  /** Carries on with a kept launch for the signed-in user. Throws refusals (the hand-over's too). */
  async continue(id: string, browser: string, session: Session, correlationId: string): Promise<Continued> {
    const claims = await this.#find(id, browser);
    const recordAs = { via: "continue" as const, session, correlationId };
    if (!claims) return this.#refuse(recordAs, "unknown_launch", null, null);
    if (claims.userHint !== null && claims.userHint !== session.user.id) {
      await this.#record(recordAs, "other_user", claims.clientId, null);
      return { kind: "other_user" };
    }
    if (!(await this.#deps.pending.claim(digest(id))))
      return this.#refuse(recordAs, "unknown_launch", claims.clientId, null);
    const answer = await this.#deps.handover.receive(session, {
      patient: claims.patient,
      encounter: claims.encounter,
      windowId: claims.windowId,
      clientId: claims.clientId,
      source: "signed_launch",
      idempotencyKey: null,
      correlationId,
    });
    return {
      kind: "handed_over",
      contextId: answer.contextId,
      checkId: answer.checkId,
      mustConfirm: answer.mustConfirm,
    };
  }

  /** Whether a kept launch names someone other than this user (for the page that says so). */
  async isForAnotherUser(id: string, browser: string, session: Session): Promise<boolean> {
    const claims = await this.#find(id, browser);
    return claims?.userHint != null && claims.userHint !== session.user.id;
  }

  async #find(id: string, browser: string): Promise<LaunchClaims | undefined> {
    const now = this.#deps.clock.now();
    const sealed = await this.#deps.pending.find(digest(id), now);
    const opened = sealed === undefined ? undefined : this.#deps.sealer.open(sealed, browser, now);
    return opened === undefined ? undefined : (JSON.parse(opened) as LaunchClaims);
  }

  async #refuse(
    arrival: Pick<LaunchArrival, "session" | "correlationId"> & {
      readonly via: ContextLaunchRefused["via"];
      readonly address?: string;
    },
    problem: ContextLaunchProblem,
    clientId: string | null,
    encrypted: boolean | null,
  ): Promise<never> {
    const error = contextLaunchErrors[problem];
    if (!arrival.session && UNPROVEN.has(problem)) {
      if (!this.#deps.anonymous.allow(arrival.address ?? "")) throw new AppError(platformErrors.rate_limited);
      this.#deps.anonymous.count({
        channel: CHANNEL,
        outcome: "context_launch.refused",
        code: error.code,
        correlationId: arrival.correlationId,
      });
    } else await this.#record(arrival, problem, clientId, encrypted);
    throw new AppError(error);
  }

  async #record(
    arrival: Pick<LaunchArrival, "session" | "correlationId"> & { readonly via: ContextLaunchRefused["via"] },
    problem: ContextLaunchProblem,
    clientId: string | null,
    encrypted: boolean | null,
  ): Promise<void> {
    await this.#deps.events.emit("context_launch.refused", {
      correlationId: arrival.correlationId,
      by: arrival.session ? actorOf(arrival.session) : null,
      clientId: UNPROVEN.has(problem) ? null : clientId,
      code: contextLaunchErrors[problem].code,
      via: arrival.via,
      encrypted,
    });
  }
}
