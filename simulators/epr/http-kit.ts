/**
 * The few HTTP helpers the EPR needs on top of node:http, and its Content-Security-Policy: the
 * policy a host page embedding NCRS Connect's button needs, and no more. Scripts and form posts
 * may go to the EPR itself and to NCRS Connect only; nothing inline.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const BODY_LIMIT = 64 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > BODY_LIMIT) throw new HttpError(413, "request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The EPR's page policy, naming NCRS Connect's origin as the one outside source it trusts. */
/**
 * `formTargets` are the origins our posts to NCRS Connect are redirected on to (NCRS, CIS2):
 * browsers apply form-action to every redirect after a post, so without them the button's post
 * stops at the redirect to NCRS and a signed-out desktop launch at the one to CIS2.
 */
export function contentSecurityPolicy(
  ncrsConnectOrigin: string,
  formTargets: readonly string[] = [],
): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${ncrsConnectOrigin}`,
    `style-src 'self' ${ncrsConnectOrigin}`,
    `connect-src 'self' ${ncrsConnectOrigin}`,
    "img-src 'self'",
    ["form-action 'self'", ncrsConnectOrigin, ...formTargets].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  csp: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    ...headers,
  });
  res.end(html);
}

/** A 303 redirect (a form POST is followed by a GET), with optional extra headers. */
export function redirect(res: ServerResponse, location: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(303, { location, "cache-control": "no-store", ...headers });
  res.end();
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
