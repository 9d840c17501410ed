/**
 * The human control page at `/_sim/`: forms for every action, the last action's answer and the
 * recent deliveries. Forms post to `/_sim/page/<action>`, run the same command as the JSON API,
 * and redirect back, so reloading the page never repeats an action.
 */

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import nunjucks from "nunjucks";
import { type CommandOutcome, runCommand } from "./commands.ts";
import { BURST_POOL } from "./patient-pool.ts";
import { MALFORMED_KINDS } from "./scenarios/malformed-kinds.ts";
import { EVENT_TYPES, FORMATS } from "./signal.ts";
import { type MnsContext, resetContext } from "./simulator-context.ts";

const RECENT_ROWS = 25;
/** Form fields the commands expect as numbers. */
const NUMBER_FIELDS = new Set(["count", "patients", "concurrency", "attempts"]);

const views = new nunjucks.Environment(
  new nunjucks.FileSystemLoader([
    join(import.meta.dirname, "views"),
    join(dirname(createRequire(import.meta.url).resolve("nhsuk-frontend/package.json")), "dist"),
  ]),
  { autoescape: true },
);

export interface PageInfo {
  endpoint: string;
  pdsOrigin: string;
}

interface LastAction {
  name: string;
  summary: string;
  json: string;
}

/** Form fields as a command body: empty fields left out, counts as numbers. */
export function formToInput(form: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (value.trim() === "") continue;
    input[key] = NUMBER_FIELDS.has(key) ? Number(value) : value.trim();
  }
  return input;
}

function summarise(outcome: CommandOutcome): string {
  const body = outcome.body as Record<string, unknown>;
  if (outcome.status !== 200) return `Refused (${outcome.status}): ${String(body["error"])}`;
  if (typeof body["delivered"] === "boolean") {
    return body["delivered"]
      ? `Event ${String(body["eventId"])} delivered.`
      : "The receiver did not accept it.";
  }
  if (typeof body["count"] === "number") return `${String(body["delivered"])} of ${body["count"]} delivered.`;
  if ("status" in body) return `The receiver answered ${String(body["status"] ?? "nothing")}.`;
  return "Done.";
}

function renderPage(context: MnsContext, info: PageInfo, last: LastAction | undefined): string {
  return views.render("control.njk", {
    title: "Control",
    ...info,
    defaultFormat: context.publisher.settings.defaultFormat,
    total: context.deliveries.size,
    last,
    eventTypes: EVENT_TYPES,
    formats: FORMATS,
    malformedKinds: MALFORMED_KINDS,
    poolSize: BURST_POOL.length,
    deliveries: context.deliveries.recent(RECENT_ROWS).reverse(),
  });
}

function parseForm(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** Registers `GET /` and `POST /page/:action` on the control plugin (prefix `/_sim`). */
export function registerControlPage(control: FastifyInstance, context: MnsContext, info: PageInfo): void {
  let last: LastAction | undefined;
  control.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => done(null, parseForm(String(body))),
  );
  control.get("/", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(renderPage(context, info, last)),
  );
  control.post<{ Params: { action: string }; Body: Record<string, string> }>(
    "/page/:action",
    async (request, reply) => {
      const { action } = request.params;
      if (action === "reset") {
        resetContext(context);
        last = undefined;
      } else {
        const outcome = await runCommand(context, action, formToInput(request.body ?? {}));
        last = { name: action, summary: summarise(outcome), json: JSON.stringify(outcome.body, null, 2) };
      }
      return reply.code(303).header("location", "/_sim/").send();
    },
  );
}
