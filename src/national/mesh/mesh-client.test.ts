/**
 * The MESH client against the MESH simulator over real mutual TLS: handshake, paging, chunked
 * gzip downloads, acknowledgement; and every refusal mapped into our catalogue (a bad NHSMESH
 * token, an expired or wrongly named client certificate, an untrusted server).
 */
import { randomUUID } from "node:crypto";
import { request } from "node:https";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MeshSimulator, startMeshSimulator } from "../../../simulators/mesh/server.ts";
import { createTestCa } from "../../../simulators/mesh/test-ca.ts";
import { systemClock } from "../../platform/clock.ts";
import { nhsmeshAuthorization } from "./mesh-auth.ts";
import { MeshClient, type MeshClientOptions } from "./mesh-client.ts";

const MAILBOX = "X26ABC1";
const SENDER = "X26ABC2";
const SHARED_KEY = "TestKey-for-mesh-client-tests";
const PASSWORD = "password-1";
const DAY = 86_400_000;

let mesh: MeshSimulator;
const clients: MeshClient[] = [];

function client(overrides: Partial<MeshClientOptions> = {}): MeshClient {
  const cert = mesh.issueClientCertificate();
  const c = new MeshClient({
    baseUrl: mesh.url,
    mailboxId: MAILBOX,
    password: PASSWORD,
    sharedKey: SHARED_KEY,
    tls: { cert: cert.cert, key: cert.key, ca: mesh.caCert },
    clock: systemClock,
    timeoutMs: 5000,
    pageSize: 10,
    clientVersion: "ncrs-connect==test",
    ...overrides,
  });
  clients.push(c);
  return c;
}

/** One raw request with a hand-made Authorization header (for what our client never sends). */
function raw(path: string, authorization: string | undefined): Promise<{ status: number; body: string }> {
  const cert = mesh.issueClientCertificate();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, mesh.url),
      {
        method: "GET",
        ca: mesh.caCert,
        cert: cert.cert,
        key: cert.key,
        headers: { accept: "application/vnd.mesh.v2+json", ...(authorization ? { authorization } : {}) },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const token = (over: { mailbox?: string; key?: string; at?: Date; nonce?: string; count?: number } = {}) =>
  nhsmeshAuthorization(
    { mailboxId: over.mailbox ?? MAILBOX, password: PASSWORD, sharedKey: over.key ?? SHARED_KEY },
    { nonce: over.nonce ?? randomUUID(), nonceCount: over.count ?? 0, at: over.at ?? new Date() },
  );

beforeAll(async () => {
  mesh = await startMeshSimulator({
    port: 0,
    sharedKey: SHARED_KEY,
    mailboxes: [
      { id: MAILBOX, password: PASSWORD },
      { id: SENDER, password: "password-2" },
    ],
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await mesh.close();
});

describe("the MESH client", () => {
  it("handshakes with the mex headers MESH requires", async () => {
    const before = mesh.state.handshakes.length;
    await client().handshake();
    expect(mesh.state.handshakes.length).toBe(before + 1);
  });

  it("pages through a full inbox by links.next", async () => {
    const ids = Array.from(
      { length: 23 },
      (_, i) => mesh.deliver({ from: SENDER, to: MAILBOX, chunks: [Buffer.from(`{"n":${i}}`)] }).id,
    );
    const c = client();
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const page = await c.inbox(next);
      seen.push(...page.messageIds);
      next = page.next;
      pages++;
    } while (next !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    for (const id of ids) await c.acknowledge(id);
    expect(mesh.inbox(MAILBOX)).toEqual([]);
  });

  it("downloads a three-chunk message gzipped chunk by chunk, and it is gone once acknowledged", async () => {
    const text = JSON.stringify({ resourceType: "Bundle", padding: "x".repeat(3000) });
    const parts = [text.slice(0, 1000), text.slice(1000, 2000), text.slice(2000)];
    const sent = mesh.deliver({
      from: SENDER,
      to: MAILBOX,
      gzip: true,
      chunks: parts.map((p) => gzipSync(p)),
    });
    const c = client();
    const message = await c.download(sent.id);
    expect(message.chunks).toBe(3);
    expect(message.body.toString("utf8")).toBe(text);
    expect(message.messageType).toBe("DATA");
    expect(message.contentType).toBe("application/fhir+json");
    await c.acknowledge(sent.id);
    await expect(c.download(sent.id)).rejects.toMatchObject({ code: "mesh.message_gone" });
  });
});

describe("MESH refusals, as our catalogue names them", () => {
  it("a token keyed with the wrong shared key is refused (mesh.auth_refused)", async () => {
    await expect(client({ sharedKey: "not-the-shared-key" }).inbox()).rejects.toMatchObject({
      code: "mesh.auth_refused",
      details: { status: 403 },
    });
  });

  it("a wrong mailbox password is refused (mesh.auth_refused)", async () => {
    await expect(client({ password: "wrong" }).handshake()).rejects.toMatchObject({
      code: "mesh.auth_refused",
    });
  });

  it("refuses a replayed token, a timestamp over two hours out, another mailbox's token and a wrong scheme", async () => {
    const inbox = `/messageexchange/${MAILBOX}/inbox`;
    const once = token();
    expect((await raw(inbox, once)).status).toBe(200);
    const replay = await raw(inbox, once);
    expect(replay.status).toBe(403);
    expect(replay.body).toContain("already been used");
    const late = await raw(inbox, token({ at: new Date(Date.now() - 2 * 3_600_000 - 120_000) }));
    expect(late.status).toBe(403);
    expect(late.body).toContain("expired or is not yet valid");
    expect((await raw(inbox, token({ at: new Date(Date.now() - 100 * 60_000) }))).status).toBe(200);
    const other = await raw(inbox, token({ mailbox: SENDER }));
    expect(other.status).toBe(403);
    expect(other.body).toContain("Mailbox id does not match token");
    expect((await raw(inbox, token().replace("NHSMESH ", "Bearer "))).status).toBe(403);
    expect((await raw(inbox, undefined)).status).toBe(403);
  });

  it("an expired client certificate is refused (mesh.tls_refused)", async () => {
    const expired = mesh.issueClientCertificate({
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const c = client({ tls: { cert: expired.cert, key: expired.key, ca: mesh.caCert } });
    await expect(c.handshake()).rejects.toMatchObject({ code: "mesh.tls_refused", details: { status: 403 } });
    expect(mesh.state.refusals.at(-1)?.msg).toContain("CERT_HAS_EXPIRED");
  });

  it("a certificate from another CA, or not named as a MESH client, is refused (mesh.tls_refused)", async () => {
    const stranger = createTestCa("Not MESH").issue({ commonName: `SERVER001.X26.api.mesh-client.nhs.uk` });
    await expect(
      client({ tls: { cert: stranger.cert, key: stranger.key, ca: mesh.caCert } }).inbox(),
    ).rejects.toMatchObject({ code: "mesh.tls_refused" });
    const misnamed = mesh.issueClientCertificate({ commonName: "someone.example" });
    await expect(
      client({ tls: { cert: misnamed.cert, key: misnamed.key, ca: mesh.caCert } }).inbox(),
    ).rejects.toMatchObject({ code: "mesh.tls_refused" });
  });

  it("a MESH server whose certificate does not chain to MESH_CA_CERT is never trusted", async () => {
    const cert = mesh.issueClientCertificate();
    const c = client({ tls: { cert: cert.cert, key: cert.key, ca: createTestCa("Another CA").cert } });
    await expect(c.inbox()).rejects.toMatchObject({ code: "mesh.tls_refused" });
  });
});
