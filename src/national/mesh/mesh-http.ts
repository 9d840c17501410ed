/**
 * One HTTPS request to MESH over the mutual-TLS agent: the client certificate and key, the CA that
 * MESH's server certificate must chain to, and `rejectUnauthorized` left on. Network and TLS
 * failures become `mesh.unreachable` / `mesh.tls_refused`; HTTP statuses are for the caller.
 */
import { Agent, request } from "node:https";
import { AppError } from "../../platform/errors.ts";
import { meshErrors } from "./mesh.errors.ts";

export interface MeshTls {
  /** PEM client certificate, key and CA bundle (contents, not paths). */
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export interface MeshResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** A keep-alive agent presenting the client certificate; it never accepts an unverified server. */
export function meshAgent(tls: MeshTls): Agent {
  return new Agent({
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
    keepAlive: true,
    maxSockets: 8,
  });
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/i;

function failure(error: unknown): AppError {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : "";
  const tls = TLS_CODES.test(code) || /alert|certificate/i.test(message);
  return new AppError(tls ? meshErrors.tls_refused : meshErrors.unreachable, { cause: error });
}

export function meshRequest(
  agent: Agent,
  url: URL,
  init: {
    readonly method: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: Buffer;
    readonly timeoutMs: number;
  },
): Promise<MeshResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (error) => reject(failure(error)));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.setTimeout(init.timeoutMs, () =>
      req.destroy(Object.assign(new Error("MESH timed out"), { code: "ETIMEDOUT" })),
    );
    req.on("error", (error) => reject(failure(error)));
    req.end(init.body);
  });
}
