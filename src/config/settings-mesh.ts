/**
 * How MNS events reach the service (MNS_DELIVERY) and the MESH mailbox they arrive in (group
 * "MESH"). MESH's facts behind the defaults (poll at most every 5 minutes, handshake daily, a token
 * valid within 2 hours) are in docs/adr/0020-mns-over-mesh.md.
 */
import { z } from "zod";
import { positiveInt, setting } from "./setting.ts";

export const MNS_DELIVERIES = ["http", "mesh"] as const;
export type MnsDelivery = (typeof MNS_DELIVERIES)[number];
const GROUP = "MESH";
/** MESH's guidance: poll no more often than every 5 minutes, unless a full page says more are waiting. */
export const MESH_MIN_POLL_SECONDS = 300;

const path = (env: string, what: string) =>
  setting({
    env,
    group: GROUP,
    schema: z.string().min(1).optional(),
    description: `Path of ${what} (PEM). Required when MNS_DELIVERY is \`mesh\`.`,
  });

export const meshSettings = {
  mnsDelivery: setting({
    env: "MNS_DELIVERY",
    group: "Change events",
    schema: z.enum(MNS_DELIVERIES),
    default: "http",
    description:
      "How MNS events arrive: `http` (the signed HTTP intake, `POST /api/v1/events/mns`: for local use or behind a proxy that receives from MNS) or `mesh` (this service polls its MESH mailbox, as real MNS delivers; see MESH_*). The HTTP intake stays available with `mesh` when MNS_SIGNING_SECRETS is set. `npm start` sets `mesh` against the MESH simulator.",
  }),
  meshUrl: setting({
    env: "MESH_URL",
    group: GROUP,
    schema: z.url({ protocol: /^https$/ }).optional(),
    description:
      "Base URL of the MESH API (https; no path). INT: `https://msg.intspineservices.nhs.uk`; production: `https://mesh-sync.spineservices.nhs.uk`. Required when MNS_DELIVERY is `mesh`.",
  }),
  meshMailboxId: setting({
    env: "MESH_MAILBOX_ID",
    group: GROUP,
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]+$/, "letters and digits only")
      .transform((v) => v.toUpperCase())
      .optional(),
    description:
      "The mailbox MNS delivers to (the `mesh://<MAILBOX>` of the subscriptions), e.g. `X26ABC1`. Required when MNS_DELIVERY is `mesh`.",
  }),
  meshMailboxPassword: setting({
    env: "MESH_MAILBOX_PASSWORD",
    group: GROUP,
    schema: z.string().min(1).optional(),
    secret: true,
    description:
      "The mailbox's password (inside the NHSMESH token's HMAC; never sent). Required with `mesh`.",
  }),
  meshSharedKey: setting({
    env: "MESH_SHARED_KEY",
    group: GROUP,
    schema: z.string().min(1).optional(),
    secret: true,
    description:
      "The MESH environment's shared key, which keys the NHSMESH token's HMAC (not the mailbox password). Required with `mesh`.",
  }),
  meshClientCert: path(
    "MESH_CLIENT_CERT",
    "this service's MESH client certificate (CN `<id>.<ODS>.api.mesh-client.nhs.uk`)",
  ),
  meshClientKey: path("MESH_CLIENT_KEY", "the client certificate's private key"),
  meshCaCert: path(
    "MESH_CA_CERT",
    "the CA bundle MESH's server certificate must chain to (the NHS root and sub CAs)",
  ),
  meshPollSeconds: setting({
    env: "MESH_POLL_SECONDS",
    group: GROUP,
    schema: positiveInt.max(86_400),
    default: String(MESH_MIN_POLL_SECONDS),
    description:
      "Seconds between inbox polls once the inbox is drained (a full page is followed at once). MESH asks for at most one poll every 300 s and at least one a day, so less than 300 is refused unless MESH_URL is on loopback (the simulator).",
  }),
  meshLeaseSeconds: setting({
    env: "MESH_LEASE_SECONDS",
    group: GROUP,
    schema: positiveInt.min(3).max(3600),
    default: "60",
    description:
      "Only the instance holding the MESH poller lease polls; it renews it every third of this. If that instance dies, another takes over within this many seconds.",
  }),
  meshConcurrency: setting({
    env: "MESH_CONCURRENCY",
    group: GROUP,
    schema: positiveInt.max(32),
    default: "4",
    description: "Messages of an inbox page downloaded, stored and acknowledged at once.",
  }),
  meshPageSize: setting({
    env: "MESH_PAGE_SIZE",
    group: GROUP,
    schema: positiveInt.min(10).max(5000),
    default: "500",
    description: "`max_results` of each inbox listing (MESH: 10 to 5000).",
  }),
  meshTimeoutMs: setting({
    env: "MESH_TIMEOUT_MS",
    group: GROUP,
    schema: positiveInt,
    default: "30000",
    description: "Time limit of each request to MESH.",
  }),
} as const;

interface MeshConfig {
  readonly mnsDelivery: MnsDelivery;
  readonly meshUrl: string | undefined;
  readonly meshMailboxId: string | undefined;
  readonly meshMailboxPassword: string | undefined;
  readonly meshSharedKey: string | undefined;
  readonly meshClientCert: string | undefined;
  readonly meshClientKey: string | undefined;
  readonly meshCaCert: string | undefined;
  readonly meshPollSeconds: number;
}

const REQUIRED = [
  ["meshUrl", "MESH_URL"],
  ["meshMailboxId", "MESH_MAILBOX_ID"],
  ["meshMailboxPassword", "MESH_MAILBOX_PASSWORD"],
  ["meshSharedKey", "MESH_SHARED_KEY"],
  ["meshClientCert", "MESH_CLIENT_CERT"],
  ["meshClientKey", "MESH_CLIENT_KEY"],
  ["meshCaCert", "MESH_CA_CERT"],
] as const;

function loopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

/** Settings that only make sense together, said as problems to fix before start. */
export function meshProblems(c: MeshConfig): string[] {
  if (c.mnsDelivery !== "mesh") return [];
  const problems = REQUIRED.filter(([key]) => !c[key]).map(
    ([, env]) => `${env}: required when MNS_DELIVERY is mesh`,
  );
  if (c.meshUrl && c.meshPollSeconds < MESH_MIN_POLL_SECONDS && !loopback(c.meshUrl))
    problems.push(`MESH_POLL_SECONDS: MESH asks for no more than one poll every ${MESH_MIN_POLL_SECONDS} s`);
  return problems;
}
