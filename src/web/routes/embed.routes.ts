/**
 * The embeddable "Open in NCRS" button (docs/guides/embedding-the-button.md). A point-of-care
 * system's page loads our ES module (immutable, versioned by path, with the integrity hash published
 * in the manifest) and shows `<ncrs-open-button>` with the context token it was given for the
 * patient it handed over. The click posts the token here from the host's page, a top-level cross-site
 * POST that carries no SameSite=Lax session cookie: so the POST only opens the token and redirects,
 * on our origin, to a short-lived reference that a top-level GET (which does carry the cookie) acts
 * on. That GET launches, with the same checks and audit as our own button, only when the browser's
 * session is the one the token was given for.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Session } from "../../identity/identity.types.ts";
import { launchErrors } from "../../launch/launch.errors.ts";
import type { LaunchService } from "../../launch/launch.service.ts";
import { effectiveVerification } from "../../patients/patient.types.ts";
import type { PatientContextService } from "../../patients/patient-context.service.ts";
import type { Clock } from "../../platform/clock.ts";
import { AppError, defineErrors, type ErrorDefinition } from "../../platform/errors.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import type { SealedTokens } from "../../platform/sealed-token.ts";
import { StepFailed } from "../../platform/steps.ts";
import type { AnonymousLimit } from "../anonymous-limit.ts";
import { clientOf } from "../client-of.ts";
import type { ContextReference, ContextTokens } from "../context-token.ts";

export const EMBED_MODULE_PATH = "/embed/v1/ncrs-open-button.js";
const MODULE_FILE = new URL("../static/embed/v1/ncrs-open-button.js", import.meta.url);
const SETTINGS_LINE = 'const SETTINGS = { windowName: "ncrs", reuseTab: true };';
/** The open reference lives just long enough for the browser to follow the redirect. */
const OPEN_TTL_MS = 60_000;
const OPEN_HOLDER = "embed-open";

export const embedErrors = defineErrors("embed", {
  token_invalid: {
    status: 400,
    title: "NCRS was not opened: this button is not valid",
    message:
      "The button on your system's page did not carry a patient NCRS Connect gave it, or its sign-in has ended.",
    next: 'Close this tab, open the patient again in your system, then use its "Open in NCRS" button.',
  },
  link_expired: {
    status: 404,
    title: "NCRS was not opened: the link has expired",
    message:
      "The link from your system's button to NCRS Connect is only good for a minute, and it was not used in time.",
    next: 'Close this tab and use the "Open in NCRS" button in your system again.',
  },
  other_session: {
    status: 403,
    title: "This button belongs to another sign-in",
    message:
      "Your system's page was given this button for another person's NCRS Connect sign-in, so NCRS was not opened.",
    next: "Close this tab. Make sure you are the person signed in to your system, then open the patient again there.",
  },
});

export interface EmbedRoutesDeps {
  readonly contextTokens: ContextTokens;
  /** Seals the short-lived reference the POST redirects to (purpose "embed-open"). */
  readonly openTokens: SealedTokens;
  readonly launches: LaunchService;
  readonly contexts: PatientContextService;
  readonly clock: Clock;
  readonly verificationStaleSeconds: number;
  /** The NCRS tab's name (NCRS_WINDOW_NAME) and whether launches reuse it (NCRS_TAB_REUSE), as our own button does. */
  readonly windowName: string;
  readonly reuseTab: boolean;
  /** Whether another session (the one a button was given for) was this session's user's. */
  readonly sameUser: (session: Session, otherSessionId: string) => Promise<boolean>;
  /** Posts of bad tokens come with no session: limited per address, as anonymous launch presses are. */
  readonly anonymous: AnonymousLimit;
}

/** The module as served: the file with this deployment's window settings written in. */
export function embedModule(windowName: string, reuseTab: boolean): Buffer {
  const source = readFileSync(MODULE_FILE, "utf8");
  if (!source.includes(SETTINGS_LINE)) throw new Error(`${MODULE_FILE.pathname} lacks its settings line`);
  return Buffer.from(
    source.replace(SETTINGS_LINE, `const SETTINGS = ${JSON.stringify({ windowName, reuseTab })};`),
    "utf8",
  );
}

/** The Subresource Integrity value of these bytes. */
export function integrityOf(bytes: Buffer): string {
  return `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
}

export async function embedRoutes(app: FastifyInstance, deps: EmbedRoutesDeps): Promise<void> {
  const module = embedModule(deps.windowName, deps.reuseTab);
  const manifest = JSON.stringify({
    "ncrs-open-button.js": { url: EMBED_MODULE_PATH, integrity: integrityOf(module) },
  });
  const asset = { config: { access: "public" as const, touch: false } };

  // Loaded by other sites' pages as a module script (crossorigin="anonymous"): CORS and CORP allow it.
  const shared = (reply: FastifyReply) =>
    reply
      .header("access-control-allow-origin", "*")
      .header("cross-origin-resource-policy", "cross-origin")
      .header("x-content-type-options", "nosniff");

  app.get(EMBED_MODULE_PATH, asset, async (_request, reply) =>
    shared(reply)
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(module),
  );

  // The manifest changes with a deployment's settings (and a v2), so it is kept only briefly.
  app.get("/embed/v1/manifest.json", asset, async (_request, reply) =>
    shared(reply)
      .type("application/json; charset=utf-8")
      .header("cache-control", "public, max-age=300")
      .send(manifest),
  );

  app.post<{ Body: { context_token?: unknown } }>(
    "/embed/v1/launch",
    {
      config: {
        access: "public",
        csrfExempt:
          "a cross-site form post from the host page (it carries no session cookie): it changes nothing and only redirects to a short-lived reference, which acts only in the session the context token was given for",
      },
    },
    async (request, reply) => {
      const reference = deps.contextTokens.open(request.body?.context_token, deps.clock.now());
      if (!reference) {
        if (!deps.anonymous.limiter.hit(request.ip)) {
          deps.anonymous.limited();
          throw new AppError(platformErrors.rate_limited);
        }
        request.log.warn(
          { code: embedErrors.token_invalid.code },
          "embed launch refused: context token not valid",
        );
        return refusal(request, tabHeaders(reply, deps), embedErrors.token_invalid);
      }
      const open = deps.openTokens.seal(
        JSON.stringify({ c: reference.contextId, s: reference.sessionId }),
        OPEN_HOLDER,
        new Date(deps.clock.now().getTime() + OPEN_TTL_MS),
      );
      request.log.info("embed launch: on to our origin");
      return tabHeaders(reply, deps).redirect(`/embed/v1/open?${new URLSearchParams({ t: open })}`, 303);
    },
  );

  app.get<{ Querystring: { t?: string } }>(
    "/embed/v1/open",
    { config: { access: "public" } },
    async (request, reply) => {
      const session = request.session;
      if (!session) {
        // Signing in first comes back here, in the same tab, with the same reference.
        const back = `/embed/v1/open?${new URLSearchParams({ t: String(request.query.t ?? "") })}`;
        return reply.redirect(`/auth/login?${new URLSearchParams({ return_to: back })}`, 303);
      }
      const reference = openReference(deps, request.query.t);
      if (!reference) {
        request.log.warn(
          { code: embedErrors.link_expired.code },
          "embed launch refused: open link not valid",
        );
        return refusal(request, tabHeaders(reply, deps), embedErrors.link_expired);
      }
      if (reference.sessionId !== session.id) {
        // The same user signed in again (after their session ended): back to the patient through
        // our "continue where you left off" confirmation step, never straight to NCRS.
        if (await deps.sameUser(session, reference.sessionId)) {
          request.log.info("embed launch: button of this user's earlier sign-in, to the patient page");
          return tabHeaders(reply, deps).redirect(`/patient-context/${reference.contextId}`, 303);
        }
        return otherSession(request, reply, deps, session, reference);
      }
      return launch(request, reply, deps, session, reference.contextId);
    },
  );
}

function openReference(deps: EmbedRoutesDeps, token: unknown): ContextReference | null {
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]{20,600}$/.test(token)) return null;
  const text = deps.openTokens.open(token, OPEN_HOLDER, deps.clock.now());
  if (text === undefined) return null;
  const { c, s } = JSON.parse(text) as { c?: unknown; s?: unknown };
  return typeof c === "string" && typeof s === "string" ? { contextId: c, sessionId: s } : null;
}

/**
 * A button given for another user's session (a shared workstation): the attempt goes through the launch checks, which refuse a context of another session
 * and record the blocked launch as this user's, and the page says what happened.
 */
async function otherSession(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: EmbedRoutesDeps,
  session: Session,
  reference: ContextReference,
) {
  try {
    await deps.launches.launchNow(
      session,
      reference.contextId,
      null,
      request.correlationId,
      clientOf(request),
      null,
      "embed",
    );
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
  }
  request.log.warn(
    { code: embedErrors.other_session.code },
    "embed launch refused: button of another session",
  );
  return refusal(request, tabHeaders(reply, deps), embedErrors.other_session);
}

async function launch(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: EmbedRoutesDeps,
  session: Session,
  contextId: string,
) {
  const patientPage = `/patient-context/${contextId}`;
  const resolved = await deps.contexts.resolve(session, contextId);
  const verification = effectiveVerification(
    resolved.patient.verification,
    deps.clock.now(),
    deps.verificationStaleSeconds,
  );
  // Not yet confirmed: our patient page, where the user checks the details with PDS first.
  if (resolved.kind === "current" && verification.status !== "verified") {
    request.log.info("embed launch: patient to be confirmed first");
    return tabHeaders(reply, deps).redirect(patientPage, 303);
  }
  try {
    const result = await deps.launches.launchNow(
      session,
      contextId,
      null,
      request.correlationId,
      clientOf(request),
      null,
      "embed",
    );
    request.log.info({ launchRef: result.ref, replay: result.replay }, "embed launch redirected to NCRS");
    return tabHeaders(reply, deps).header("referrer-policy", "no-referrer").redirect(result.url, 303);
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    request.log.warn({ code: error.code, step: error.step }, "embed launch refused");
    // A stale button (another patient handed over since in the same window, or the selection
    // expired): the patient page says so, recorded as a blocked launch by the checks.
    if (error.definition === launchErrors.stale_context)
      return tabHeaders(reply, deps).redirect(patientPage, 303);
    return refusal(request, tabHeaders(reply, deps), error.definition);
  }
}

/** Pages and redirects shown in the NCRS tab leave it reusable for the next launch (see ADR 10). */
function tabHeaders(reply: FastifyReply, deps: Pick<EmbedRoutesDeps, "reuseTab">): FastifyReply {
  if (deps.reuseTab) reply.header("cross-origin-opener-policy", "unsafe-none");
  return reply;
}

function refusal(request: FastifyRequest, reply: FastifyReply, definition: ErrorDefinition) {
  reply.code(definition.status).header("cache-control", "no-store");
  return reply.page("error", { error: definition, correlationId: request.correlationId });
}
