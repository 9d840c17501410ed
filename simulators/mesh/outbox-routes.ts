/**
 * The sending side of MESH API v2, so the MNS simulator can post events into our mailbox: `POST
 * /outbox` (chunk 1, 202 `{ message_id }`), `POST /outbox/{id}/{n}` for further chunks, with the
 * sandbox's validation (missing `mex-To` 400 code 08; unknown recipient 417 code 12; empty body 417
 * code 02; bad chunk range 417; control characters in headers 400 code 06; chunk posts to a
 * finished message 423, beyond the total 406, from another sender 403).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { meshError } from "./mesh-errors.ts";
import type { MeshState } from "./mesh-state.ts";

type Params = { mailbox: string; id: string; chunk: string };

function h(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function chunkRange(text: string | undefined): { n: number; total: number } | null {
  if (text === undefined) return { n: 1, total: 1 };
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  const n = Number(m?.[1]);
  const total = Number(m?.[2]);
  return m && n >= 1 && total >= n ? { n, total } : null;
}

function invalid(reply: FastifyReply, code: string, msg: string, status = 417): FastifyReply {
  return meshError(reply, status, { event: "SEND", code, msg });
}

export function registerOutboxRoutes(app: FastifyInstance, state: MeshState): void {
  app.post<{ Params: { mailbox: string } }>("/messageexchange/:mailbox/outbox", async (request, reply) => {
    const to = h(request, "mex-to")?.toUpperCase();
    const workflowId = h(request, "mex-workflowid");
    const body = request.body as Buffer | undefined;
    const controls = Object.entries(request.headers).filter(
      ([k, v]) => k.startsWith("mex-") && [...String(v)].some((c) => c.charCodeAt(0) < 0x20),
    );
    if (controls.length > 0) return invalid(reply, "06", "MalformedControlFile", 400);
    if (!to) return invalid(reply, "08", "Missing Mex-To", 400);
    if (!workflowId) return invalid(reply, "06", "MalformedControlFile: missing mex-WorkflowID", 400);
    if (!state.store.passwords.has(to)) return invalid(reply, "12", "Unregistered to address");
    const range = chunkRange(h(request, "mex-chunk-range"));
    if (range?.n !== 1) return invalid(reply, "InvalidHeaderChunks", "Invalid chunk range");
    if (!body || body.length === 0) return invalid(reply, "02", "MissingDataFile");
    const message = state.store.add(
      {
        from: request.params.mailbox,
        to,
        workflowId,
        messageType: "DATA",
        contentType:
          h(request, "mex-content-type") ?? h(request, "content-type") ?? "application/octet-stream",
        contentEncoding: h(request, "content-encoding") === "gzip" ? "gzip" : undefined,
        localId: h(request, "mex-localid"),
        subject: h(request, "mex-subject"),
        statusCode: "00",
        totalChunks: range.total,
        chunks: [body],
      },
      state.now(),
    );
    return reply.code(202).type("application/vnd.mesh.v2+json").send({ message_id: message.id });
  });

  app.post<{ Params: Params }>("/messageexchange/:mailbox/outbox/:id/:chunk", async (request, reply) => {
    const message = state.store.get(request.params.id);
    const n = Number(request.params.chunk);
    const body = request.body as Buffer | undefined;
    if (!message) return meshError(reply, 404, { event: "SEND", code: "20", msg: "Message does not exist" });
    if (message.from !== request.params.mailbox) return invalid(reply, "403", "Not the sender", 403);
    if (message.status !== "uploading") return invalid(reply, "423", "Message is finalised", 423);
    if (!Number.isInteger(n) || n > message.totalChunks)
      return invalid(reply, "406", "Chunk beyond the total", 406);
    if (n !== message.chunks.length + 1) return invalid(reply, "InvalidHeaderChunks", "Chunks out of order");
    if ((h(request, "content-encoding") === "gzip" ? "gzip" : undefined) !== message.contentEncoding)
      return invalid(reply, "InvalidHeaderChunks", "Content-Encoding changed between chunks");
    if (!body || body.length === 0) return invalid(reply, "02", "MissingDataFile");
    message.chunks.push(body);
    if (message.chunks.length === message.totalChunks) message.status = "accepted";
    return reply.code(202).type("application/vnd.mesh.v2+json").send({ message_id: message.id });
  });
}
