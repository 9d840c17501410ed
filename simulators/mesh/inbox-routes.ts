/**
 * The receiving side of MESH API v2: handshake, inbox with paging, download (whole or chunk by
 * chunk: 206 while more remain, `Mex-Chunk-Range: n:total`), and acknowledge (then no longer listed,
 * 410 on download, 403 for another mailbox's message).
 */
import type { TLSSocket } from "node:tls";
import { gunzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { StoredMessage } from "./mailbox-store.ts";
import { meshError, missingHeaders } from "./mesh-errors.ts";
import type { MeshState } from "./mesh-state.ts";

type Params = { mailbox: string; id: string; chunk?: string };
const HANDSHAKE_HEADERS = ["mex-ClientVersion", "mex-OSName", "mex-OSVersion"];

function pageSize(raw: unknown): number | null {
  if (raw === undefined) return 500;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 10 && n <= 5000 ? n : null;
}

function responseHeaders(message: StoredMessage, chunk: number): Record<string, string> {
  return {
    // Mixed case on purpose: clients must not depend on header-name case.
    "Mex-MessageID": message.id,
    "mex-messagetype": message.messageType,
    "MEX-FROM": message.from,
    "mex-to": message.to,
    "mex-WorkflowID": message.workflowId,
    "mex-content-type": message.contentType,
    "mex-filename": `${message.id}.dat`,
    "Mex-Chunk-Range": `${chunk}:${message.totalChunks}`,
    "mex-total-chunks": String(message.totalChunks),
    "mex-statuscode": message.statusCode,
    "mex-statussuccess": message.statusCode === "00" ? "SUCCESS" : "ERROR",
    "mex-addresstype": "ALL",
    "mex-version": "1.0",
    ...(message.localId === undefined ? {} : { "mex-localid": message.localId }),
    ...(message.subject === undefined ? {} : { "mex-subject": message.subject }),
  };
}

function sendChunk(request: FastifyRequest, reply: FastifyReply, message: StoredMessage, n: number) {
  const bytes = message.chunks[n - 1] as Buffer;
  const acceptsGzip = /\bgzip\b/i.test(String(request.headers["accept-encoding"] ?? ""));
  reply.headers(responseHeaders(message, n)).code(n < message.totalChunks ? 206 : 200);
  reply.type(message.totalChunks === 1 ? message.contentType : "application/octet-stream");
  if (message.contentEncoding === "gzip" && acceptsGzip)
    return reply.header("content-encoding", "gzip").send(bytes);
  return reply.send(message.contentEncoding === "gzip" ? gunzipSync(bytes) : bytes);
}

export function registerInboxRoutes(app: FastifyInstance, state: MeshState): void {
  app.post<{ Params: Params }>("/messageexchange/:mailbox", async (request, reply) => {
    const missing = HANDSHAKE_HEADERS.filter((h) => !request.headers[h.toLowerCase()]);
    if (missing.length > 0) return missingHeaders(reply, missing);
    state.handshakes.push({ mailbox: request.params.mailbox, at: state.now() });
    return reply.code(200).send();
  });

  app.get<{ Params: Params; Querystring: { max_results?: string; continue_from?: string } }>(
    "/messageexchange/:mailbox/inbox",
    async (request, reply) => {
      const size = pageSize(request.query.max_results);
      if (size === null) return missingHeaders(reply, []).code(400);
      const { mailbox } = request.params;
      const all = state.store.inbox(mailbox);
      const from = request.query.continue_from;
      if (from !== undefined && !/^\d{24}$/.test(from)) return missingHeaders(reply, []).code(400);
      const after = from === undefined ? 0 : Number(from);
      const page = all.filter((m) => m.seq > after).slice(0, size);
      const client = (request.raw.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "";
      state.inboxCalls.push({ mailbox, client: String(client), at: state.now(), returned: page.length });
      const base = `/messageexchange/${mailbox}/inbox?max_results=${size}`;
      const last = page.at(-1);
      const more = last !== undefined && all.some((m) => m.seq > last.seq);
      return reply.type("application/vnd.mesh.v2+json").send({
        messages: page.map((m) => m.id),
        approx_inbox_count: all.length,
        links: {
          self: from === undefined ? base : `${base}&continue_from=${from}`,
          ...(more && last ? { next: `${base}&continue_from=${String(last.seq).padStart(24, "0")}` } : {}),
        },
      });
    },
  );

  const download = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { mailbox, id } = request.params;
    const message = state.store.get(id);
    if (!message || message.status === "uploading")
      return meshError(reply, 404, {
        event: "DOWNLOAD",
        code: "20",
        msg: "Message does not exist",
        messageId: id,
      });
    if (message.to !== mailbox)
      return meshError(reply, 403, {
        event: "DOWNLOAD",
        code: "403",
        msg: "Message is not for this mailbox",
      });
    if (message.status === "acknowledged")
      return meshError(reply, 410, {
        event: "DOWNLOAD",
        code: "410",
        msg: "Message has been acknowledged",
        messageId: id,
      });
    const n = request.params.chunk === undefined ? 1 : Number(request.params.chunk);
    if (!Number.isInteger(n) || n < 1 || n > message.totalChunks)
      return meshError(reply, 404, {
        event: "DOWNLOAD",
        code: "20",
        msg: "Chunk does not exist",
        messageId: id,
      });
    state.downloads.push({ id, chunk: n });
    return sendChunk(request, reply, message, n);
  };
  app.get<{ Params: Params }>("/messageexchange/:mailbox/inbox/:id", download);
  app.get<{ Params: Params }>("/messageexchange/:mailbox/inbox/:id/:chunk", download);

  app.put<{ Params: Params }>(
    "/messageexchange/:mailbox/inbox/:id/status/acknowledged",
    async (request, reply) => {
      const { mailbox, id } = request.params;
      const message = state.store.get(id);
      if (!message)
        return meshError(reply, 404, {
          event: "ACK",
          code: "20",
          msg: "Message does not exist",
          messageId: id,
        });
      if (message.to !== mailbox)
        return meshError(reply, 403, { event: "ACK", code: "403", msg: "Message is not for this mailbox" });
      // When acknowledgements are held (crash tests), the request waits; if the client is gone by the
      // time it is released, the acknowledgement never happened.
      if (state.ackGate) {
        state.heldAcks.push(id);
        state.onAckHeld(id);
        const socket = request.raw.socket;
        const closed = new Promise<"closed">((resolve) => socket.once("close", () => resolve("closed")));
        if ((await Promise.race([state.ackGate, closed])) === "closed" || socket.destroyed) {
          state.abandonedAcks.push(id);
          return reply;
        }
      }
      message.status = "acknowledged";
      state.acknowledged.push(id);
      return reply.code(200).send();
    },
  );
}
