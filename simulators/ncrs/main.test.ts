import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "../cis2/server.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
let cis2: Cis2Simulator;

beforeAll(async () => {
  cis2 = await startCis2Simulator({ port: 0 });
});
afterAll(async () => {
  await cis2.close();
});

function run(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { child, output: () => text };
}

async function origin(child: ChildProcess, output: () => string): Promise<string> {
  for (;;) {
    const found = /listening on (http:\/\/localhost:\d+)/.exec(output());
    if (found?.[1]) return found[1];
    if (child.exitCode !== null) throw new Error(`main.ts exited: ${output()}`);
    await once(child.stderr ?? child, "data");
  }
}

describe("standalone entry", () => {
  it("finds the CIS2 issuer through the CIS2 simulator's health endpoint and serves", async () => {
    const { child, output } = run({ NCRS_SIM_PORT: "0", CIS2_SIM_URL: cis2.baseUrl });
    try {
      const base = await origin(child, output);
      const health = await (await fetch(`${base}/_sim/health`)).json();
      expect(health).toMatchObject({ status: "ok", cis2Issuer: cis2.issuer });
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect((await exited)[0]).toBe(0);
    }
  });

  it("stops with a clear message when the CIS2 simulator cannot be reached", async () => {
    const { child, output } = run({ NCRS_SIM_PORT: "0", CIS2_SIM_URL: "http://127.0.0.1:9" });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(output()).toContain("cannot reach the CIS2 simulator");
  });
});
