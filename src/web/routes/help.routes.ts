/**
 * Help pages: smartcard help for clinicians, the workstation readiness guide for local IT (kept as
 * Markdown in docs/guides/ and rendered here), and a self-check a workstation can run.
 */
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { marked } from "marked";
import { contentSecurityPolicy } from "../../platform/http/security.ts";

export interface HelpRoutesDeps {
  /** Origin of the NCRS environment launches go to (tested for reachability by the self-check). */
  readonly ncrsOrigin: string;
  readonly secureCookies: boolean;
  readonly guidesDir: string;
}

export async function helpRoutes(app: FastifyInstance, deps: HelpRoutesDeps): Promise<void> {
  const readiness = await marked.parse(
    readFileSync(`${deps.guidesDir}/ncrs-workstation-readiness.md`, "utf8"),
  );
  const publicPage = { config: { access: "public" as const } };

  app.get("/help/smartcard", publicPage, async (_request, reply) => reply.page("help-smartcard"));

  app.get("/help/ncrs-readiness", publicPage, async (_request, reply) =>
    reply.page("guide", { pageTitle: "Workstation readiness for opening NCRS", guideHtml: readiness }),
  );

  app.get("/help/self-check", publicPage, async (_request, reply) => {
    // This page alone may contact NCRS's origin, to test that it is reachable from the workstation.
    const nonce = reply.cspNonce.script;
    const policy = contentSecurityPolicy({ formActionOrigins: [], secureCookies: deps.secureCookies })
      .replace("{nonce}", nonce)
      .replace("connect-src 'self'", `connect-src 'self' ${deps.ncrsOrigin}`);
    reply.header("content-security-policy", policy);
    return reply.page("self-check", { ncrsOrigin: deps.ncrsOrigin });
  });
}
