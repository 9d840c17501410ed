/** MESH's error bodies (API v2), as the spec and mesh-sandbox shape them. */
import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";

/** v2 MeshError: `{ message_id?, internal_id, detail: [{ event, code, msg }] }`. */
export function meshError(
  reply: FastifyReply,
  status: number,
  error: { event: string; code: string; msg: string; messageId?: string },
): FastifyReply {
  return reply
    .code(status)
    .type("application/vnd.mesh.v2+json")
    .send({
      ...(error.messageId === undefined ? {} : { message_id: error.messageId }),
      internal_id: randomUUID(),
      detail: [{ event: error.event, code: error.code, msg: error.msg }],
    });
}

/** The FastAPI validation shape MESH answers a missing header with (400). */
export function missingHeaders(reply: FastifyReply, names: readonly string[]): FastifyReply {
  return reply
    .code(400)
    .type("application/json")
    .send({
      detail: names.map((name) => ({
        loc: ["header", name],
        msg: "field required",
        type: "value_error.missing",
      })),
    });
}
