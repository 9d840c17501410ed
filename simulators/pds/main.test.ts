import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const REPO_ROOT = join(import.meta.dirname, "..", "..");
// main.ts relies on Node 24's type stripping; the project pins that Node as a devDependency.
const PINNED_NODE = join(REPO_ROOT, "node_modules", ".bin", "node");
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

/** Resolves with the base URL once the simulator logs that it is listening. */
function listeningUrl(server: ChildProcess): Promise<string> {
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

describe("node simulators/pds/main.ts", () => {
  it("serves on PDS_SIM_PORT and stops cleanly on SIGTERM", async () => {
    child = spawn(NODE, [join(import.meta.dirname, "main.ts")], {
      env: { ...process.env, PDS_SIM_PORT: "0" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const baseUrl = await listeningUrl(child);
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/personal-demographics\/FHIR\/R4$/);
    const response = await fetch(`${baseUrl}/Patient/9000000009`, {
      headers: { "X-Request-ID": crypto.randomUUID() },
    });
    expect(response.status).toBe(200);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("refuses a PDS_SIM_PORT that is not a port", async () => {
    child = spawn(NODE, [join(import.meta.dirname, "main.ts")], {
      env: { ...process.env, PDS_SIM_PORT: "http" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const [code] = await once(child, "exit");
    expect(code).not.toBe(0);
  });
});
