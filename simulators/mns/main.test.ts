import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PdsSimulator, startPdsSimulator } from "../pds/server.ts";
import { type Receiver, startReceiver } from "./test-support/receiver.ts";

const REPO_ROOT = join(import.meta.dirname, "..", "..");
// main.ts relies on Node 24's type stripping; the project pins that Node as a devDependency.
const PINNED_NODE = join(REPO_ROOT, "node_modules", ".bin", "node");
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

let pds: PdsSimulator;
let receiver: Receiver;
let child: ChildProcess | undefined;
beforeAll(async () => {
  pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: 0 });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await pds.close();
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

function run(env: Record<string, string>): ChildProcess {
  const { MNS_SIM_ENDPOINT: _e, MNS_SIM_SECRET: _s, ...inherited } = process.env;
  return spawn(NODE, [join(import.meta.dirname, "main.ts")], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** Resolves with the origin once the simulator logs that it is listening. */
function listeningOrigin(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    server.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    server.once("exit", (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

describe("node simulators/mns/main.ts", () => {
  it("delivers to MNS_SIM_ENDPOINT through PDS_SIM_ORIGIN and stops cleanly on SIGTERM", async () => {
    child = run({
      MNS_SIM_PORT: "0",
      MNS_SIM_ENDPOINT: receiver.url,
      MNS_SIM_SECRET: "s",
      PDS_SIM_ORIGIN: pds.origin,
    });
    const origin = await listeningOrigin(child);
    const response = await fetch(`${origin}/_sim/publish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "pds-record-change-2", nhsNumber: "9991000038" }),
    });
    expect(response.status).toBe(200);
    expect(receiver.requests).toHaveLength(1);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });

  it("refuses to start without an endpoint and a secret", async () => {
    child = run({ MNS_SIM_PORT: "0", PDS_SIM_ORIGIN: pds.origin });
    const [code] = await once(child, "exit");
    expect(code).not.toBe(0);
  });
});
