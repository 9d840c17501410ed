/**
 * Durability: the service runs as its own process (src/main.ts, the real entry point), a burst of
 * audited actions is under way, and the process is killed with SIGKILL. After a restart on the
 * same data folder and database, every action the service had acknowledged has its audit record,
 * and the whole chain verifies. On both dialects.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "../../simulators/cis2/server.ts";
import { type PdsSimulator, startPdsSimulator } from "../../simulators/pds/server.ts";
import { openDatabase } from "../../src/storage/database.ts";
import { freshDatabaseUrl } from "../support/databases.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { searchPatients } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { freePort } from "../support/stack.ts";

const CLIENT_ID = "900000000007.ncrs-connect.crash.apps";
const TAB = "crashtab000000000001";

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never answered`);
}

describe.each(["sqlite", "postgres"] as const)("a service killed during a burst (%s)", (dialect) => {
  let cis2: Cis2Simulator;
  let pds: PdsSimulator;
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  let baseUrl: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  async function startService(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["src/main.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    await waitForHealth(`${baseUrl}/healthz`, child);
    return child;
  }

  beforeAll(async () => {
    [cis2, pds] = await Promise.all([startCis2Simulator({ port: 0 }), startPdsSimulator({ port: 0 })]);
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), "ncrs-crash-"));
    database =
      dialect === "sqlite"
        ? { url: `sqlite:${join(dataDir, "db.sqlite")}`, drop: async () => {} }
        : await freshDatabaseUrl("postgres");
    env = {
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      CIS2_ISSUER: cis2.issuer,
      CIS2_CLIENT_ID: CLIENT_ID,
      PDS_BASE_URL: pds.baseUrl,
      NCRS_LAUNCH_TEMPLATE: "http://localhost:9/launch?nhsNumber={nhsNumber}",
      DEV_ALLOW_HTTP: "true",
      DEV_SEED_DEMO_PATIENTS: "true",
      LOG_LEVEL: "warn",
    };
    await cis2.registerClient({
      client_id: CLIENT_ID,
      token_endpoint_auth_method: "private_key_jwt",
      jwks_uri: `${baseUrl}/.well-known/jwks.json`,
      redirect_uris: [`${baseUrl}/auth/callback`],
    });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all([cis2?.close(), pds?.close()]);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses no acknowledged record, and the chain verifies after restart", async () => {
    const service = await startService();
    const agent = new HttpAgent();
    expect((await signIn(agent, baseUrl, { user: USERS.singleRole })).status).toBe(200);
    const list = await searchPatients(agent, baseUrl, "Hartley", TAB);
    const patientId = list.body.match(/name="patientId" value="([^"]+)"/)?.[1] as string;
    const csrf = csrfTokenIn(list.body);

    const acknowledged: string[] = [];
    let failures = 0;
    let killed = false;
    const worker = async () => {
      for (let i = 0; i < 400 && failures === 0; i++) {
        try {
          const response = await agent.postForm(`${baseUrl}/patients/select`, {
            _csrf: csrf,
            tab: TAB,
            patientId,
          });
          if (response.status === 303) acknowledged.push(response.headers.get("x-correlation-id") as string);
          else failures++;
        } catch {
          failures++; // the connection died with the process: not acknowledged
        }
        if (!killed && acknowledged.length >= 150) {
          killed = true;
          service.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);

    const restarted = await startService();
    const db = openDatabase(database.url, { poolMax: 2 });
    try {
      const rows = await db.db
        .selectFrom("audit_records")
        .select("correlation_id")
        .where("event_type", "=", "patient.selected")
        .execute();
      const recorded = new Set(rows.map((r) => r.correlation_id));
      expect(acknowledged.filter((id) => !recorded.has(id))).toEqual([]);
    } finally {
      await db.close();
    }
    const verify = spawnSync(process.execPath, ["src/cli.ts", "audit", "verify"], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
    restarted.kill("SIGTERM");
    // Two service processes start, a burst runs and the whole trail is verified: on a busy two-core
    // machine (beside the browser suites) this once took more than the default 30 s.
  }, 90_000);
});
