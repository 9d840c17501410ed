/**
 * A local MESH mailbox server (MESH API v2) over HTTPS on loopback, with its own test CA: it
 * requires a client certificate issued by that CA to a `*.api.mesh-client.nhs.uk` name and in date,
 * checks every NHSMESH token (auth-check.ts), and serves handshake, inbox (paging), download
 * (chunks), acknowledge and send. Tests get a handle to seed messages, issue certificates, hold
 * acknowledgements and read what clients did.
 */
import type { TLSSocket } from "node:tls";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { checkAuthorization } from "./auth-check.ts";
import { registerInboxRoutes } from "./inbox-routes.ts";
import { MailboxStore, type NewMessage, type StoredMessage } from "./mailbox-store.ts";
import { meshError } from "./mesh-errors.ts";
import type { MeshState } from "./mesh-state.ts";
import { registerOutboxRoutes } from "./outbox-routes.ts";
import { createTestCa, type IssuedCertificate, type IssueOptions, type TestCa } from "./test-ca.ts";

export const CLIENT_NAME_SUFFIX = ".api.mesh-client.nhs.uk";

export interface MeshSimulatorOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Loopback only by default. */
  readonly host?: string;
  /** The environment's shared key (the HMAC key of every token). */
  readonly sharedKey: string;
  readonly mailboxes: readonly { readonly id: string; readonly password: string }[];
  /** Default: a new CA for this instance. */
  readonly ca?: TestCa;
  /** How far a token's timestamp may be from the simulator's clock; MESH: 120 minutes. */
  readonly windowMinutes?: number;
  readonly now?: () => Date;
}

export interface MeshMessageInput {
  readonly from: string;
  readonly to: string;
  readonly workflowId?: string;
  readonly contentType?: string;
  /** One entry per chunk; with `gzip` each is gzipped on its own by the caller. */
  readonly chunks: readonly Buffer[];
  readonly gzip?: boolean;
  readonly messageType?: "DATA" | "REPORT";
  readonly statusCode?: string;
}

export interface MeshSimulator {
  /** e.g. https://127.0.0.1:8700 */
  readonly url: string;
  /** The CA's PEM certificate: the client's MESH_CA_CERT. */
  readonly caCert: string;
  readonly state: MeshState;
  /** A client certificate from the simulator's CA (default: in date, named SERVER001.X26.api.mesh-client.nhs.uk). */
  issueClientCertificate(options?: Partial<IssueOptions>): IssuedCertificate;
  /** Puts a message straight into a mailbox's inbox. */
  deliver(message: MeshMessageInput): StoredMessage;
  /** Ids listed in a mailbox's inbox now. */
  inbox(mailbox: string): string[];
  /** From now on acknowledgements wait until `release()`; `held()` resolves with the first one waiting. */
  holdAcknowledgements(): { held(): Promise<string>; release(): void };
  close(): Promise<void>;
}

function mailboxOf(url: string): string | undefined {
  const m = /^\/messageexchange\/([^/?]+)/.exec(url);
  return m?.[1];
}

function refuse(state: MeshState, reply: FastifyReply, status: number, msg: string): FastifyReply {
  state.refusals.push({ status, msg });
  return meshError(reply, status, { event: "AUTH", code: String(status), msg });
}

/** Client certificate, Accept header, then the token: MESH refuses before it routes. */
function gate(state: MeshState) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const mailbox = mailboxOf(request.url);
    if (mailbox === undefined) return;
    const socket = request.raw.socket as TLSSocket;
    if (!socket.authorized)
      return refuse(
        state,
        reply,
        403,
        `Client certificate refused: ${String(socket.authorizationError ?? "none presented")}`,
      );
    const cn = socket.getPeerCertificate().subject?.CN;
    if (typeof cn !== "string" || !cn.endsWith(CLIENT_NAME_SUFFIX))
      return refuse(state, reply, 403, "Client certificate refused: not issued to a MESH client name");
    const accept = String(request.headers.accept ?? "");
    if (/vnd\.mesh/i.test(accept) && !/application\/vnd\.mesh\.v2\+json/i.test(accept))
      return refuse(state, reply, 400, "Accept header api format incorrect");
    const header = request.headers.authorization;
    const refusal = checkAuthorization(Array.isArray(header) ? header[0] : header, mailbox, {
      sharedKey: state.sharedKey,
      passwords: state.store.passwords,
      now: state.now(),
      windowMinutes: state.windowMinutes,
      seen: state.seenTokens,
    });
    if (refusal !== null) return refuse(state, reply, 403, refusal);
  };
}

function newState(options: MeshSimulatorOptions): MeshState {
  const store = new MailboxStore();
  for (const m of options.mailboxes) store.addMailbox(m.id.toUpperCase(), m.password);
  return {
    store,
    sharedKey: options.sharedKey,
    windowMinutes: options.windowMinutes ?? 120,
    seenTokens: new Set(),
    now: options.now ?? (() => new Date()),
    handshakes: [],
    inboxCalls: [],
    downloads: [],
    acknowledged: [],
    refusals: [],
    ackGate: null,
    heldAcks: [],
    abandonedAcks: [],
    onAckHeld: () => {},
  };
}

function build(state: MeshState, tls: { key: string; cert: string; ca: string }): FastifyInstance {
  const app = Fastify({
    logger: false,
    https: { ...tls, requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.2" },
    bodyLimit: 100 * 1024 * 1024,
    forceCloseConnections: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.addHook("onRequest", gate(state));
  registerInboxRoutes(app, state);
  registerOutboxRoutes(app, state);
  app.get("/_sim/messages", async () => ({
    messages: state.store
      .all()
      .map((m) => ({ id: m.id, from: m.from, to: m.to, status: m.status, chunks: m.totalChunks })),
  }));
  return app;
}

export async function startMeshSimulator(options: MeshSimulatorOptions): Promise<MeshSimulator> {
  if (options.sharedKey === "") throw new Error("sharedKey must not be empty");
  const ca = options.ca ?? createTestCa();
  const host = options.host ?? "127.0.0.1";
  const server = ca.issue({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
  const state = newState(options);
  const app = build(state, { key: server.key, cert: server.cert, ca: ca.cert });
  await app.listen({ port: options.port, host });
  let activeRelease: () => void = () => {};
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    url: `https://${host}:${port}`,
    caCert: ca.cert,
    state,
    issueClientCertificate: (o = {}) => ca.issue({ commonName: `SERVER001.X26${CLIENT_NAME_SUFFIX}`, ...o }),
    deliver(input) {
      const message: NewMessage = {
        from: input.from.toUpperCase(),
        to: input.to.toUpperCase(),
        workflowId: input.workflowId ?? "MNS_EVENTS",
        messageType: input.messageType ?? "DATA",
        contentType: input.contentType ?? "application/fhir+json",
        contentEncoding: input.gzip ? "gzip" : undefined,
        localId: undefined,
        subject: undefined,
        statusCode: input.statusCode ?? "00",
        totalChunks: input.chunks.length,
        chunks: [...input.chunks],
      };
      return state.store.add(message, state.now());
    },
    inbox: (mailbox) => state.store.inbox(mailbox.toUpperCase()).map((m) => m.id),
    holdAcknowledgements() {
      let release: () => void = () => {};
      activeRelease = () => release();
      state.ackGate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first = new Promise<string>((resolve) => {
        state.onAckHeld = resolve;
      });
      return {
        held: () => first,
        release: () => {
          state.ackGate = null;
          state.onAckHeld = () => {};
          release();
        },
      };
    },
    async close() {
      activeRelease();
      state.ackGate = null;
      await app.close();
    },
  };
}
