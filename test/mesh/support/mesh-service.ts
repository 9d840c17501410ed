/** Starting, asking and killing mesh-process.ts from a test. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export interface PollerProcess {
  readonly child: ChildProcess;
  /** The poller's id and status, from the process itself. */
  status(): Promise<{ poller: string; holder: boolean; polls: number }>;
  /** SIGKILL, as a crash or the OOM killer would; resolves when it is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const ENTRY = join(import.meta.dirname, "mesh-process.ts");

/** Waits for `check` to hold, looking every 50 ms, for at most `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startPollerProcess(port: number, env: Record<string, string>): Promise<PollerProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const status = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return (await response.json()) as { poller: string; holder: boolean; polls: number };
  };
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the MESH poller process exited with ${child.exitCode}`);
    return status().then(
      () => true,
      () => false,
    );
  }, "the MESH poller process to start");
  return {
    child,
    status,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
