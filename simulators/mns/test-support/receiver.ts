/**
 * A stand-in for the product's event intake, for the simulator's own tests: a plain node:http
 * server on port 0 that keeps every request exactly as received and answers with the statuses a
 * test queues (202 once the queue is empty).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as UTF-8 text. */
  body: string;
  /** The status this request was answered with. */
  answeredWith: number;
}

/** Runs before a request is answered, e.g. to re-read PDS the way the product would. */
export type BeforeAnswer = (request: ReceivedRequest) => Promise<void>;

export interface Receiver {
  /** The endpoint URL to give the simulator. */
  url: string;
  requests: ReceivedRequest[];
  /** Answers the next requests with these statuses, in order. */
  respondWith(...statuses: number[]): void;
  /** Sets (or with undefined, removes) the hook run before each answer. */
  beforeAnswer(hook: BeforeAnswer | undefined): void;
  /** Forgets received requests, queued statuses and the hook. */
  clear(): void;
  close(): Promise<void>;
}

const PATH = "/api/v1/events/mns";

/** Starts a receiver on 127.0.0.1 and a free port. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let queued: number[] = [];
  let hook: BeforeAnswer | undefined;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const status = queued.shift() ?? 202;
    const request = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      answeredWith: status,
    };
    requests.push(request);
    await hook?.(request);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    requests,
    respondWith: (...statuses) => queued.push(...statuses),
    beforeAnswer(next) {
      hook = next;
    },
    clear() {
      requests.length = 0;
      queued = [];
      hook = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Parses a received body as JSON. */
export function jsonOf(request: ReceivedRequest | undefined): Record<string, unknown> {
  if (!request) throw new Error("no such request was received");
  return JSON.parse(request.body) as Record<string, unknown>;
}
