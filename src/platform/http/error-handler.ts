/**
 * The one place errors become responses. Catalogue errors keep their status and safe message;
 * framework errors (validation, body size, CSRF, rate limit) are mapped into the catalogue; anything
 * else is a 500 with no detail. People get a page, API clients JSON; both carry the code and the
 * correlation id, and every error is logged once with its cause.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type ErrorDefinition } from "../errors.ts";
import { platformErrors } from "../platform.errors.ts";
import { StepFailed } from "../steps.ts";

export interface ErrorView {
  readonly definition: ErrorDefinition;
  readonly correlationId: string;
  /** The error's safe-to-disclose details, for pages that show some of them. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

export type ErrorPageRenderer = (
  request: FastifyRequest,
  reply: FastifyReply,
  view: ErrorView,
) => Promise<string>;

const FRAMEWORK_ERRORS: Readonly<Record<string, ErrorDefinition>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: platformErrors.body_too_large,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: platformErrors.unsupported_media_type,
  FST_ERR_CTP_EMPTY_JSON_BODY: platformErrors.invalid,
  FST_ERR_CTP_INVALID_JSON_BODY: platformErrors.invalid,
  FST_CSRF_INVALID_TOKEN: platformErrors.csrf_invalid,
  FST_CSRF_MISSING_SECRET: platformErrors.csrf_invalid,
  FST_ERR_VALIDATION: platformErrors.invalid,
};

/**
 * What a plugin's status means, when it gives no code we know. The static files plugin answers 403
 * for a path it will not serve (`..`, a NUL byte): to the caller there is no such file.
 */
const BY_STATUS: Readonly<Record<number, ErrorDefinition>> = {
  400: platformErrors.invalid,
  403: platformErrors.not_found,
  404: platformErrors.not_found,
  405: platformErrors.method_not_allowed,
  413: platformErrors.body_too_large,
  415: platformErrors.unsupported_media_type,
  429: platformErrors.rate_limited,
};

/** Turns anything thrown into a catalogue error. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as Partial<FastifyError> & { validation?: unknown };
  const known = e.code ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (known) return new AppError(known, { cause: error });
  if (e.validation)
    return new AppError(platformErrors.invalid, { cause: error, details: { problem: e.message } });
  const byStatus = e.statusCode === undefined ? undefined : BY_STATUS[e.statusCode];
  if (byStatus) return new AppError(byStatus, { cause: error });
  // Any other refusal a plugin makes of the request itself (4xx) is the request's fault, never ours.
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
    return new AppError(platformErrors.invalid, { cause: error });
  return new AppError(platformErrors.internal, { cause: error });
}

/** Whether the caller wants JSON: API routes, or clients that do not ask for HTML. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.json === true) return true;
  const accept = request.headers.accept ?? "";
  return !accept.includes("text/html") && (accept.includes("json") || accept === "" || accept === "*/*");
}

/** Whether the caller asked for FHIR (a FHIR client sends Accept: application/fhir+json). */
export function wantsFhir(request: FastifyRequest): boolean {
  return (request.headers.accept ?? "").includes("application/fhir+json");
}

/** FHIR's issue type for each status we refuse with. */
const FHIR_ISSUE_CODES: Readonly<Record<number, string>> = {
  400: "invalid",
  401: "login",
  403: "forbidden",
  404: "not-found",
  405: "not-supported",
  409: "conflict",
  413: "too-costly",
  415: "not-supported",
  422: "processing",
  429: "throttled",
};

/** The refusal as a FHIR R4 OperationOutcome: our stable code in `details`, the reference too. */
export function operationOutcomeOf(error: AppError, correlationId: string) {
  const path = error.details?.["path"];
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: error.status >= 500 ? "fatal" : "error",
        code: FHIR_ISSUE_CODES[error.status] ?? (error.status >= 500 ? "transient" : "invalid"),
        details: {
          coding: [{ system: ERROR_CODE_SYSTEM, code: error.code, display: error.definition.title }],
          text: error.definition.message,
        },
        diagnostics: `correlationId ${correlationId}`,
        ...(typeof path === "string" ? { expression: [path] } : {}),
      },
    ],
  };
}

/** Where our error codes are defined, as a FHIR coding system. */
export const ERROR_CODE_SYSTEM = "urn:ncrs-connect:error-code";

export function registerErrorHandling(app: FastifyInstance, renderPage: ErrorPageRenderer): void {
  app.setErrorHandler(async (error, request, reply) => {
    const appError = toAppError(error);
    logError(request, appError);
    return sendError(request, reply, appError, renderPage);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const appError = new AppError(platformErrors.not_found);
    request.log.info({ code: appError.code }, "no route");
    return sendError(request, reply, appError, renderPage);
  });
}

function logError(request: FastifyRequest, error: AppError): void {
  const entry = {
    code: error.code,
    status: error.status,
    ...(error instanceof StepFailed ? { step: error.step } : {}),
    ...(error.details === undefined ? {} : { details: error.details }),
    ...(error.cause === undefined ? {} : { err: error.cause }),
  };
  if (error.status >= 500) request.log.error(entry, error.definition.title);
  else request.log.warn(entry, error.definition.title);
}

async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  renderPage: ErrorPageRenderer,
) {
  const correlationId = request.correlationId;
  reply.code(error.status).header("cache-control", "no-store");
  if (error.status === 429 && !reply.hasHeader("retry-after")) reply.header("retry-after", "60");
  if (wantsFhir(request)) {
    // Not the route's JSON error schema: a FHIR resource has its own shape.
    return reply
      .type("application/fhir+json")
      .serializer((payload) => JSON.stringify(payload))
      .send(operationOutcomeOf(error, correlationId));
  }
  if (wantsJson(request)) {
    return reply.type("application/json").send({
      error: { code: error.code, message: error.definition.message, ...(error.details ?? {}) },
      correlationId,
    });
  }
  let html: string;
  try {
    html = await renderPage(request, reply, {
      definition: error.definition,
      correlationId,
      details: error.details,
    });
  } catch (renderError) {
    request.log.error({ err: renderError }, "error page could not be rendered");
    html = plainErrorPage(error.definition, correlationId);
  }
  return reply.type("text/html; charset=utf-8").send(html);
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** Used only when the templated error page itself fails. */
function plainErrorPage(definition: ErrorDefinition, correlationId: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(definition.title)}</title></head><body><main><h1>${escapeHtml(definition.title)}</h1><p>${escapeHtml(definition.message)}</p><p>Error code ${escapeHtml(definition.code)}, reference ${escapeHtml(correlationId)}</p></main></body></html>`;
}
