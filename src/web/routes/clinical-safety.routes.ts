/**
 * The clinical safety case for administrators: the safety case report and the hazard log, as
 * generated into docs/clinical-safety/ from the hazard log (`npm run docs:safety`), so what is
 * shown here is exactly what is reviewed in the repository. Rendered once, at start.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Marked, Renderer, type Tokens } from "marked";

export interface ClinicalSafetyRoutesDeps {
  /** The folder holding the generated safety-case.md and hazard-log.md. */
  readonly docsDir: string;
}

/** Each generated page, by its file name (as the pages link to each other), and where it is served. */
const PAGES = [
  { file: "safety-case.md", path: "/help/clinical-safety", contents: "Clinical safety case report" },
  { file: "hazard-log.md", path: "/help/clinical-safety/hazard-log", contents: "Hazard log" },
] as const;

/** Heading sizes under the page's own title: hazards (h2) medium, their parts (h3) small. */
const HEADING_SIZES: Readonly<Record<number, string>> = { 2: "m", 3: "s", 4: "xs" };

/** Marked's HTML in the design system's styles, and links between the pages made ours. */
function safetyCaseMarked(): Marked {
  return new Marked({
    renderer: {
      heading(token) {
        const size = HEADING_SIZES[token.depth] ?? "xs";
        return `<h${token.depth} class="nhsuk-heading-${size}">${this.parser.parseInline(token.tokens)}</h${token.depth}>\n`;
      },
      hr() {
        return '<hr class="nhsuk-section-break nhsuk-section-break--l nhsuk-section-break--visible">\n';
      },
      table(token) {
        const html = Renderer.prototype.table
          .call(this, token)
          .replace("<table>", '<table class="nhsuk-table">');
        // On a narrow screen a wide table scrolls sideways; a keyboard user must be able to scroll it too.
        return `<div class="nhsuk-table-container" tabindex="0">${html}</div>`;
      },
      link(token) {
        const [file, hash] = token.href.split("#", 2);
        const page = PAGES.find((p) => p.file === file);
        const href = page ? `${page.path}${hash ? `#${hash}` : ""}` : token.href;
        return Renderer.prototype.link.call(this, { ...token, href });
      },
    },
  });
}

interface RenderedPage {
  readonly title: string;
  readonly html: string;
}

/** The page's own title (its first heading, shown by the template) and the rest as HTML. */
function render(markdown: string): RenderedPage {
  const marked = safetyCaseMarked();
  const tokens = marked.lexer(markdown);
  const index = tokens.findIndex((t) => t.type === "heading" && t.depth === 1);
  const heading = tokens[index] as Tokens.Heading | undefined;
  if (index >= 0) tokens.splice(index, 1);
  return { title: heading?.text ?? "Clinical safety", html: marked.parser(tokens) };
}

export async function clinicalSafetyRoutes(
  app: FastifyInstance,
  deps: ClinicalSafetyRoutesDeps,
): Promise<void> {
  for (const page of PAGES) {
    const rendered = render(readFileSync(join(deps.docsDir, page.file), "utf8"));
    const contents = PAGES.map((p) => ({ href: p.path, text: p.contents, current: p === page }));
    app.get(page.path, { config: { access: "admin" } }, async (_request, reply) =>
      reply.page("clinical-safety", {
        pageTitle: rendered.title,
        heading: rendered.title,
        contents,
        documentHtml: rendered.html,
      }),
    );
  }
}
