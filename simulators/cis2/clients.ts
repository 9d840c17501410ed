/**
 * Relying-party registrations, in the shape CIS2 Connection Manager takes them, and their
 * translation into the metadata the OpenID provider understands.
 */
import type { ClientMetadata } from "oidc-provider";
import { z } from "zod";

export const clientRegistrationSchema = z.object({
  client_id: z.string().min(1),
  client_name: z.string().optional(),
  description: z.string().optional(),
  token_endpoint_auth_method: z.enum(["private_key_jwt", "client_secret_post"]),
  jwks_uri: z.url().optional(),
  jwks_uri_signing_algorithm: z.enum(["RS512", "RS256"]).optional(),
  client_secret: z.string().min(1).optional(),
  redirect_uris: z.array(z.url()).min(1),
  backchannel_logout_uri: z.url().optional(),
  post_logout_redirect_uris: z.array(z.url()).optional(),
});

/** A relying party's registration, shaped like CIS2 Connection Manager's JSON. */
export interface Cis2ClientRegistration {
  client_id: string;
  client_name?: string;
  token_endpoint_auth_method: "private_key_jwt" | "client_secret_post";
  jwks_uri?: string;
  jwks_uri_signing_algorithm?: "RS512" | "RS256";
  client_secret?: string;
  redirect_uris: string[];
  backchannel_logout_uri?: string;
  post_logout_redirect_uris?: string[];
}

/**
 * Validates a registration the way Connection Manager would refuse an incomplete one; returns the
 * problems found (empty when it is acceptable).
 */
export function registrationProblems(input: unknown): string[] {
  const parsed = clientRegistrationSchema.safeParse(input);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  const reg = parsed.data;
  if (reg.token_endpoint_auth_method === "private_key_jwt" && !reg.jwks_uri) {
    return ["jwks_uri: required for private_key_jwt"];
  }
  if (reg.token_endpoint_auth_method === "client_secret_post" && !reg.client_secret) {
    return ["client_secret: required for client_secret_post"];
  }
  return [];
}

/** Parses an untrusted registration, throwing with every problem listed. */
export function parseRegistration(input: unknown): Cis2ClientRegistration {
  const problems = registrationProblems(input);
  if (problems.length > 0) throw new Error(`invalid client registration: ${problems.join("; ")}`);
  const { description: _description, ...reg } = clientRegistrationSchema.parse(input);
  // zod types absent optionals as `undefined`; stripping them makes the cast exact.
  return stripUndefined(reg) as Cis2ClientRegistration;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The provider's view of a registration: code flow only, confidential, RS256 ID tokens. */
export function toProviderMetadata(reg: Cis2ClientRegistration): ClientMetadata {
  return stripUndefined({
    client_id: reg.client_id,
    client_name: reg.client_name,
    client_secret: reg.client_secret,
    redirect_uris: reg.redirect_uris,
    post_logout_redirect_uris: reg.post_logout_redirect_uris,
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: reg.token_endpoint_auth_method,
    jwks_uri: reg.jwks_uri,
    // Connection Manager records the assertion algorithm per client; without it both are accepted.
    token_endpoint_auth_signing_alg: reg.jwks_uri_signing_algorithm,
    id_token_signed_response_alg: "RS256",
  });
}

/** The registered relying parties, replaceable at runtime (tests register apps started on port 0). */
export class ClientRegistry {
  readonly #byId = new Map<string, Cis2ClientRegistration>();

  put(reg: Cis2ClientRegistration): void {
    this.#byId.set(reg.client_id, reg);
  }

  get(clientId: string): Cis2ClientRegistration | undefined {
    return this.#byId.get(clientId);
  }

  all(): Cis2ClientRegistration[] {
    return [...this.#byId.values()];
  }
}
