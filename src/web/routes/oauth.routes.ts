/**
 * OAuth 2.0 for point-of-care systems acting for a signed-in user (RFC 6749 with PKCE, RFC 7636):
 * `GET /oauth/authorize` runs in the user's browser with their session and sends it back to the
 * system with a code; `POST /oauth/token` gives the system's server a bearer token for the code.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { TokenError } from "../../api-access/api-access.errors.ts";
import type { ApiAccessService, ClientCredentials } from "../../api-access/api-access.service.ts";

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

function tokenError(reply: FastifyReply, error: TokenError, basic: boolean) {
  const status = error.error === "invalid_client" ? 401 : 400;
  if (status === 401 && basic) reply.header("www-authenticate", 'Basic realm="ncrs-connect"');
  return reply.code(status).send({ error: error.error, error_description: error.message });
}

export async function oauthRoutes(
  app: FastifyInstance,
  deps: { readonly apiAccess: ApiAccessService },
): Promise<void> {
  app.get<{ Querystring: Params }>(
    "/oauth/authorize",
    { config: { access: "clinical" } },
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

  app.post<{ Body: Params }>(
    "/oauth/token",
    {
      config: {
        access: "public",
        json: true,
        csrfExempt: "a registered system's back end calls it with its client credentials; no cookie is read",
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store").header("pragma", "no-cache");
      const body = typeof request.body === "object" && request.body ? request.body : {};
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
