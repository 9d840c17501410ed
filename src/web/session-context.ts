/**
 * Who is asking: resolves the session cookie on every request (ending expired sessions), records
 * activity at a bounded rate, and enforces each route's declared access level in one place.
 * Routes declare `config.access`; a route that declares nothing is treated as needing a session.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { apiAccessErrors } from "../api-access/api-access.errors.ts";
import type { TokenHolder } from "../api-access/api-access.ports.ts";
import type { ApiScope } from "../api-access/api-access.types.ts";
import { sessionErrors } from "../identity/identity.errors.ts";
import type { Session } from "../identity/identity.types.ts";
import { permissionsOf, type RolePolicy } from "../identity/roles.ts";
import type { SessionService } from "../identity/session.service.ts";
import { AppError } from "../platform/errors.ts";
import { wantsJson } from "../platform/http/error-handler.ts";
import { STATIC_PREFIXES } from "../platform/http/security.ts";

/**
 * Who may use a route: anyone; anyone, as a step of signing in; a signed-in user; one whose role
 * may use the clinical pages; one whose role may administer.
 */
export type Access = "public" | "sign_in" | "signed_in" | "clinical" | "admin";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    /** false for requests that must not count as activity (e.g. the idle-timer's status poll). */
    touch?: boolean;
    /**
     * An API client's bearer token may stand in for the session cookie (JSON API routes only), if
     * it holds this scope (`true` means "launch", the scope every token had before scopes).
     */
    bearer?: true | ApiScope;
  }
  interface FastifyRequest {
    session: Session | null;
    /** When the active session will expire for inactivity. */
    idleExpiresAt: Date | null;
    /** Why the session this browser presented is no longer usable. */
    signedOutReason: string | null;
    /** The API client acting for the session, when the request came with its bearer token. */
    apiClientId: string | null;
  }
}

export interface CookieNames {
  readonly session: string;
  readonly signIn: string;
  readonly device: string;
  /** The state of a log-out's round trip through CIS2's end-session endpoint. */
  readonly logoutState: string;
}

export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? "__Host-" : "";
  return {
    session: `${prefix}ncrs_session`,
    signIn: `${prefix}ncrs_signin`,
    device: `${prefix}ncrs_device`,
    logoutState: `${prefix}ncrs_logout`,
  };
}

export interface SessionContextDeps {
  readonly sessions: SessionService;
  readonly cookies: CookieNames;
  readonly secureCookies: boolean;
  readonly rolePolicy: RolePolicy;
  /** The session a bearer token acts for; throws an AppError when the token is not valid. */
  readonly bearer?: (token: string) => Promise<TokenHolder>;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

export function registerSessionContext(app: FastifyInstance, deps: SessionContextDeps): void {
  app.decorateRequest("session", null);
  app.decorateRequest("idleExpiresAt", null);
  app.decorateRequest("signedOutReason", null);
  app.decorateRequest("apiClientId", null);

  app.addHook("onRequest", async (request, reply) => {
    if (STATIC_PREFIXES.some((p) => request.url.startsWith(p))) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined && request.routeOptions.config?.bearer && deps.bearer) {
      // Acting for the user is not the user's activity: the session is not touched.
      reply.header("www-authenticate", 'Bearer error="invalid_token"');
      const token = BEARER.exec(authorization)?.[1];
      if (!token) throw new AppError(apiAccessErrors.token_invalid);
      const { session, clientId, scopes } = await deps.bearer(token);
      const needed =
        request.routeOptions.config.bearer === true ? "launch" : request.routeOptions.config.bearer;
      if (!scopes.includes(needed)) {
        reply.header("www-authenticate", `Bearer error="insufficient_scope", scope="${needed}"`);
        throw new AppError(apiAccessErrors.insufficient_scope, { details: { scope: needed } });
      }
      reply.removeHeader("www-authenticate");
      request.session = session;
      request.apiClientId = clientId;
      return;
    }
    const resolved = await deps.sessions.resolve(
      request.cookies[deps.cookies.session],
      request.correlationId,
    );
    if (resolved.kind === "active") {
      request.session = resolved.session;
      request.idleExpiresAt =
        request.routeOptions.config?.touch === false
          ? resolved.idleExpiresAt
          : await deps.sessions.touch(resolved.session);
    } else if (resolved.kind === "inactive") {
      request.signedOutReason = resolved.reason;
      // Ended because of a newer sign-in, which may be in this same browser and have set the newer
      // cookie already: a late request from an old tab must not erase it (the newer sign-in's own
      // cookie replaces the old one anyway). Any other ended session is cleared.
      if (!ENDED_BY_NEWER_SIGN_IN.has(resolved.reason))
        reply.clearCookie(deps.cookies.session, { path: "/" });
    }
  });

  app.addHook("preHandler", async (request, reply) => enforceAccess(request, reply, deps.rolePolicy));
}

const ENDED_BY_NEWER_SIGN_IN: ReadonlySet<string> = new Set(["replaced", "signed_in_elsewhere"]);

function startPageRedirect(request: FastifyRequest, reply: FastifyReply) {
  const query = new URLSearchParams({ return_to: request.url });
  if (request.signedOutReason) query.set("signed_out", request.signedOutReason);
  return reply.redirect(`/?${query.toString()}`, 303);
}

async function enforceAccess(request: FastifyRequest, reply: FastifyReply, policy: RolePolicy) {
  const access =
    request.routeOptions.config?.access ?? (request.routeOptions.url === undefined ? "public" : "signed_in");
  const browsing = request.method === "GET" && !wantsJson(request);
  // A tab whose session has just ended lands on the start page, which says why, whatever it asked
  // for (except a step of signing in again).
  if (request.signedOutReason && browsing && access !== "sign_in" && request.routeOptions.url !== "/") {
    return startPageRedirect(request, reply);
  }
  if (access === "public" || access === "sign_in") return;
  if (!request.session) {
    if (!browsing) throw new AppError(sessionErrors.required);
    return startPageRedirect(request, reply);
  }
  const can = permissionsOf(request.session.role, policy);
  if ((access === "clinical" && !can.clinical) || (access === "admin" && !can.admin))
    throw new AppError(sessionErrors.forbidden);
}
