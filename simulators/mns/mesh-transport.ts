/**
 * Delivery into a MESH mailbox instead of an HTTP endpoint, as real MNS delivers to subscribers
 * with a `mesh://MAILBOX?workflow_id=WF` channel: each event is one MESH message, sent from MNS's
 * own mailbox (`POST /messageexchange/{from}/outbox`, mutual TLS, a fresh NHSMESH token per
 * attempt, `mex-To` our mailbox, `mex-WorkflowID` the subscription's), 202 meaning accepted. The
 * event's HTTP signature headers are not sent: MESH authenticates the sender itself.
 */
import { createHmac, randomUUID } from "node:crypto";
import { Agent, request } from "node:https";

export interface MeshDeliveryOptions {
  /** e.g. https://127.0.0.1:8700 */
  readonly url: string;
  /** MNS's sending mailbox, its password, and the environment's shared key. */
  readonly from: string;
  readonly password: string;
  readonly sharedKey: string;
  /** The subscriber's mailbox and workflow id (from the subscription's channel endpoint). */
  readonly to: string;
  readonly workflowId: string;
  /** PEM client certificate, key and the CA MESH's server chains to. */
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export type Transport = (
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<{ status: number | null; error?: string }>;

function token(o: MeshDeliveryOptions, at: Date): string {
  const ts = at.toISOString().replace(/[-:T]/g, "").slice(0, 12);
  const nonce = randomUUID();
  const hash = createHmac("sha256", o.sharedKey)
    .update(`${o.from}:${nonce}:0:${o.password}:${ts}`)
    .digest("hex");
  return `NHSMESH ${o.from}:${nonce}:0:${ts}:${hash}`;
}

export function meshTransport(options: MeshDeliveryOptions): Transport {
  const agent = new Agent({ cert: options.cert, key: options.key, ca: options.ca, keepAlive: true });
  const url = new URL(`/messageexchange/${options.from}/outbox`, options.url);
  return (body, headers, signal) =>
    new Promise((resolve) => {
      const contentType = headers["Content-Type"] ?? "application/fhir+json";
      const req = request(
        url,
        {
          method: "POST",
          agent,
          signal,
          headers: {
            authorization: token(options, new Date()),
            accept: "application/vnd.mesh.v2+json",
            "content-type": contentType,
            "mex-to": options.to,
            "mex-workflowid": options.workflowId,
            "mex-content-type": contentType,
            "mex-localid": headers["X-Correlation-ID"] ?? randomUUID(),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? null }));
        },
      );
      req.on("error", (error) => resolve({ status: null, error: `${error.name}: ${error.message}` }));
      req.end(body);
    });
}
