/**
 * The MESH API v2 client for one mailbox: handshake, the inbox page by page, download (chunked
 * messages fetched chunk by chunk, each gunzipped on its own before joining) and acknowledge.
 * Every request carries a fresh NHSMESH token and `Accept: application/vnd.mesh.v2+json`, over
 * mutual TLS. Failures are `mesh.*` AppErrors with MESH's status and error detail in `details`.
 */
import { gunzipSync } from "node:zlib";
import type { Clock } from "../../platform/clock.ts";
import { AppError } from "../../platform/errors.ts";
import { meshErrors } from "./mesh.errors.ts";
import { freshAuthorization, type MeshCredentials } from "./mesh-auth.ts";
import { type MeshResponse, type MeshTls, meshAgent, meshRequest } from "./mesh-http.ts";

export const MESH_ACCEPT = "application/vnd.mesh.v2+json";

export interface MeshClientOptions extends MeshCredentials {
  /** e.g. https://msg.intspineservices.nhs.uk (no trailing path). */
  readonly baseUrl: string;
  readonly tls: MeshTls;
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** `max_results` of an inbox page (MESH: 10–5000, default 500). */
  readonly pageSize: number;
  /** Our `mex-ClientVersion`, e.g. `ncrs-connect==0.1.0`. */
  readonly clientVersion: string;
}

export interface InboxPage {
  readonly messageIds: readonly string[];
  /** Where the next page is (a path on the MESH host), when MESH says there are more. */
  readonly next: string | null;
}

export interface MeshMessage {
  readonly messageId: string;
  /** DATA, or REPORT (an error report with an empty body). */
  readonly messageType: string;
  readonly workflowId: string | undefined;
  /** `mex-content-type` if the sender set it, else the HTTP Content-Type. */
  readonly contentType: string | undefined;
  readonly from: string | undefined;
  readonly statusCode: string | undefined;
  readonly body: Buffer;
  readonly chunks: number;
}

function header(response: MeshResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** MESH's error detail (v2 `detail[]`), safe to log: codes and messages, no content. */
function detailOf(response: MeshResponse): Record<string, unknown> {
  try {
    const parsed = JSON.parse(response.body.toString("utf8")) as { detail?: unknown };
    return { status: response.status, detail: parsed.detail };
  } catch {
    return { status: response.status };
  }
}

export class MeshClient {
  readonly #options: MeshClientOptions;
  readonly #agent;
  readonly #mailbox: string;

  constructor(options: MeshClientOptions) {
    this.#options = options;
    this.#agent = meshAgent(options.tls);
    this.#mailbox = options.mailboxId.toUpperCase();
  }

  get mailboxId(): string {
    return this.#mailbox;
  }

  /** Validates the mailbox (MESH asks for one a day, and at start). */
  async handshake(): Promise<void> {
    const response = await this.#call("POST", `/messageexchange/${this.#mailbox}`, {
      "mex-ClientVersion": this.#options.clientVersion,
      "mex-OSName": process.platform,
      "mex-OSVersion": process.version,
      "mex-OSArchitecture": process.arch,
    });
    if (response.status === 403) await this.#expect(response, [200]);
    if (response.status !== 200)
      throw new AppError(meshErrors.handshake_refused, { details: detailOf(response) });
  }

  /** One page of message ids: the first, or the one `next` points at. */
  async inbox(next: string | null = null): Promise<InboxPage> {
    const path = next ?? `/messageexchange/${this.#mailbox}/inbox?max_results=${this.#options.pageSize}`;
    const response = await this.#expect(await this.#call("GET", path), [200]);
    const parsed = this.#json(response) as { messages?: unknown; links?: { next?: unknown } };
    if (!Array.isArray(parsed.messages) || parsed.messages.some((m) => typeof m !== "string"))
      throw new AppError(meshErrors.bad_response, { details: { status: 200, what: "inbox" } });
    const link = parsed.links?.next;
    return { messageIds: parsed.messages as string[], next: typeof link === "string" ? link : null };
  }

  /** Downloads a whole message: chunk 1, then 2..n while MESH answers 206. */
  async download(messageId: string): Promise<MeshMessage> {
    const base = `/messageexchange/${this.#mailbox}/inbox/${encodeURIComponent(messageId)}`;
    const first = await this.#expect(await this.#call("GET", base), [200, 206]);
    const total = this.#chunkTotal(first);
    const parts = [this.#content(first)];
    for (let n = 2; n <= total; n++) {
      const chunk = await this.#expect(await this.#call("GET", `${base}/${n}`), [200, 206]);
      parts.push(this.#content(chunk));
    }
    return {
      messageId: header(first, "mex-messageid") ?? messageId,
      messageType: (header(first, "mex-messagetype") ?? "DATA").toUpperCase(),
      workflowId: header(first, "mex-workflowid"),
      contentType: header(first, "mex-content-type") ?? header(first, "content-type"),
      from: header(first, "mex-from"),
      statusCode: header(first, "mex-statuscode"),
      body: Buffer.concat(parts),
      chunks: total,
    };
  }

  /** Removes the message from the inbox; it cannot be downloaded again afterwards. */
  async acknowledge(messageId: string): Promise<void> {
    const path = `/messageexchange/${this.#mailbox}/inbox/${encodeURIComponent(messageId)}/status/acknowledged`;
    await this.#expect(await this.#call("PUT", path), [200]);
  }

  close(): void {
    this.#agent.destroy();
  }

  #chunkTotal(response: MeshResponse): number {
    const range = header(response, "mex-chunk-range");
    if (range === undefined) return 1;
    const match = /^(\d+):(\d+)$/.exec(range.trim());
    const total = Number(match?.[2]);
    if (match?.[1] !== "1" || !Number.isInteger(total) || total < 1)
      throw new AppError(meshErrors.bad_response, {
        details: { status: response.status, what: "chunk range" },
      });
    return total;
  }

  /** A chunk's bytes, gunzipped on their own when MESH sent them gzipped. */
  #content(response: MeshResponse): Buffer {
    const encoding = header(response, "content-encoding")?.toLowerCase();
    if (encoding !== "gzip") return response.body;
    try {
      return gunzipSync(response.body);
    } catch (error) {
      throw new AppError(meshErrors.bad_response, { cause: error, details: { what: "gzip chunk" } });
    }
  }

  #json(response: MeshResponse): unknown {
    try {
      return JSON.parse(response.body.toString("utf8"));
    } catch (error) {
      throw new AppError(meshErrors.bad_response, { cause: error, details: { status: response.status } });
    }
  }

  async #expect(response: MeshResponse, ok: readonly number[]): Promise<MeshResponse> {
    if (ok.includes(response.status)) return response;
    const definition =
      response.status === 403
        ? /certificate/i.test(response.body.toString("utf8"))
          ? meshErrors.tls_refused
          : meshErrors.auth_refused
        : response.status === 404 || response.status === 410
          ? meshErrors.message_gone
          : response.status >= 500 || response.status === 429
            ? meshErrors.unreachable
            : meshErrors.bad_response;
    throw new AppError(definition, { details: detailOf(response) });
  }

  #call(method: string, path: string, extra: Record<string, string> = {}): Promise<MeshResponse> {
    const url = new URL(path, this.#options.baseUrl);
    // A `links.next` is a path on the MESH host: never send a token anywhere else.
    if (url.origin !== new URL(this.#options.baseUrl).origin)
      return Promise.reject(
        new AppError(meshErrors.bad_response, { details: { what: "link to another host" } }),
      );
    return meshRequest(this.#agent, url, {
      method,
      timeoutMs: this.#options.timeoutMs,
      headers: {
        authorization: freshAuthorization(this.#options, this.#options.clock.now()),
        accept: MESH_ACCEPT,
        "accept-encoding": "gzip",
        "user-agent": `${this.#options.clientVersion};${process.platform};${process.arch}`,
        ...extra,
      },
    });
  }
}
