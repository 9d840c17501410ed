/**
 * The MESH side of the tests: a MESH simulator with our mailbox and MNS's, an MNS simulator that
 * delivers into our mailbox over MESH (changes made at the given PDS simulator), and the MESH
 * settings of the service (certificate files written to a temporary folder, as an operator would
 * install them).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MeshSimulator, startMeshSimulator } from "../../../simulators/mesh/server.ts";
import { type MnsSimulator, startMnsSimulator } from "../../../simulators/mns/server.ts";
import { MeshClient } from "../../../src/national/mesh/mesh-client.ts";
import { systemClock } from "../../../src/platform/clock.ts";

export const OUR_MAILBOX = "X26NCRS1";
export const MNS_MAILBOX = "X26MNS01";
export const WORKFLOW = "NCRS_MNS_EVENTS";
export const SHARED_KEY = "mesh-test-shared-key";
const OUR_PASSWORD = "our-mailbox-password";

export interface MeshPair {
  readonly mesh: MeshSimulator;
  readonly mns: MnsSimulator;
  /** The service's MESH_* settings as environment variables. */
  env(clientName?: string): Record<string, string>;
  /** A client for our mailbox, as the service builds it. */
  client(clientName?: string): MeshClient;
  /** POSTs to the MNS simulator's control API. */
  publish(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startMeshPair(pdsOrigin: string): Promise<MeshPair> {
  const mesh = await startMeshSimulator({
    port: 0,
    sharedKey: SHARED_KEY,
    mailboxes: [
      { id: OUR_MAILBOX, password: OUR_PASSWORD },
      { id: MNS_MAILBOX, password: "mns-mailbox-password" },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "ncrs-mesh-"));
  writeFileSync(join(dir, "ca.pem"), mesh.caCert);
  const mnsCert = mesh.issueClientCertificate({ commonName: "MNS.X26.api.mesh-client.nhs.uk" });
  const mns = await startMnsSimulator({
    port: 0,
    endpoint: `${mesh.url}/messageexchange/${MNS_MAILBOX}/outbox`,
    secret: "not-used-over-mesh",
    pdsOrigin,
    retryDelayMs: 5,
    mesh: {
      url: mesh.url,
      from: MNS_MAILBOX,
      password: "mns-mailbox-password",
      sharedKey: SHARED_KEY,
      to: OUR_MAILBOX,
      workflowId: WORKFLOW,
      cert: mnsCert.cert,
      key: mnsCert.key,
      ca: mesh.caCert,
    },
  });
  const issued = new Map<string, { cert: string; key: string }>();
  const files = (name: string) => {
    if (!issued.has(name)) {
      const c = mesh.issueClientCertificate({ commonName: `${name}.X26.api.mesh-client.nhs.uk` });
      writeFileSync(join(dir, `${name}.crt`), c.cert);
      writeFileSync(join(dir, `${name}.key`), c.key);
      issued.set(name, c);
    }
    return issued.get(name) as { cert: string; key: string };
  };
  const clients: MeshClient[] = [];
  return {
    mesh,
    mns,
    env(name = "SERVER001") {
      files(name);
      return {
        MNS_DELIVERY: "mesh",
        MESH_URL: mesh.url,
        MESH_MAILBOX_ID: OUR_MAILBOX,
        MESH_MAILBOX_PASSWORD: OUR_PASSWORD,
        MESH_SHARED_KEY: SHARED_KEY,
        MESH_CLIENT_CERT: join(dir, `${name}.crt`),
        MESH_CLIENT_KEY: join(dir, `${name}.key`),
        MESH_CA_CERT: join(dir, "ca.pem"),
      };
    },
    client(name = "SERVER001") {
      const tls = { ...files(name), ca: mesh.caCert };
      const c = new MeshClient({
        baseUrl: mesh.url,
        mailboxId: OUR_MAILBOX,
        password: OUR_PASSWORD,
        sharedKey: SHARED_KEY,
        tls,
        clock: systemClock,
        timeoutMs: 10_000,
        pageSize: 10,
        clientVersion: "ncrs-connect==test",
      });
      clients.push(c);
      return c;
    },
    async publish(body) {
      const response = await fetch(`${mns.origin}/_sim/publish`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    async close() {
      for (const c of clients) c.close();
      await mns.close();
      await mesh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
