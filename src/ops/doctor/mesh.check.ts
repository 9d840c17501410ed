/**
 * MESH: a handshake with the configured mailbox over mutual TLS, when MNS events arrive over MESH
 * (MNS_DELIVERY=mesh). Says which setting to fix from the catalogue code of the refusal; never
 * prints the password, the shared key or a token.
 */
import { isAppError } from "../../platform/errors.ts";
import { type CheckResult, type DoctorCheck, fail, pass, skip } from "./check.ts";

export interface MeshCheckOptions {
  /** Null when events arrive over HTTP; throws when the client cannot be made (a file unreadable). */
  readonly client: () => { handshake(): Promise<void>; close(): void } | null;
}

function hintFor(code: string): string {
  switch (code) {
    case "mesh.unreachable":
      return "Check MESH_URL (INT: https://msg.intspineservices.nhs.uk) and the network route to MESH.";
    case "mesh.tls_refused":
      return "MESH_CLIENT_CERT and MESH_CLIENT_KEY must be this mailbox's certificate and key for this environment, not expired, and MESH_CA_CERT the CA that signed MESH's server certificate.";
    case "mesh.auth_refused":
      return "MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD and MESH_SHARED_KEY (the environment's shared secret) must be the ones issued with the mailbox; check this server's clock too (tokens are valid for two hours).";
    case "mesh.handshake_refused":
      return "MESH refused the mailbox: ask the service desk whether MESH_MAILBOX_ID is active in this environment.";
    default:
      return "MESH_URL does not answer as a MESH API v2 server: check it.";
  }
}

export function meshCheck(options: MeshCheckOptions): DoctorCheck {
  return {
    name: "mesh-handshake",
    async run(): Promise<CheckResult> {
      let client: ReturnType<MeshCheckOptions["client"]>;
      try {
        client = options.client();
      } catch (error) {
        return fail(
          error instanceof Error ? error.message : String(error),
          "MESH_CLIENT_CERT, MESH_CLIENT_KEY and MESH_CA_CERT must be readable PEM files.",
        );
      }
      if (client === null) return skip("not used (MNS_DELIVERY is http)");
      try {
        await client.handshake();
        return pass("the mailbox answered the handshake over mutual TLS");
      } catch (error) {
        if (!isAppError(error)) throw error;
        return fail(error.code, hintFor(error.code));
      } finally {
        client.close();
      }
    },
  };
}
