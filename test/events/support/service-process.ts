/** Starting and killing the events service process (events-process.ts) from a test. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly origin: string;
  /** Kills it at once, as a crash or an OOM killer would; resolves when it is gone. */
  kill(): Promise<void>;
  /** Asks it to stop (SIGTERM) and waits. */
  stop(): Promise<void>;
}

const ENTRY = join(import.meta.dirname, "events-process.ts");

async function waitForHealth(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the events process exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the events process did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startServiceProcess(
  port: number,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  await waitForHealth(origin, child, 30_000);
  return {
    child,
    origin,
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
