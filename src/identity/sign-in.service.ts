/**
 * CIS2 sign-in as a story: start (state, nonce and PKCE kept server-side, keyed by state and bound
 * to this browser), then complete (the callback checks as named steps, role resolution, and a new
 * session). Every failure is an AppError from the identity catalogue naming the step that failed.
 */

import { createHash } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { ClientInfo } from "../platform/client-info.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { digest, randomToken } from "../platform/secrets.ts";
import { runSteps, type Step, StepFailed } from "../platform/steps.ts";
import { assuranceLevel, type IdTokenPolicy, idTokenSteps } from "./id-token.checks.ts";
import { identityErrors } from "./identity.errors.ts";
import type {
  CodeExchangeResult,
  IdentityProvider,
  LoginTransaction,
  LoginTransactionRepository,
  TokenClaims,
} from "./identity.ports.ts";
import type { Cis2Role, DeviceProfile, Session, SignedInUser } from "./identity.types.ts";
import { parseRoles, type RolePolicy, resolveSelectedRole } from "./roles.ts";
import type { SessionService } from "./session.service.ts";

export interface SignInSettings {
  readonly scopes: readonly string[];
  readonly acrValues: string;
  readonly maxAgeSeconds: number;
  readonly transactionTtlSeconds: number;
  readonly idToken: IdTokenPolicy;
  readonly roles: RolePolicy;
  /** amr value → authenticator kind. */
  readonly authenticators: Readonly<Record<string, string>>;
}

export interface SignInDeps {
  readonly provider: IdentityProvider;
  readonly transactions: LoginTransactionRepository;
  readonly sessions: SessionService;
  readonly events: Events;
  readonly clock: Clock;
  readonly settings: SignInSettings;
}

export type SignInPurpose = LoginTransaction["purpose"];

export interface Device {
  readonly workstationId: string | null;
  readonly profile: DeviceProfile;
}

export interface CompletedSignIn {
  readonly token: string;
  readonly session: Session;
  readonly returnTo: string | null;
}

/** Only same-site relative paths may be returned to after sign-in (no open redirects). */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 512) return null;
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : null;
}

export class SignInService {
  readonly #deps: SignInDeps;

  constructor(deps: SignInDeps) {
    this.#deps = deps;
  }

  /** Begins a sign-in; returns where to send the browser. */
  async start(
    purpose: SignInPurpose,
    browserToken: string,
    returnTo: string | null,
    correlationId: string,
  ): Promise<URL> {
    const { settings, clock } = this.#deps;
    const now = clock.now();
    const transaction: LoginTransaction = {
      state: randomToken(),
      nonce: randomToken(),
      codeVerifier: randomToken(),
      browserHash: digest(browserToken),
      purpose,
      returnTo: safeReturnPath(returnTo),
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.transactionTtlSeconds * 1000),
    };
    await this.#deps.transactions.save(transaction);
    await this.#deps.events.emit("sign_in.started", { correlationId, purpose });
    const scopes =
      purpose === "change_role"
        ? settings.scopes.map((s) => (s === "selectedrole" ? "changedrole" : s))
        : settings.scopes;
    return this.#deps.provider.authorizationUrl({
      state: transaction.state,
      nonce: transaction.nonce,
      codeChallenge: createHash("sha256").update(transaction.codeVerifier).digest("base64url"),
      scopes,
      acrValues: settings.acrValues,
      maxAgeSeconds: settings.maxAgeSeconds,
    });
  }

  /** Completes a sign-in from the callback URL; emits sign_in.failed with the step on any failure. */
  async complete(
    callbackUrl: URL,
    browserToken: string | undefined,
    device: Device,
    correlationId: string,
    client: ClientInfo,
  ): Promise<CompletedSignIn> {
    const callback: Callback = { url: callbackUrl, browserToken };
    try {
      await runSteps(this.#callbackSteps, callback);
      const transaction = transactionOf(callback);
      const { tokens, userInfo, role } = callback as Required<Callback>;
      const { token, session } = await this.#deps.sessions.create(
        this.#sessionInput(tokens, userInfo, role, device),
      );
      await this.#deps.sessions.enforceSingleSession(session, correlationId);
      await this.#emitStarted(session, transaction.purpose, correlationId, client);
      return { token, session, returnTo: transaction.returnTo };
    } catch (error) {
      await this.#deps.events.emit("sign_in.failed", {
        correlationId,
        client,
        code: error instanceof AppError ? error.code : "request.internal",
        step: error instanceof StepFailed ? error.step : "unexpected",
        userId: typeof callback.tokens?.claims.sub === "string" ? callback.tokens.claims.sub : null,
      });
      throw error;
    }
  }

  /** The callback, in order; each step reads what earlier ones put on the callback. */
  readonly #callbackSteps: readonly Step<Callback>[] = [
    { name: "callback_parameters", run: (c) => checkCallbackShape(c.url, this.#deps.provider.issuer) },
    {
      name: "state",
      run: async (c) => {
        const state = c.url.searchParams.get("state") ?? "";
        c.transaction = await this.#deps.transactions.take(state);
        if (!c.transaction) fail(identityErrors.unknown_state);
      },
    },
    {
      name: "state_fresh",
      run: (c) => {
        if (transactionOf(c).expiresAt <= this.#deps.clock.now()) fail(identityErrors.expired);
      },
    },
    {
      name: "same_browser",
      run: (c) => {
        if (!c.browserToken || digest(c.browserToken) !== transactionOf(c).browserHash)
          fail(identityErrors.wrong_browser);
      },
    },
    { name: "authorization_response", run: (c) => checkAuthorizationError(c.url) },
    {
      name: "token_exchange",
      run: async (c) => {
        const t = transactionOf(c);
        const checks = {
          state: t.state,
          nonce: t.nonce,
          codeVerifier: t.codeVerifier,
          maxAgeSeconds: this.#deps.settings.maxAgeSeconds,
        };
        c.tokens = await this.#deps.provider.exchangeCode(c.url, checks);
      },
    },
    {
      name: "id_token",
      run: async (c) => {
        const claims = tokensOf(c).claims;
        const context = {
          claims,
          expectedNonce: transactionOf(c).nonce,
          policy: this.#deps.settings.idToken,
          now: this.#deps.clock.now(),
        };
        await runSteps(idTokenSteps, context);
      },
    },
    {
      name: "userinfo",
      run: async (c) => {
        c.userInfo = await this.#deps.provider.userInfo(tokensOf(c).accessToken);
      },
    },
    {
      name: "userinfo_subject",
      run: (c) => {
        if (c.userInfo?.sub !== tokensOf(c).claims.sub) fail(identityErrors.userinfo_subject_mismatch);
      },
    },
    {
      name: "role",
      run: (c) => {
        const roles = parseRoles(c.userInfo ?? {});
        c.role = resolveSelectedRole(tokensOf(c).claims.selected_roleid, roles, this.#deps.settings.roles);
      },
    },
  ];

  #sessionInput(
    tokens: { idToken: string; claims: TokenClaims },
    userInfo: TokenClaims,
    role: Session["role"],
    device: Device,
  ) {
    const claims = tokens.claims;
    const amr = Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === "string") : [];
    return {
      user: userFrom(claims.sub as string, userInfo),
      role,
      cis2Sid: claims.sid as string,
      acr: claims.acr as string,
      amr,
      authenticator:
        amr.map((a) => this.#deps.settings.authenticators[a]).find((k) => k !== undefined) ?? "unknown",
      authenticationAssurance: assuranceLevel(claims.authentication_assurance_level) ?? 0,
      authTime: new Date((claims.auth_time as number) * 1000),
      workstationId: device.workstationId,
      deviceProfile: device.profile,
      idToken: tokens.idToken,
    };
  }

  async #emitStarted(
    session: Session,
    purpose: SignInPurpose,
    correlationId: string,
    client: ClientInfo,
  ): Promise<void> {
    await this.#deps.events.emit("session.started", {
      client,
      userId: session.user.id,
      userName: session.user.name,
      roleId: session.role?.roleId ?? null,
      roleCode: session.role?.roleCode ?? null,
      orgCode: session.role?.orgCode ?? null,
      sessionId: session.id,
      workstationId: session.workstationId,
      correlationId,
      authenticator: session.authenticator,
      acr: session.acr,
      deviceProfile: session.deviceProfile,
      purpose,
    });
  }
}

/** What the callback steps learn, in order. */
interface Callback {
  readonly url: URL;
  readonly browserToken: string | undefined;
  transaction?: LoginTransaction | undefined;
  tokens?: CodeExchangeResult;
  userInfo?: TokenClaims;
  role?: Cis2Role;
}

function transactionOf(c: Callback): LoginTransaction {
  if (!c.transaction) throw new Error("state step has not run");
  return c.transaction;
}

function tokensOf(c: Callback): CodeExchangeResult {
  if (!c.tokens) throw new Error("token_exchange step has not run");
  return c.tokens;
}

function fail(definition: (typeof identityErrors)[keyof typeof identityErrors]): never {
  throw new AppError(definition);
}

const PARAM_SHAPE = /^[\x20-\x7e]{1,2048}$/;

/** What an authorization code response never carries: tokens belong to the back channel alone. */
const NEVER_IN_A_CODE_CALLBACK = ["id_token", "access_token", "token", "response"];

/**
 * The callback is the one part of a sign-in anyone can write: it is checked here, before CIS2 is
 * asked anything, so a forged one is a refused sign-in and never looks like CIS2 misbehaving.
 */
function checkCallbackShape(url: URL, issuer: string): void {
  const params = url.searchParams;
  if (NEVER_IN_A_CODE_CALLBACK.some((name) => params.has(name))) fail(identityErrors.invalid_callback);
  const iss = params.getAll("iss");
  if (iss.length > 0 && (iss.length > 1 || iss[0] !== issuer)) fail(identityErrors.callback_issuer);
  for (const name of ["state", "code", "error", "error_description", "iss"]) {
    const values = params.getAll(name);
    if (values.length > 1 || (values[0] !== undefined && !PARAM_SHAPE.test(values[0])))
      fail(identityErrors.invalid_callback);
  }
  if (!params.get("state") || (!params.get("code") && !params.get("error")))
    fail(identityErrors.invalid_callback);
}

function checkAuthorizationError(url: URL): void {
  const error = url.searchParams.get("error");
  if (error) throw new AppError(identityErrors.cis2_refused, { details: { error } });
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim().length > 0 ? value.trim() : undefined;
}

function userFrom(sub: string, info: TokenClaims): SignedInUser {
  const givenName = str(info.given_name);
  const familyName = str(info.family_name);
  const title = str(info.title);
  const email = str(info.email);
  const name =
    str(info.display_name) ?? str(info.name) ?? ([givenName, familyName].filter(Boolean).join(" ") || sub);
  return {
    id: sub,
    name,
    ...(givenName === undefined ? {} : { givenName }),
    ...(familyName === undefined ? {} : { familyName }),
    ...(title === undefined ? {} : { title }),
    ...(email === undefined ? {} : { email }),
  };
}
