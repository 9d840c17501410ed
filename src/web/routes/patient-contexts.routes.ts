/**
 * `POST /api/v1/patient-contexts`: a point-of-care system hands over the patient its user already
 * chose (a FHIR R4 Patient), for the signed-in user's session, and learns whether NCRS can be opened
 * for them at once or the user must confirm first (and where). Called with the system's bearer
 * token, or from the user's browser session with the CSRF token. Refusals are our error JSON, or a
 * FHIR OperationOutcome for a caller that asks for `application/fhir+json`.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { apiAccessErrors } from "../../api-access/api-access.errors.ts";
import { sessionErrors } from "../../identity/identity.errors.ts";
import { handoverErrors } from "../../patients/handover.errors.ts";
import type { PatientHandoverService } from "../../patients/patient-handover.service.ts";
import { AppError } from "../../platform/errors.ts";
import { csrfUnless } from "../../platform/http/csrf-routes.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import type { ContextTokens } from "../context-token.ts";
import { errorResponses } from "../openapi.ts";

export interface PatientContextRouteDeps {
  readonly handover: PatientHandoverService;
  readonly contextTokens: ContextTokens;
  readonly publicUrl: string;
}

interface Body {
  readonly patient: unknown;
  readonly encounter?: { readonly reference: string };
  readonly windowId: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** Who our own pages act as when they hand a patient over through this API. */
export const OWN_CLIENT_ID = "ncrs-connect";

const comparisonRow = {
  type: "object",
  properties: {
    field: { type: "string", enum: ["name", "birthDate", "gender", "address", "gp"] },
    label: { type: "string" },
    sent: { type: "string" },
    pds: { type: "string" },
    comparison: {
      type: "string",
      enum: ["same", "different", "only_local", "only_national", "neither", "restricted"],
    },
    identifying: { type: "boolean" },
  },
  required: ["field", "label", "sent", "pds", "comparison", "identifying"],
} as const;

const answer = {
  type: "object",
  properties: {
    contextId: { type: "string" },
    contextToken: { type: "string", description: "For the embeddable button (context-token attribute)." },
    patientUrl: { type: "string", format: "uri" },
    confirmUrl: { type: "string", format: "uri", description: "Present when mustConfirm is true." },
    mustConfirm: { type: "boolean" },
    launchable: { type: "boolean", description: "Whether POST /api/v1/launches can open NCRS now." },
    verification: {
      type: "object",
      properties: {
        status: {
          type: "string",
          enum: ["verified", "needs_confirmation", "superseded", "invalidated", "not_found", "unavailable"],
        },
        survivingNhsNumber: {
          type: "string",
          description: "For a superseded NHS number: PDS's current one.",
        },
      },
      required: ["status"],
    },
    differences: { type: "array", items: comparisonRow },
  },
  required: [
    "contextId",
    "contextToken",
    "patientUrl",
    "mustConfirm",
    "launchable",
    "verification",
    "differences",
  ],
} as const;

export const patientContextSchema = {
  operationId: "createPatientContext",
  summary: "Hand over the patient the user has open in your system",
  description:
    "Takes a FHIR R4 Patient (NHS number identifier https://fhir.nhs.uk/Id/nhs-number, and your own identifier with its system), finds the patient again by your identifier or adds them, checks them with PDS, and opens a patient context for the user's session bound to your window. The answer says whether NCRS can be opened now (launchable), or the user must confirm first at confirmUrl. Local details are never written over. Send an Idempotency-Key to make a retry safe. A refusal is our error JSON, or a FHIR OperationOutcome when you send Accept: application/fhir+json.",
  tags: ["Patient hand-over"],
  headers: {
    type: "object",
    properties: { "idempotency-key": { type: "string", maxLength: 200 } },
  },
  body: {
    type: "object",
    properties: {
      patient: {
        type: "object",
        description: "A FHIR R4 Patient with the NHS number and your own identifier.",
      },
      encounter: {
        type: "object",
        properties: { reference: { type: "string", minLength: 1, maxLength: 200 } },
        required: ["reference"],
        additionalProperties: false,
      },
      windowId: { type: "string", description: "Your name for the window or tab the patient is open in." },
    },
    required: ["patient", "windowId"],
  },
  response: {
    200: { ...answer, description: "The same request again (same Idempotency-Key): the same answer" },
    201: { ...answer, description: "The patient is in context for the user" },
    ...errorResponses(
      platformErrors.invalid,
      handoverErrors.not_r4_patient,
      handoverErrors.invalid_window,
      sessionErrors.required,
      apiAccessErrors.token_invalid,
      sessionErrors.forbidden,
      apiAccessErrors.insufficient_scope,
      platformErrors.csrf_invalid,
      handoverErrors.identifier_conflict,
      handoverErrors.no_nhs_number,
      handoverErrors.invalid_nhs_number,
      handoverErrors.conflicting_nhs_numbers,
      handoverErrors.no_system_identifier,
      handoverErrors.idempotency_key_reused,
      platformErrors.body_too_large,
      platformErrors.unsupported_media_type,
    ),
  },
};

export async function patientContextRoutes(
  app: FastifyInstance,
  deps: PatientContextRouteDeps,
): Promise<void> {
  // FHIR clients send their resources as application/fhir+json; it is JSON all the same.
  app.addContentTypeParser(
    "application/fhir+json",
    { parseAs: "string" },
    app.getDefaultJsonParser("error", "error"),
  );

  app.post<{ Body: Body }>(
    "/api/v1/patient-contexts",
    {
      config: { access: "clinical", json: true, bearer: "patient-context" },
      // Before the body is validated: a post without the token learns nothing of what we accept.
      preValidation: csrfUnless(app, (request) => Boolean(request.apiClientId)),
      schema: patientContextSchema,
    },
    async (request, reply) => {
      const session = request.session;
      if (!session) throw new Error("route requires a session");
      const result = await deps.handover.receive(session, {
        patient: request.body.patient,
        encounter: request.body.encounter?.reference ?? null,
        windowId: request.body.windowId,
        clientId: request.apiClientId ?? OWN_CLIENT_ID,
        source: request.apiClientId ? "api" : "ui",
        idempotencyKey: idempotencyKeyOf(request),
        correlationId: request.correlationId,
      });
      const context = `${deps.publicUrl}/patient-context/${result.contextId}`;
      return reply.code(result.replayed ? 200 : 201).send({
        contextId: result.contextId,
        contextToken: deps.contextTokens.issue(session, result.contextId),
        patientUrl: context,
        ...(result.mustConfirm && result.checkId
          ? { confirmUrl: `${context}/checks/${result.checkId}` }
          : {}),
        mustConfirm: result.mustConfirm,
        launchable: result.launchable,
        verification: {
          status: result.status,
          ...(result.survivingNhsNumber ? { survivingNhsNumber: result.survivingNhsNumber } : {}),
        },
        differences: result.differences,
      });
    },
  );
}

function idempotencyKeyOf(request: FastifyRequest): string | null {
  const key = request.headers["idempotency-key"];
  if (key === undefined) return null;
  if (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))
    throw new AppError(platformErrors.invalid, {
      details: { problem: "Idempotency-Key: 1 to 200 visible characters" },
    });
  return key;
}
