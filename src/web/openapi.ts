/** The OpenAPI description of the HTTP API for other point-of-care systems, served at /api/v1/openapi.json. */

const error = {
  type: "object",
  required: ["error", "correlationId"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable error code, e.g. launch.unverified" },
        message: { type: "string" },
        step: { type: "string", description: "The launch check that failed" },
      },
    },
    correlationId: { type: "string" },
  },
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "NCRS Connect API",
    version: "1.0.0",
    description:
      "Open a patient's record in the National Care Records Service (NCRS) for a signed-in user, with the same checks and audit as the \"Open in NCRS\" button. Calls are made either in the user's browser session (session cookie plus the CSRF token from any page, in the `X-CSRF-Token` header) or by a registered point-of-care system acting for the user, with a bearer token from OAuth 2.0's authorization code grant with PKCE (`/oauth/authorize` in the user's browser, then `/oauth/token` with the system's client secret). A token lasts `API_TOKEN_TTL_SECONDS` and stops working when the user's session ends.",
  },
  servers: [{ url: "/api/v1" }],
  paths: {
    "/launches": {
      post: {
        operationId: "createLaunch",
        summary: "Check and record a launch; get the NCRS URL to open",
        description:
          "Runs every launch check (session, role, current patient context for this session and tab, verified NHS number, not a duplicate), durably audits the launch, and returns the NCRS deep link to open in a new tab. Any failed check returns an error with the check's code and is audited too.",
        security: [{ session: [], csrf: [] }, { pointOfCareSystem: [] }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["patientContextId"],
                additionalProperties: false,
                properties: {
                  patientContextId: {
                    type: "string",
                    pattern: "^[A-Za-z0-9_-]{16,64}$",
                    description: "The patient context made when the user selected the patient",
                  },
                  encounterId: {
                    type: "string",
                    maxLength: 64,
                    pattern: "^[A-Za-z0-9._:-]+$",
                    description: "Optional encounter reference recorded with the launch",
                  },
                },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "Launch recorded; open `launchUrl` in a new tab",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["launchUrl", "launchRef"],
                  properties: {
                    launchUrl: { type: "string", format: "uri" },
                    launchRef: { type: "string", format: "uuid" },
                  },
                },
              },
            },
          },
          "400": errorResponse("The request body is not valid"),
          "401": errorResponse(
            "No live session (launch.no_session), or the bearer token is not valid (api_access.token_invalid)",
          ),
          "403": errorResponse("The role cannot launch, or the CSRF token is missing or wrong"),
          "404": errorResponse("Unknown patient context"),
          "409": errorResponse("A check failed: stale context, unverified or invalid NHS number, duplicate"),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      session: {
        type: "apiKey",
        in: "cookie",
        name: "ncrs_session",
        description: "The signed-in user's session (__Host-ncrs_session over https)",
      },
      csrf: { type: "apiKey", in: "header", name: "X-CSRF-Token" },
      pointOfCareSystem: {
        type: "oauth2",
        description:
          "A registered system (API_CLIENTS) acting for the signed-in user: confidential client (client_secret_basic or client_secret_post), PKCE S256 required.",
        flows: {
          authorizationCode: {
            authorizationUrl: "/oauth/authorize",
            tokenUrl: "/oauth/token",
            scopes: {},
          },
        },
      },
    },
    schemas: { Error: error },
  },
} as const;
