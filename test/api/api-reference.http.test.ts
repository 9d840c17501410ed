/**
 * The API reference page (`/developers/api`) is public, linked from every page's footer, and read
 * from the generated OpenAPI description: it shows every operation with its summary, what it
 * takes, and every status and error code it answers with.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { type Stack, startStack } from "../support/stack.ts";

type Operation = {
  summary: string;
  parameters?: { name: string }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

/** Every error code a response schema names (our `error.code`, or OAuth's `error`). */
const codesIn = (schema: unknown): string[] =>
  [...JSON.stringify(schema).matchAll(/"enum":\[([^\]]*)\]/g)].flatMap(
    (m) => JSON.parse(`[${m[1]}]`) as string[],
  );

const decoded = (html: string) =>
  html.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

describe("the API reference page", () => {
  let stack: Stack;
  let doc: { paths: Record<string, Record<string, Operation>> };
  let html: string;
  beforeAll(async () => {
    stack = await startStack();
    doc = (await (await fetch(`${stack.baseUrl}/api/v1/openapi.json`)).json()) as typeof doc;
    const page = await new HttpAgent().get(`${stack.baseUrl}/developers/api`, { accept: "text/html" });
    expect(page.status).toBe(200);
    html = decoded(page.body);
  });
  afterAll(async () => stack?.close());

  const sectionOf = (method: string, path: string) => {
    const start = html.indexOf(`data-method="${method.toUpperCase()}" data-path="${path}"`);
    if (start < 0) return "";
    const end = html.indexOf("</section>", start);
    return html.slice(start, end);
  };

  it("shows every operation of the description, with its summary, fields, statuses and error codes", () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(9);
    expect(html.match(/data-testid="operation"/g)?.length).toBe(operations.length);
    for (const { method, path, operation } of operations) {
      const section = sectionOf(method, path);
      const where = `${method} ${path}`;
      expect(section, where).not.toBe("");
      expect(section, where).toContain(operation.summary);
      for (const p of operation.parameters ?? [])
        expect(section, `${where} ${p.name}`).toContain(`<code>${p.name}</code>`);
      const body = Object.values(operation.requestBody?.content ?? {})[0]?.schema.properties ?? {};
      for (const field of Object.keys(body))
        expect(section, `${where} ${field}`).toContain(`<code>${field}</code>`);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(section, `${where} ${status}`).toContain(`data-status="${status}"`);
        if (Number(status) < 400) continue;
        const codes = codesIn(response.content);
        expect(codes.length, `${where} ${status}`).toBeGreaterThan(0);
        for (const code of codes) expect(section, `${where} ${status}`).toContain(`>${code}</code>`);
      }
    }
  });

  it("names the ways to call the API and links the description it is made from", () => {
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).toContain("X-CSRF-Token");
    expect(sectionOf("post", "/api/v1/launches")).toContain("Authorization: Bearer token from /oauth/token");
    expect(sectionOf("post", "/api/v1/launches")).toContain(
      "ncrs_session cookie with the X-CSRF-Token header",
    );
    expect(sectionOf("get", "/api/v1/openapi.json")).toContain("Anyone: no sign-in needed");
    expect(sectionOf("post", "/oauth/token")).toContain(
      "Authorization: Basic with the system's client id and secret",
    );
  });

  it("is linked from the footer of every page", async () => {
    const start = await new HttpAgent().get(`${stack.baseUrl}/`, { accept: "text/html" });
    expect(start.body).toContain('href="/developers/api"');
  });
});
