/**
 * The JSON control API under `/_sim/`: one POST per action in `commands.ts`, plus the delivery
 * log, reset and health. Tests and the benchmark drive the simulator through it.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { COMMANDS } from "./commands.ts";
import { DEFAULT_LIMIT, DELIVERY_LOG_CAPACITY } from "./delivery-log.ts";
import { type MnsContext, resetContext } from "./simulator-context.ts";

const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(DELIVERY_LOG_CAPACITY).default(DEFAULT_LIMIT),
});

function registerLogRoutes(control: FastifyInstance, context: MnsContext): void {
  control.get("/deliveries", async (request, reply) => {
    const parsed = deliveriesQuery.safeParse(request.query);
    if (!parsed.success) {
      return reply.code(400).send({ error: "invalid request", details: z.prettifyError(parsed.error) });
    }
    return { total: context.deliveries.size, deliveries: context.deliveries.recent(parsed.data.limit) };
  });
  control.post("/reset", async () => {
    resetContext(context);
    return { status: "reset" };
  });
}

/** Like Fastify's own JSON parser, but an empty body reads as `{}`, so argument-less actions need none. */
function acceptEmptyJson(control: FastifyInstance): void {
  control.removeContentTypeParser("application/json");
  control.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error("request body is not valid JSON"), { statusCode: 400 }), undefined);
    }
  });
}

/** Registers the JSON routes on a plugin already prefixed with `/_sim`. */
export function registerControlApi(control: FastifyInstance, context: MnsContext): void {
  acceptEmptyJson(control);
  control.get("/health", async () => ({ status: "ok" }));
  registerLogRoutes(control, context);
  for (const action of COMMANDS) {
    control.post(`/${action.name}`, async (request, reply) => {
      const outcome = await action.run(context, request.body ?? {});
      return reply.code(outcome.status).send(outcome.body);
    });
  }
}
