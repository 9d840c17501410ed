/**
 * `POST /oauth2/token`, the platform's token endpoint: the exact Content-Type, the grant routed
 * as the platform routes it, the client assertion's checks, the subject token's for an exchange,
 * and access tokens with `expires_in` and `issued_at` as JSON strings, as the platform sends them.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { checkClientAssertion } from "./client-assertion-checks.ts";
import type { PlatformState } from "./platform-state.ts";
import { type Refusal, refusal, refusalBody } from "./refusal.ts";
import type { SubjectTokenVerifier } from "./subject-token-checks.ts";

export const TOKEN_PATH = "/oauth2/token";
const FORM = "application/x-www-form-urlencoded";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

type Grant = "client_credentials" | "token_exchange";

/** Which grant the form asks for, or the platform's refusal of its grant fields. */
function routeGrant(form: URLSearchParams): Grant | Refusal {
  const grant = form.get("grant_type");
  const subjectType = form.get("subject_token_type");
  if (grant === TOKEN_EXCHANGE || subjectType !== null) {
    if (subjectType !== ID_TOKEN)
      return refusal(400, `missing or invalid subject_token_type - must be '${ID_TOKEN}'`);
    if (grant !== TOKEN_EXCHANGE) return refusal(400, "grant_type is invalid");
    return "token_exchange";
  }
  if (!grant) return refusal(400, "grant_type is missing");
  if (grant !== "client_credentials") return refusal(400, "grant_type is invalid", "unsupported_grant_type");
  return "client_credentials";
}

export interface TokenRouteDeps {
  readonly state: PlatformState;
  /** Absent: token exchange is refused (no CIS2 is trusted). */
  readonly subjects?: SubjectTokenVerifier;
}

type Answer =
  | { readonly grant: string; readonly refused: Refusal }
  | { readonly grant: Grant; readonly issued: { token: string; expiresIn: number }; readonly now: number };

async function answer(deps: TokenRouteDeps, contentType: string | undefined, raw: string): Promise<Answer> {
  const { state } = deps;
  if (state.scenario === "unavailable")
    return { grant: "-", refused: refusal(503, "Service Unavailable", "server_error") };
  if (contentType !== FORM)
    return { grant: "-", refused: refusal(415, `Content-Type header must be ${FORM}`) };
  const form = new URLSearchParams(raw);
  const grant = routeGrant(form);
  if (typeof grant !== "string") return { grant: form.get("grant_type") ?? "-", refused: grant };
  const now = Date.now();
  const client = await checkClientAssertion(form, state, now);
  if (!client.ok) return { grant, refused: client.refusal };
  if (grant === "client_credentials") return { grant, issued: state.issue(client.apiKey, null, now), now };
  if (!deps.subjects)
    return { grant, refused: refusal(400, "grant_type is invalid", "unsupported_grant_type") };
  const subject = await deps.subjects.check(form.get("subject_token"), now);
  if (!subject.ok) return { grant, refused: subject.refusal };
  return { grant, issued: state.issue(client.apiKey, subject.user, now), now };
}

function success(grant: Grant, issued: { token: string; expiresIn: number }, now: number) {
  const body: Record<string, string> = {
    access_token: issued.token,
    expires_in: String(issued.expiresIn),
    token_type: "Bearer",
    issued_at: String(now),
  };
  if (grant === "token_exchange")
    Object.assign(body, {
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
      refresh_count: "0",
    });
  return body;
}

export function registerTokenRoute(app: FastifyInstance, deps: TokenRouteDeps): void {
  const plugin = async (scope: FastifyInstance) => {
    // The body is read as text whatever its type, so the Content-Type check is ours to make.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
    scope.post(TOKEN_PATH, async (request, reply: FastifyReply) => {
      const raw = typeof request.body === "string" ? request.body : "";
      const result = await answer(deps, request.headers["content-type"], raw);
      reply.header("cache-control", "no-store");
      if ("refused" in result) {
        const { status, error, description } = result.refused;
        deps.state.record({ grant: result.grant, status, error, description });
        return reply.code(status).send(refusalBody(result.refused));
      }
      deps.state.record({ grant: result.grant, status: 200, error: null, description: null });
      return reply.code(200).send(success(result.grant, result.issued, result.now));
    });
  };
  app.register(plugin);
}
