/**
 * Sign-in, change of role and log-out with CIS2, plus CIS2's back-channel logout. Handlers are
 * thin: parse, call one service, map the result to a redirect or a response.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BackchannelLogoutService } from "../../identity/backchannel-logout.service.ts";
import type { LogoutService } from "../../identity/logout.service.ts";
import type { SessionService } from "../../identity/session.service.ts";
import { type SignInPurpose, type SignInService, safeReturnPath } from "../../identity/sign-in.service.ts";
import type { WorkstationService } from "../../identity/workstation.service.ts";
import { AppError } from "../../platform/errors.ts";
import { csrfUnless } from "../../platform/http/csrf-routes.ts";
import { randomToken } from "../../platform/secrets.ts";
import { clientOf } from "../client-of.ts";
import { CHANGE_ROLE_PATH } from "../error-page.ts";
import type { CookieNames } from "../session-context.ts";

export interface AuthRoutesDeps {
  readonly signIn: SignInService;
  readonly logout: LogoutService;
  readonly sessions: SessionService;
  readonly backchannel: BackchannelLogoutService;
  readonly workstations: WorkstationService;
  readonly cookies: CookieNames;
  readonly secureCookies: boolean;
  readonly publicUrl: string;
  readonly signInTtlSeconds: number;
  readonly signInRateLimit: number;
  readonly logoutRateLimit: number;
}

type ReturnQuery = { Querystring: { return_to?: string } };

/** Where a change of role lands: the home page, which says which role is now in use. */
const ROLE_CHANGED_PATH = "/home?role_changed=1";

/** How long a log-out's round trip through CIS2 may take. */
const LOGOUT_STATE_SECONDS = 600;

export async function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): Promise<void> {
  const signInLimit = { rateLimit: { max: deps.signInRateLimit, timeWindow: "1 minute" } };
  const logoutLimit = { rateLimit: { max: deps.logoutRateLimit, timeWindow: "1 minute" } };
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "lax", secure: deps.secureCookies } as const;

  async function beginSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    purpose: SignInPurpose,
    returnTo: string | null,
  ) {
    // One binding token per browser: the callback must arrive in the browser that started it.
    let browserToken = request.cookies[deps.cookies.signIn];
    if (!browserToken || browserToken.length < 32) browserToken = randomToken();
    reply.setCookie(deps.cookies.signIn, browserToken, { ...cookieOptions, maxAge: deps.signInTtlSeconds });
    const url = await deps.signIn.start(purpose, browserToken, returnTo, request.correlationId);
    return reply.redirect(url.href, 303);
  }

  app.get<ReturnQuery>(
    "/auth/login",
    { config: { access: "sign_in", ...signInLimit } },
    async (request, reply) => beginSignIn(request, reply, "sign_in", safeReturnPath(request.query.return_to)),
  );

  // Also offered when a sign-in was refused for its role, so no session is needed: CIS2 asks again.
  app.get<ReturnQuery>(
    CHANGE_ROLE_PATH,
    { config: { access: "sign_in", ...signInLimit } },
    async (request, reply) =>
      beginSignIn(
        request,
        reply,
        "change_role",
        safeReturnPath(request.query.return_to) ?? ROLE_CHANGED_PATH,
      ),
  );

  app.get("/auth/callback", { config: { access: "sign_in", ...signInLimit } }, async (request, reply) => {
    const callbackUrl = new URL(request.url, deps.publicUrl);
    const device = await deps.workstations.identify(request.cookies[deps.cookies.device]);
    const completed = await deps.signIn.complete(
      callbackUrl,
      request.cookies[deps.cookies.signIn],
      { workstationId: device.workstation?.id ?? null, profile: device.profile },
      request.correlationId,
      clientOf(request),
    );
    // A sign-in (or change of role) in a browser that already had a session replaces it.
    if (request.session) await deps.sessions.end(request.session, "replaced", request.correlationId);
    // The binding cookie stays until it expires: another tab of this browser may still be signing in.
    reply.setCookie(deps.cookies.session, completed.token, cookieOptions);
    return reply.redirect(completed.returnTo ?? "/home", 303);
  });

  // Logging out of a session that has already ended needs no token: there is nothing left to protect.
  const csrfIfSignedIn = csrfUnless(app, (request) => request.session === null);

  app.post(
    "/auth/logout",
    { config: { access: "public", ...logoutLimit }, preHandler: csrfIfSignedIn },
    async (request, reply) => {
      reply.clearCookie(deps.cookies.session, { path: "/" });
      if (!request.session) return reply.redirect("/?signed_out=logout", 303);
      const state = randomToken();
      const result = await deps.logout.logOut(request.session, state, request.correlationId);
      if (result.kind === "cis2") {
        // CIS2 sends the browser back to /auth/logged-out with this state.
        reply.setCookie(deps.cookies.logoutState, state, { ...cookieOptions, maxAge: LOGOUT_STATE_SECONDS });
        return reply.redirect(result.url.href, 303);
      }
      if (result.kind === "cis2_unreached")
        request.log.warn("CIS2 could not be reached to end its session at log-out");
      return reply.redirect(
        `/?signed_out=${result.kind === "local" ? "logout" : "logout_cis2_unreached"}`,
        303,
      );
    },
  );

  // Back from CIS2's end-session endpoint: we were signed out before going there, whatever CIS2
  // did; a state that does not match is logged (someone sent the browser here) and changes nothing.
  app.get<{ Querystring: { state?: string } }>(
    "/auth/logged-out",
    {
      config: { access: "sign_in" },
      schema: { querystring: { type: "object", properties: { state: { type: "string", maxLength: 200 } } } },
    },
    async (request, reply) => {
      const expected = request.cookies[deps.cookies.logoutState];
      if (!expected || request.query.state !== expected)
        request.log.warn("back from CIS2's end-session endpoint with a state we did not send");
      reply.clearCookie(deps.cookies.logoutState, { path: "/" });
      return reply.redirect("/?signed_out=logout", 303);
    },
  );

  app.post<{ Body: { logout_token?: unknown } }>(
    "/auth/backchannel-logout",
    {
      config: {
        access: "public",
        json: true,
        ...logoutLimit,
        csrfExempt:
          "CIS2 calls it server to server; the signed logout token is the credential, and no cookie is read",
      },
    },
    async (request, reply) => {
      try {
        await deps.backchannel.handle(request.body?.logout_token, request.correlationId);
        return reply.code(200).send();
      } catch (error) {
        if (!(error instanceof AppError) || (error.status >= 500 && error.status !== 501)) throw error;
        request.log.warn({ code: error.code }, "back-channel logout refused");
        // OIDC Back-Channel Logout: 400 with an OAuth-style body when invalid; 501 for an unknown sid.
        const body = {
          error: error.status === 501 ? "unknown_session" : "invalid_request",
          error_description: error.definition.message,
          code: error.code,
        };
        return reply.code(error.status).send(body);
      }
    },
  );
}
