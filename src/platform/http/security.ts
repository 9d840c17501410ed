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
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";

export interface SecurityOptions {
  readonly cookieSecret: string;
  readonly secureCookies: boolean;
  /** Extra origins forms may submit to (e.g. a national service we hand the user to). */
  readonly formActionOrigins: readonly string[];
  /** Binds CSRF tokens to the signed-in session, so a token from before sign-in is useless after. */
  readonly csrfUserInfo: (request: FastifyRequest) => string;
}

export const STATIC_PREFIXES = ["/assets/", "/static/"];

export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  await app.register(cookie, { secret: options.cookieSecret, hook: "onRequest" });
  await app.register(formbody);
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", ...options.formActionOrigins],
        ...(options.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: options.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
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
  await app.register(rateLimit, { global: false });
  app.addHook("onSend", async (request, reply, payload) => {
    const isStatic = STATIC_PREFIXES.some((p) => request.url.startsWith(p));
    if (!isStatic && !reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });
}
