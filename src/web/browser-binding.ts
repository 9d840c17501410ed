/**
 * A browser's own random binding, in an httpOnly cookie: a launch that waits server-side (a
 * signed context launch, a SMART launch) can be carried on only by the browser it arrived in.
 * `SameSite=Lax`, so the cookie comes back on the top-level GET that an EHR or a clinical system
 * sends the browser to, and never on another site's background request.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { randomToken } from "../platform/secrets.ts";

export function browserBinding(options: {
  readonly name: string;
  readonly secureCookies: boolean;
  /** How long it lasts: as long as a launch may wait (a sign-in included). */
  readonly maxAgeSeconds: number;
}): (request: FastifyRequest, reply: FastifyReply) => string {
  const cookie = `${options.secureCookies ? "__Host-" : ""}${options.name}`;
  return (request, reply) => {
    const existing = request.cookies[cookie];
    if (existing && existing.length >= 32 && existing.length <= 64) return existing;
    const token = randomToken();
    reply.setCookie(cookie, token, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: options.secureCookies,
      maxAge: options.maxAgeSeconds,
    });
    return token;
  };
}
