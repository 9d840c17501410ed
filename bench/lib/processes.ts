/** Starting servers as child processes and waiting until they answer. */
import { type ChildProcess, spawn } from "node:child_process";

export interface ChildServer {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Runs `node <script>` with extra environment; stderr is passed through for diagnosis. */
export async function startNode(
  script: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildServer> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitForHttp(readyUrl);
  return {
    process: child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
