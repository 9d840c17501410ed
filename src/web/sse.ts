/** Server-sent event streams as our routes open them: the response taken over from Fastify, our headers kept. */
import type { FastifyReply } from "fastify";

/** A server-sent event: its name and one line of JSON. */
export function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Takes the response over from Fastify and starts the event stream with our usual headers. */
export function openStream(reply: FastifyReply, retryMs = 10_000): void {
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = value;
  reply.raw.writeHead(200, {
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    // Proxies must pass events through as they come.
    "x-accel-buffering": "no",
  });
  // A reconnecting browser waits a while rather than hammering us after a restart.
  reply.raw.write(`retry: ${retryMs}\n\n: connected\n\n`);
}
