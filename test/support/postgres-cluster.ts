/**
 * A throw-away PostgreSQL server for the test run. As root (CI) it uses Debian's cluster wrappers,
 * because initdb refuses to run as root; otherwise it runs initdb/pg_ctl in a temporary folder.
 * fsync is off: the suite tests our durability logic, not the disk's.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresBinDir } from "../../scripts/test-prerequisites.ts";

export interface PostgresCluster {
  readonly url: string;
  stop(): void;
}

const CLUSTER_PREFIX = "ncrstest";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Clusters left behind by killed runs are named after their run's pid; drop the orphans. */
function dropOrphanClusters(version: string): void {
  const listing = spawnSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" });
  for (const line of (listing.stdout ?? "").split("\n")) {
    const [ver, name] = line.trim().split(/\s+/);
    const match = name?.match(new RegExp(`^${CLUSTER_PREFIX}(\\d+)$`));
    if (ver === version && match?.[1] && !processAlive(Number(match[1]))) {
      spawnSync("pg_dropcluster", [version, name as string, "--stop"], { stdio: "ignore" });
    }
  }
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL server is not installed (npm test installs it when run as root)");
  const version = bin.split("/").at(-2) as string;
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  if (isRoot()) {
    dropOrphanClusters(version);
    const name = `${CLUSTER_PREFIX}${process.pid}`;
    execFileSync(
      "pg_createcluster",
      [
        version,
        name,
        "-p",
        String(port),
        "--start",
        "-o",
        "fsync=off",
        "-o",
        "synchronous_commit=off",
        "-o",
        "max_connections=200",
        "--",
        "-A",
        "trust",
      ],
      { stdio: "ignore" },
    );
    return {
      url,
      stop: () => void spawnSync("pg_dropcluster", [version, name, "--stop"], { stdio: "ignore" }),
    };
  }

  const dir = mkdtempSync(join(tmpdir(), "ncrs-pg-"));
  execFileSync(join(bin, "initdb"), ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres"], {
    stdio: "ignore",
  });
  execFileSync(
    join(bin, "pg_ctl"),
    [
      "-D",
      join(dir, "data"),
      "-w",
      "-l",
      join(dir, "log"),
      "-o",
      `-p ${port} -k ${dir} -F -c max_connections=200`,
      "start",
    ],
    { stdio: "ignore" },
  );
  return {
    url,
    stop: () => {
      spawnSync(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "stop"], {
        stdio: "ignore",
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
