/**
 * OAuth 2.0 for point-of-care systems acting for a signed-in user (RFC 6749 with PKCE, RFC 7636):
 * `GET /oauth/authorize` runs in the user's browser with their session and sends it back to the
 * system with a code; `POST /oauth/token` gives the system's server a bearer token for the code.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { Type } from "typebox";
import { apiAccessErrors, TokenError } from "../../api-access/api-access.errors.ts";
import type { ApiAccessService, ClientCredentials } from "../../api-access/api-access.service.ts";
import { sessionErrors } from "../../identity/identity.errors.ts";
import { platformErrors } from "../../platform/platform.errors.ts";
import { errorBody, errorResponses } from "../openapi.ts";

type Params = Record<string, string | undefined>;

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Client credentials from HTTP Basic (client_secret_basic) or the form (client_secret_post). */
function credentialsOf(authorization: string | undefined, body: Params): ClientCredentials {
  const basic = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(authorization ?? "")?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    // RFC 6749 §2.3.1: both parts form-encoded; a malformed one authenticates nobody.
    if (colon > 0)
      return {
        clientId: formDecoded(decoded.slice(0, colon)),
        clientSecret: formDecoded(decoded.slice(colon + 1)),
      };
    return { clientId: undefined, clientSecret: undefined };
  }
  return { clientId: body["client_id"], clientSecret: body["client_secret"] };
}

function formDecoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}

const optional = (description: string) => Type.Optional(Type.String({ description }));

const AuthorizeQuery = Type.Object({
  response_type: optional("`code`"),
  client_id: optional("The system's registered client id"),
  redirect_uri: optional("One of the system's registered redirect URIs, exactly"),
  code_challenge: optional("PKCE: BASE64URL(SHA-256(code_verifier)), 43 characters"),
  code_challenge_method: optional("`S256`"),
  state: optional("Sent back unchanged with the code (up to 512 URL-safe characters)"),
  scope: optional(
    "Space-separated: `launch`, `patient-context`; all the system is registered for when absent (others: `invalid_scope`)",
  ),
});

const TokenRequest = Type.Object({
  grant_type: optional("`authorization_code`"),
  code: optional("The code from the redirect"),
  redirect_uri: optional("The redirect URI the code was sent to"),
  code_verifier: optional("PKCE: the verifier whose challenge was sent to /oauth/authorize"),
  client_id: optional("client_secret_post: the client id (or use HTTP Basic)"),
  client_secret: optional("client_secret_post: the client secret (or use HTTP Basic)"),
});

const Issued = Type.Object(
  {
    access_token: Type.String({
      description: "Send as `Authorization: Bearer <token>` to the API routes its scopes allow",
    }),
    token_type: Type.Literal("Bearer"),
    expires_in: Type.Integer({ description: "Seconds the token lasts (API_TOKEN_TTL_SECONDS)" }),
    scope: Type.String({ description: "Space-separated scopes the token was granted" }),
  },
  { description: "A bearer token acting for the user's session (no refresh token)" },
);

/** RFC 6749 §5.2's error answer. */
const oauthError = (codes: readonly string[], description: string) =>
  Type.Object(
    {
      error: Type.String({ enum: [...codes], description: "RFC 6749 §5.2 error code" }),
      error_description: Type.String(),
    },
    { description },
  );

function tokenError(reply: FastifyReply, error: TokenError, basic: boolean) {
  const status = error.error === "invalid_client" ? 401 : 400;
  if (status === 401 && basic) reply.header("www-authenticate", 'Basic realm="ncrs-connect"');
  return reply.code(status).send({ error: error.error, error_description: error.message });
}

export async function oauthRoutes(
  app: FastifyInstance,
  deps: { readonly apiAccess: ApiAccessService },
): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    "/oauth/authorize",
    {
      config: { access: "clinical" },
      schema: {
        operationId: "authorize",
        summary: "Authorize a system to act for the signed-in user (in the user's browser)",
        description:
          "Opened in the user's browser (RFC 6749 §4.1 with PKCE, RFC 7636). A browser without a session is sent to sign in first and comes back here. A registered client and redirect URI get a 303 back to the redirect URI with `code` (and `state`), or with `error` and `error_description` when the request is wrong. An unknown client or redirect URI is never redirected to: the browser is shown a page with the error code below.",
        tags: ["Authorization"],
        querystring: AuthorizeQuery,
        response: {
          303: Type.Null({
            description:
              "Back to the redirect URI with `code` and `state`, or `error` and `error_description`; or, with no session, to sign in",
            headers: Type.Object({ location: Type.String({ format: "uri-reference" }) }),
          }),
          ...errorResponses(apiAccessErrors.unknown_client, sessionErrors.required, sessionErrors.forbidden),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const session = request.session;
      if (!session) throw new Error("route requires a session");
      const back = await deps.apiAccess.authorize(
        session,
        {
          responseType: text(q["response_type"]),
          clientId: text(q["client_id"]),
          redirectUri: text(q["redirect_uri"]),
          codeChallenge: text(q["code_challenge"]),
          codeChallengeMethod: text(q["code_challenge_method"]),
          state: text(q["state"]),
          scope: text(q["scope"]),
        },
        request.correlationId,
      );
      return reply.redirect(back, 303);
    },
  );

  api.post(
    "/oauth/token",
    {
      config: {
        access: "public",
        json: true,
        csrfExempt: "a registered system's back end calls it with its client credentials; no cookie is read",
      },
      // The exchange checks every field itself and answers in RFC 6749's own terms, which clients
      // expect, so the schema describes the form without refusing it in our error JSON.
      attachValidation: true,
      schema: {
        operationId: "token",
        summary: "Exchange a code for a bearer token (the system's back end)",
        description:
          "RFC 6749 §4.1.3 with PKCE: the system's server sends the code, its redirect URI and the PKCE verifier, authenticated with its client secret (HTTP Basic, or client_id and client_secret in the form). A code works once and lasts a minute; presenting it again revokes the token it gave. Answers are `Cache-Control: no-store`.",
        tags: ["Authorization"],
        consumes: ["application/x-www-form-urlencoded", "application/json"],
        body: TokenRequest,
        security: [{ clientSecretBasic: [] }, {}],
        response: {
          200: Issued,
          400: Type.Union(
            [
              oauthError(
                ["invalid_request", "invalid_grant", "unsupported_grant_type"],
                "RFC 6749 §5.2: the request, code or verifier is wrong",
              ),
              errorBody([platformErrors.invalid]),
            ],
            {
              description:
                "invalid_request, invalid_grant, unsupported_grant_type (RFC 6749 §5.2); a body that cannot be read: request.invalid in our error JSON",
            },
          ),
          401: oauthError(
            ["invalid_client"],
            "invalid_client: unknown client or wrong secret (with WWW-Authenticate when HTTP Basic was used)",
          ),
          ...errorResponses(platformErrors.body_too_large, platformErrors.unsupported_media_type),
        },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store").header("pragma", "no-cache");
      const body: Params = typeof request.body === "object" && request.body ? request.body : {};
      const authorization = request.headers.authorization;
      try {
        const issued = await deps.apiAccess.exchange(credentialsOf(authorization, body), {
          grantType: text(body["grant_type"]),
          code: text(body["code"]),
          redirectUri: text(body["redirect_uri"]),
          codeVerifier: text(body["code_verifier"]),
        });
        return reply.send({
          access_token: issued.accessToken,
          token_type: "Bearer",
          expires_in: issued.expiresIn,
          scope: issued.scopes.join(" "),
        });
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        request.log.info({ error: error.error }, "token request refused");
        return tokenError(reply, error, authorization?.startsWith("Basic ") ?? false);
      }
    },
  );
}
