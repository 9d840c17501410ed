/**
 * The baseline for page benchmarks: a bare Fastify route (no plugins, no session, no security
 * headers, no logging) rendering a page template with fixed data.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify from "fastify";
import nunjucks from "nunjucks";
import { NHSUK_ROOT } from "../../src/web/assets.ts";

const views = fileURLToPath(new URL("../../src/web/views/", import.meta.url));
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([views, join(NHSUK_ROOT, "dist")]), {
  autoescape: true,
});
env.addFilter("dateTime", (d: Date) => new Date(d).toISOString());

const template = process.env["BENCH_TEMPLATE"] ?? "pages/home.njk";
const context = JSON.parse(process.env["BENCH_PAGE_CONTEXT"] ?? "{}") as Record<string, unknown>;
const app = Fastify();
app.get("/page", async (_request, reply) =>
  reply.type("text/html; charset=utf-8").send(env.render(template, context)),
);
await app.listen({ port: Number(process.env["PORT"]), host: "127.0.0.1" });
