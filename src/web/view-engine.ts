/**
 * Nunjucks on the NHS design system's templates. `reply.page()` renders a page with what every
 * page needs: the CSP nonce, a CSRF token, the signed-in user's header details and the idle timer.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import view from "@fastify/view";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import nunjucks from "nunjucks";
import { permissionsOf, type RolePolicy } from "../identity/roles.ts";
import { CSRF_SECRET_COOKIE_NAMES } from "../platform/http/security.ts";
import { perMinute } from "../platform/per-minute.ts";
import { NHSUK_ROOT } from "./assets.ts";

const VIEWS = fileURLToPath(new URL("./views/", import.meta.url));

export const SERVICE_NAME = "NCRS Connect";

declare module "fastify" {
  interface FastifyReply {
    /** Renders a page template with the common layout context and sends it. */
    page(template: string, data?: Record<string, unknown>): Promise<FastifyReply>;
    /** Renders a page template to a string (used by the error handler). */
    renderPage(template: string, data?: Record<string, unknown>): Promise<string>;
  }
}

export interface ViewOptions {
  readonly stylesheetUrl: string;
  readonly rolePolicy: RolePolicy;
  readonly idleWarningSeconds: number;
  /** Banner naming the unsafe development switches that are on (null in production). */
  readonly developmentBanner: string | null;
}

/**
 * One CSRF token per session and browser secret (the synchronizer-token pattern), bound to the
 * session so a token from before sign-in is useless after it. Minting a token costs two HMACs, so
 * it is remembered rather than minted for every page.
 */
const csrfTokens = new Map<string, string>();
const CSRF_TOKEN_MEMORY = 10_000;

function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  const userInfo = request.session?.id ?? "";
  const secretCookie = request.cookies[CSRF_SECRET_COOKIE_NAMES.find((n) => request.cookies[n]) ?? ""] ?? "";
  const key = `${userInfo}|${secretCookie}`;
  const known = secretCookie ? csrfTokens.get(key) : undefined;
  if (known) return known;
  const token = reply.generateCsrf({ userInfo });
  if (secretCookie) {
    if (csrfTokens.size >= CSRF_TOKEN_MEMORY) csrfTokens.clear();
    csrfTokens.set(key, token);
  }
  return token;
}

function layoutContext(request: FastifyRequest, reply: FastifyReply, options: ViewOptions) {
  const session = request.session;
  const can = permissionsOf(session?.role ?? null, options.rolePolicy);
  return {
    serviceName: SERVICE_NAME,
    stylesheetUrl: options.stylesheetUrl,
    cspNonce: reply.cspNonce?.script,
    csrfToken: csrfTokenFor(request, reply),
    developmentBanner: options.developmentBanner,
    currentPath: request.url,
    navigation: session ? navigationFor(can, request.url) : null,
    user: session
      ? {
          name: session.user.name,
          roleName: session.role?.roleName ?? "No role",
          orgName: session.role?.orgName ?? session.role?.orgCode ?? "",
          orgCode: session.role?.orgCode ?? "",
          canAdmin: can.admin,
          canClinical: can.clinical,
        }
      : null,
    idle:
      session && request.idleExpiresAt
        ? {
            expiresAt: request.idleExpiresAt.toISOString(),
            warningSeconds: options.idleWarningSeconds,
            // Names the session to this browser's other tabs without revealing it (session-watch.js).
            sessionTag: createHash("sha256").update(session.id).digest("base64url").slice(0, 16),
          }
        : null,
  };
}

export async function registerViews(app: FastifyInstance, options: ViewOptions): Promise<void> {
  await app.register(view, {
    engine: { nunjucks },
    templates: [VIEWS, join(NHSUK_ROOT, "dist")],
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        env.addFilter("dateTime", (d: Date | string) => formatDateTime(new Date(d)));
        env.addFilter("dateTimeSeconds", (d: Date | string | number) => formatDateTimeSeconds(new Date(d)));
        env.addFilter("nhsNumber", (n: unknown) =>
          typeof n === "string" && /^\d{10}$/.test(n) ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : n,
        );
        // Error-summary links for a list of { field, message } problems.
        env.addFilter("auditErrorList", (problems: readonly { field: string; message: string }[]) =>
          problems.map((p) => ({ text: p.message, href: `#${p.field}` })),
        );
        // Marks the chosen option of a select's items.
        env.addFilter("auditSelected", (items: readonly { value: string; text: string }[], chosen: unknown) =>
          items.map((item) => ({ ...item, selected: item.value === chosen })),
        );
      },
    },
  });
  app.decorateReply(
    "renderPage",
    async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const layout = layoutContext(this.request, this, options);
      // A page that belongs to a browser tab's patient work keeps that tab's id in its navigation.
      const tabId = typeof data["tabId"] === "string" ? data["tabId"] : null;
      const navigation =
        tabId && layout.navigation
          ? layout.navigation.map((item) =>
              item.href === "/patients"
                ? { ...item, href: `/patients?tab=${encodeURIComponent(tabId)}` }
                : item,
            )
          : layout.navigation;
      return this.viewAsync(`pages/${template}.njk`, { ...layout, navigation, ...data });
    },
  );
  app.decorateReply(
    "page",
    async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const html = await this.renderPage(template, data);
      return this.type("text/html; charset=utf-8").send(html);
    },
  );
}

// Built once: toLocaleDateString with options builds a new formatter on every call, which is costly.
const UK_DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/London",
});
const UK_TIME = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/** Every administration area, for the navigation and the home page (one list, so neither misses one). */
export const ADMIN_AREAS = [
  {
    href: "/admin/workstations",
    text: "Workstations",
    description: "Register and revoke shared workstations.",
  },
  {
    href: "/admin/launches",
    text: "Launches",
    description: "Launches of NCRS by outcome, and why any were refused.",
  },
  {
    href: "/admin/audit",
    text: "Audit trail",
    description: "Search every recorded action; export FHIR AuditEvents.",
  },
  {
    href: "/admin/audit/patient",
    text: "Patient access report",
    description: "Who accessed one patient's record, and when.",
    inNavigation: false,
  },
  {
    href: "/admin/events",
    text: "Change events",
    description: "National change events received, their processing and replay.",
  },
  { href: "/help/clinical-safety", text: "Clinical safety", description: "The hazard log and safety case." },
] as const;

function navigationFor(can: { clinical: boolean; admin: boolean }, url: string) {
  const items = [
    can.clinical
      ? {
          href: "/patients",
          text: "Find a patient",
          current: url.startsWith("/patients") || url.startsWith("/patient-context"),
        }
      : null,
    ...(can.admin
      ? ADMIN_AREAS.filter((a) => !("inNavigation" in a)).map((a) => ({
          href: a.href,
          text: a.text,
          current: url.startsWith(a.href),
        }))
      : []),
  ].filter((i) => i !== null);
  return items.length > 0 ? items : null;
}

const UK_TIME_SECONDS = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "Europe/London",
});

/** "22 November 2026 at 14:05:09" in UK time: audit records need the second. */
export function formatDateTimeSeconds(d: Date): string {
  return Number.isNaN(d.getTime()) ? "Unknown time" : `${UK_DATE.format(d)} at ${UK_TIME_SECONDS.format(d)}`;
}

/** "22 November 2026 at 14:05" in UK time, as NHS services write dates. */
export const formatDateTime = perMinute((d: Date) =>
  Number.isNaN(d.getTime()) ? "Unknown time" : `${UK_DATE.format(d)} at ${UK_TIME.format(d)}`,
);
