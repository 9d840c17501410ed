/**
 * Security defaults for every response: a nonce-based Content-Security-Policy and the other helmet
 * headers, `Referrer-Policy: no-referrer` (so no URL of ours leaks to another site), `no-store` on
 * everything that is not a static asset (nothing of one user is kept for the next on a shared
 * workstation), signed cookies, CSRF tokens for state-changing forms, and rate limiting (applied
 * per route where configured).
 */
import { createHmac } from "node:crypto";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import helmet, { type HelmetOptions } from "helmet";
import { randomNonce } from "../secrets.ts";
import { enforceCsrfOnRoutes } from "./csrf-routes.ts";

declare module "fastify" {
  interface FastifyReply {
    /** This response's Content-Security-Policy nonce, for the page's inline scripts. */
    cspNonce: { script: string; style: string };
  }
}

export interface SecurityOptions {
  readonly cookieSecret: string;
  readonly secureCookies: boolean;
  /** Extra origins forms may submit to (e.g. a national service we hand the user to). */
  readonly formActionOrigins: readonly string[];
  /** Binds CSRF tokens to the signed-in session, so a token from before sign-in is useless after. */
  readonly csrfUserInfo: (request: FastifyRequest) => string;
  /**
   * `same-origin-allow-popups` keeps a tab our pages open (NCRS's) in their browsing context group,
   * so it can be found by name and reused; `same-origin` cuts every such tab off.
   */
  readonly openerPolicy: "same-origin" | "same-origin-allow-popups";
}

export const STATIC_PREFIXES = ["/assets/", "/static/"];

/** The cookie holding the browser's CSRF secret (signed), by whether cookies are secure. */
export const CSRF_SECRET_COOKIE_NAMES = ["__Host-ncrs_csrf", "ncrs_csrf"];

const NONCE_PLACEHOLDER = "{nonce}";

/** The policy for every response: only our own origin, scripts only with this response's nonce. */
export function contentSecurityPolicy(
  options: Pick<SecurityOptions, "formActionOrigins" | "secureCookies">,
): string {
  const directives: [string, string[]][] = [
    ["default-src", ["'self'"]],
    ["script-src", ["'self'", `'nonce-${NONCE_PLACEHOLDER}'`]],
    ["style-src", ["'self'"]],
    ["img-src", ["'self'", "data:"]],
    ["font-src", ["'self'"]],
    ["connect-src", ["'self'"]],
    ["manifest-src", ["'self'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'none'"]],
    ["frame-ancestors", ["'none'"]],
    ["form-action", ["'self'", ...options.formActionOrigins]],
    ...(options.secureCookies ? ([["upgrade-insecure-requests", []]] as [string, string[]][]) : []),
  ];
  return directives.map(([name, values]) => [name, ...values].join(" ")).join("; ");
}

/**
 * The headers helmet sets for these options, worked out once: apart from the Content-Security-Policy
 * (never helmet's: ours carries a fresh nonce per response) they do not depend on the request. Handing them
 * to Fastify as one set, instead of letting helmet's middleware write them onto every raw response
 * (its Fastify plugin even rebuilds the middleware per request), keeps Node on its fast path for
 * writing a response's headers.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  const withoutPolicy = { ...options, contentSecurityPolicy: false } as HelmetOptions;
  helmet(withoutPolicy)(undefined as never, recorder as never, (error) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  await app.register(cookie, { secret: options.cookieSecret, hook: "onRequest" });
  await app.register(formbody);
  const fixedHeaders = helmetHeaders({
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: options.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: options.openerPolicy },
  });
  const policy = contentSecurityPolicy(options);
  app.decorateReply("cspNonce", null as unknown as FastifyReply["cspNonce"]);
  app.addHook("onRequest", (_request, reply, done) => {
    const nonce = randomNonce();
    reply.cspNonce = { script: nonce, style: nonce };
    reply.headers(fixedHeaders);
    reply.header("content-security-policy", policy.replace(NONCE_PLACEHOLDER, nonce));
    done();
  });
  await app.register(csrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: options.secureCookies ? "__Host-ncrs_csrf" : "ncrs_csrf",
    cookieOpts: {
      path: "/",
      httpOnly: true,
      sameSite: "strict",
      secure: options.secureCookies,
      signed: true,
    },
    getUserInfo: options.csrfUserInfo,
    csrfOpts: { hmacKey: createHmac("sha256", options.cookieSecret).update("csrf-token-key").digest() },
  });
  enforceCsrfOnRoutes(app);
  await app.register(rateLimit, { global: false });
  app.addHook("onSend", async (request, reply, payload) => {
    const isStatic = STATIC_PREFIXES.some((p) => request.url.startsWith(p));
    if (!isStatic && !reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });
}
