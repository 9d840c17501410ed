/**
 * A MESH simulator ready for the service and the MNS simulator, as the launcher (`npm start`) and
 * the test stack use it: our mailbox and MNS's, a fresh shared key and passwords, a client
 * certificate for each written with the CA under `dir` (as an operator installs them), and the
 * settings to give each side.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MeshDeliveryOptions } from "../mns/mesh-transport.ts";
import { type MeshSimulator, startMeshSimulator } from "./server.ts";

export const LOCAL_MAILBOX = "X26NCRS1";
export const LOCAL_MNS_MAILBOX = "X26MNS01";
export const LOCAL_WORKFLOW = "NCRS_MNS_EVENTS";

export interface LocalMesh {
  readonly mesh: MeshSimulator;
  /** For `startMnsSimulator({ mesh })`: MNS sends from its mailbox into ours. */
  readonly mnsDelivery: MeshDeliveryOptions;
  /** The service's MNS_DELIVERY and MESH_* settings. */
  readonly serviceEnv: Record<string, string>;
}

export async function startLocalMesh(options: {
  readonly port: number;
  readonly dir: string;
}): Promise<LocalMesh> {
  const secret = () => randomBytes(18).toString("base64url");
  const sharedKey = secret();
  const ours = secret();
  const theirs = secret();
  const mesh = await startMeshSimulator({
    port: options.port,
    sharedKey,
    mailboxes: [
      { id: LOCAL_MAILBOX, password: ours },
      { id: LOCAL_MNS_MAILBOX, password: theirs },
    ],
  });
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const client = mesh.issueClientCertificate({ commonName: "NCRSCONNECT.X26.api.mesh-client.nhs.uk" });
  const file = (name: string, text: string) => {
    const path = join(options.dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const mnsCert = mesh.issueClientCertificate({ commonName: "MNS.X26.api.mesh-client.nhs.uk" });
  return {
    mesh,
    mnsDelivery: {
      url: mesh.url,
      from: LOCAL_MNS_MAILBOX,
      password: theirs,
      sharedKey,
      to: LOCAL_MAILBOX,
      workflowId: LOCAL_WORKFLOW,
      cert: mnsCert.cert,
      key: mnsCert.key,
      ca: mesh.caCert,
    },
    serviceEnv: {
      MNS_DELIVERY: "mesh",
      MESH_URL: mesh.url,
      MESH_MAILBOX_ID: LOCAL_MAILBOX,
      MESH_MAILBOX_PASSWORD: ours,
      MESH_SHARED_KEY: sharedKey,
      MESH_CLIENT_CERT: file("mesh-client.crt", client.cert),
      MESH_CLIENT_KEY: file("mesh-client.key", client.key),
      MESH_CA_CERT: file("mesh-ca.crt", mesh.caCert),
    },
  };
}
