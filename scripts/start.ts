/**
 * `npm start`: the whole thing on one machine. Starts the local simulators of the national
 * services (CIS2, PDS, NCRS, MNS) and a point-of-care EPR in this process, then runs the service (src/main.ts) as a child
 * process configured to use them. Settings already in the environment win, so any simulator can be
 * swapped for a real service; SIMULATORS=none starts none (every CIS2_*, PDS_* and NCRS_* setting
 * must then be given). NCRS needs the CIS2 simulator; MNS needs the PDS simulator, and delivers
 * into a MESH simulator's mailbox that the service polls (MNS_DELIVERY=http: to the HTTP intake).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { startCis2Simulator } from "../simulators/cis2/server.ts";
import {
  mergeApiClients,
  mergeSmartEhrs,
  newClientSecret,
  smartEhrEntry,
} from "../simulators/epr/registration.ts";
import { startEprSimulator } from "../simulators/epr/server.ts";
import { startLocalMesh } from "../simulators/mesh/local-mesh.ts";
import { startMnsSimulator } from "../simulators/mns/server.ts";
import { startNcrsSimulator } from "../simulators/ncrs/server.ts";
import { startNrlSimulator } from "../simulators/nrl/server.ts";
import { startPdsSimulator } from "../simulators/pds/server.ts";

const APP_PORT = Number(process.env["PORT"] ?? 3000);
const PUBLIC_URL = process.env["PUBLIC_URL"] ?? `http://localhost:${APP_PORT}`;
const CLIENT_ID = "900000000001.ncrs-connect.local.apps";
/** The service's application on the simulated API platform. */
const APIM_API_KEY = "ncrs-connect-local-api-key";
/** The MNS event types the simulated publishers have approved the service for. */
const MNS_APPROVED_TYPES = [
  "pds-record-change-2",
  "pds-death-notification-2",
  "pds-change-of-gp-2",
  "nhs-number-change-2",
];
const wanted = new Set(
  (process.env["SIMULATORS"] ?? "cis2,pds,ncrs,mns,nrl,epr")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s && s !== "none"),
);

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

const env: Record<string, string> = {};
const closers: (() => Promise<void>)[] = [];
const started: string[] = [];

if (wanted.has("cis2")) {
  const cis2 = await startCis2Simulator({
    port: Number(process.env["CIS2_SIM_PORT"] ?? 3101),
    log,
    clients: [
      {
        client_id: CLIENT_ID,
        client_name: "NCRS Connect (local)",
        token_endpoint_auth_method: "private_key_jwt",
        jwks_uri: `${PUBLIC_URL}/.well-known/jwks.json`,
        jwks_uri_signing_algorithm: "RS512",
        redirect_uris: [`${PUBLIC_URL}/auth/callback`],
        backchannel_logout_uri: `${PUBLIC_URL}/auth/backchannel-logout`,
        post_logout_redirect_uris: [`${PUBLIC_URL}/auth/logged-out`],
      },
    ],
  });
  closers.push(() => cis2.close());
  started.push("cis2");
  Object.assign(env, { CIS2_ISSUER: cis2.issuer, CIS2_CLIENT_ID: CLIENT_ID, DEV_ALLOW_HTTP: "true" });
  log(`CIS2 simulator: ${cis2.issuer} (test users and "remove smartcard" at ${cis2.baseUrl}/sim/)`);

  if (wanted.has("ncrs")) {
    const ncrs = await startNcrsSimulator({
      port: Number(process.env["NCRS_SIM_PORT"] ?? 3103),
      cis2: { issuer: cis2.issuer, controlBaseUrl: cis2.baseUrl },
      ...(process.env["NCRS_LAUNCH_TEMPLATE"] ? { launchTemplate: process.env["NCRS_LAUNCH_TEMPLATE"] } : {}),
      log,
    });
    closers.push(() => ncrs.close());
    started.push("ncrs");
    env["NCRS_LAUNCH_TEMPLATE"] = ncrs.launchTemplate;
    log(
      `NCRS simulator: ${ncrs.origin} (launch template ${ncrs.launchTemplate}; control at ${ncrs.origin}/_sim/)`,
    );
  }
}

if (wanted.has("pds")) {
  // PDS behind the simulated API platform, as in INT: every read needs an access token, which
  // the service gets with a signed JWT checked against its published keys.
  const pds = await startPdsSimulator({
    port: Number(process.env["PDS_SIM_PORT"] ?? 3102),
    log,
    platform: {
      applications: [{ apiKey: APIM_API_KEY, jwksUrl: `${PUBLIC_URL}/.well-known/jwks.json` }],
      // Token exchange of the simulated CIS2's ID tokens, for PDS_AUTH=user.
      ...(env["CIS2_ISSUER"] ? { cis2: { issuer: env["CIS2_ISSUER"] } } : {}),
    },
  });
  closers.push(() => pds.close());
  started.push("pds");
  Object.assign(env, {
    PDS_BASE_URL: pds.baseUrl,
    // `PDS_AUTH=user npm start` reads PDS as the signed-in clinician (user-restricted access).
    PDS_AUTH: process.env["PDS_AUTH"] === "user" ? "user" : "application",
    APIM_TOKEN_URL: pds.tokenUrl ?? "",
    APIM_API_KEY,
    DEV_ALLOW_HTTP: "true",
    DEV_SEED_DEMO_PATIENTS: "true",
  });
  log(
    `PDS simulator: ${pds.baseUrl} (API platform token endpoint ${pds.tokenUrl}; control at ${pds.origin}/_sim/apim/)`,
  );

  if (wanted.has("nrl")) {
    // NRL behind the same simulated API platform: it accepts the platform's tokens.
    const nrl = await startNrlSimulator({
      port: Number(process.env["NRL_SIM_PORT"] ?? 3106),
      log,
      ...(pds.checkAccessToken ? { checkAccessToken: pds.checkAccessToken } : {}),
    });
    closers.push(() => nrl.close());
    started.push("nrl");
    Object.assign(env, { NRL_BASE_URL: nrl.baseUrl, NRL_AUTH: "application" });
    log(`NRL simulator: ${nrl.baseUrl} (add or remove pointers at ${nrl.origin}/_sim/)`);
  }

  if (wanted.has("mns")) {
    // One secret per run, shared by the simulator and the app only through this process.
    const secret =
      process.env["MNS_SIGNING_SECRETS"]?.split(",")[0]?.trim() || randomBytes(24).toString("base64url");
    // As real MNS delivers: into a MESH mailbox the service polls, unless MNS_DELIVERY=http asks
    // for the signed HTTP intake (which stays on either way, with this run's secret).
    const local =
      process.env["MNS_DELIVERY"] === "http"
        ? null
        : await startLocalMesh({
            port: Number(process.env["MESH_SIM_PORT"] ?? 3107),
            dir: join(process.env["DATA_DIR"] ?? "./data", "mesh-simulator"),
          });
    const mns = await startMnsSimulator({
      port: Number(process.env["MNS_SIM_PORT"] ?? 3104),
      endpoint: local
        ? `${local.mesh.url}/messageexchange/${local.mnsDelivery.from}/outbox`
        : `${PUBLIC_URL}/api/v1/events/mns`,
      secret,
      pdsOrigin: pds.origin,
      log,
      ...(local ? { mesh: local.mnsDelivery } : {}),
      // MNS's subscription API behind the same simulated API platform as PDS, the app approved.
      subscriptions: {
        bearer: (token) => pds.platform?.holderOf(token) ?? { state: "unknown", apiKey: null },
        approvals: [{ apiKey: APIM_API_KEY, eventTypes: MNS_APPROVED_TYPES }],
      },
    });
    closers.push(() => mns.close());
    started.push("mns");
    env["MNS_SIGNING_SECRETS"] = secret;
    if (local) {
      closers.push(() => local.mesh.close());
      started.push("mesh");
      Object.assign(env, local.serviceEnv, { MESH_POLL_SECONDS: "5" });
      log(
        `MESH simulator: ${local.mesh.url} (mailbox ${local.serviceEnv["MESH_MAILBOX_ID"]}, polled every 5 s)`,
      );
    }
    env["MNS_API_BASE_URL"] = `${mns.origin}/multicast-notification-service`;
    // Subscriptions name the mailbox the poller reads (MESH_MAILBOX_ID, the default), as in INT.
    if (!local) env["MNS_SUBSCRIPTION_MAILBOX_ID"] = "X26NCRSLOCAL";
    log(
      `MNS simulator: publish change events from ${mns.origin}/_sim/ (delivered over ${local ? "MESH" : "HTTP"})`,
    );
  }
}

env["DEV_SIMULATED_SERVICES"] = started.join(",");

// The EPR is a point-of-care system, not a national service: registered as an API client (its
// secret made for this run) and as a SMART EHR, rather than listed among the simulated services.
if (wanted.has("epr")) {
  const epr = await startEprSimulator({
    port: Number(process.env["EPR_SIM_PORT"] ?? 3105),
    ncrsConnectUrl: PUBLIC_URL,
    clientSecret: newClientSecret(),
    // The button's post is redirected on to NCRS, and a signed-out launch to CIS2.
    formActionOrigins: [
      process.env["NCRS_LAUNCH_TEMPLATE"] ?? env["NCRS_LAUNCH_TEMPLATE"],
      process.env["CIS2_ISSUER"] ?? env["CIS2_ISSUER"],
    ].filter((url): url is string => Boolean(url)),
    log,
  });
  closers.push(() => epr.close());
  process.env["API_CLIENTS"] = mergeApiClients(process.env["API_CLIENTS"], epr.registration);
  // And an EHR that launches NCRS Connect as a SMART app (private_key_jwt with our JWKS).
  process.env["SMART_EHRS"] = mergeSmartEhrs(process.env["SMART_EHRS"], smartEhrEntry(epr));
  log(`EPR simulator: ${epr.origin}`);
}

const child = spawn(process.execPath, ["src/main.ts"], {
  stdio: "inherit",
  env: { ...env, ...process.env, PORT: String(APP_PORT), PUBLIC_URL },
});

async function shutdown(code: number): Promise<never> {
  await Promise.allSettled(closers.map((close) => close()));
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => void shutdown(code ?? (signal ? 1 : 0)));
