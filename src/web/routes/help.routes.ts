/**
 * Help pages: smartcard help for clinicians, the workstation readiness guide for local IT and the
 * guides for suppliers (kept as Markdown in docs/guides/ and rendered here), and a self-check a
 * workstation can run.
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
  for (const guide of SUPPLIER_GUIDES) {
    const html = await marked.parse(servedLinks(readFileSync(`${deps.guidesDir}/${guide.file}`, "utf8")));
    app.get(guide.path, publicPage, async (_request, reply) =>
      reply.page("guide", { pageTitle: guide.title, guideHtml: html }),
    );
  }

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

/** The guides for point-of-care system suppliers, each served as a page. */
const SUPPLIER_GUIDES = [
  { file: "integrating-your-system.md", path: "/developers/integrating", title: "Integrating your system" },
  {
    file: "embedding-the-button.md",
    path: "/developers/embedding",
    title: "Embedding the Open in NCRS button",
  },
  { file: "smart-on-fhir.md", path: "/developers/smart", title: "SMART on FHIR EHR launch" },
] as const;

/**
 * Links between served guides point at their pages; a link to a file of the repository that is not
 * served (a README, the settings table) keeps its words and loses its address, so the page never
 * links to nowhere.
 */
function servedLinks(markdown: string): string {
  return markdown.replace(
    /\[([^\]]+)\]\(((?!https?:|#|\/)[^)]+)\)/g,
    (_all, text: string, target: string) => {
      const guide = SUPPLIER_GUIDES.find((g) => target.split("#")[0] === g.file);
      return guide ? `[${text}](${guide.path})` : text;
    },
  );
}
