/**
 * The standard-output logger as a service uses it: buffered and asynchronous, flushed
 * periodically. A reader that falls behind (a slow log shipper, a full pipe) must cost nothing but
 * memory for the unwritten lines: no line lost, no listener piling up per flush while a write is
 * stuck (Node warns at the eleventh), and a quiet line still arrives without the process exiting.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("./fixtures/busy-logger.ts", import.meta.url));

describe("standard-output logger", () => {
  it("loses nothing and piles up no listeners while its reader is stalled, and flushes a quiet line", async () => {
    const child = spawn(process.execPath, [SCRIPT], {
      env: { ...process.env, LOG_FOR_MS: "3500", QUIET_AT_MS: "5500" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    // Read nothing for four seconds: the pipe fills and the logger's writes stall. The quiet line
    // comes once the backlog has been read, so only a periodic flush can deliver it.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    let stdout = "";
    const quiet = new Promise<{ lines: number }>((resolve, reject) => {
      setTimeout(() => reject(new Error("the quiet line never arrived: nothing flushed it")), 5000);
      child.stdout.on("data", (chunk) => {
        stdout += String(chunk);
        const line = stdout.split("\n").find((l) => l.includes('"msg":"quiet"'));
        if (line) resolve(JSON.parse(line) as { lines: number });
      });
    });
    child.stdout.resume();
    const { lines } = await quiet.finally(() => child.kill());
    const busy = stdout.split("\n").filter((l) => l.includes('"msg":"busy"'));
    expect(lines).toBeGreaterThan(1000);
    expect(busy).toHaveLength(lines);
    expect(stderr).not.toContain("MaxListenersExceededWarning");
  }, 20_000);
});
