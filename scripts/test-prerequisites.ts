/**
 * Debian packages the test suite needs. When one is missing we install it if we are root (as CI is),
 * otherwise we stop at once with a one-line instruction.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

interface Requirement {
  readonly name: string;
  readonly debianPackage: string;
  present(): boolean;
}

const requirements: readonly Requirement[] = [
  { name: "Chromium", debianPackage: "chromium", present: () => existsSync(CHROMIUM_PATH) },
  { name: "PostgreSQL server", debianPackage: "postgresql", present: () => postgresBinDir() !== undefined },
];

/** The newest installed PostgreSQL server's bin folder, if any. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(`${root}/${v}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : `${root}/${versions[0]}/bin`;
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Installs what is missing; returns a one-line instruction when it cannot. */
export function ensureTestPrerequisites(): string | undefined {
  const missing = requirements.filter((r) => !r.present());
  if (missing.length === 0) return undefined;
  const packages = missing.map((r) => r.debianPackage).join(" ");
  if (!isRoot()) {
    return `Missing ${missing.map((r) => r.name).join(" and ")}: run \`sudo apt-get install -y ${packages}\`, then \`npm test\` again.`;
  }
  console.error(`Installing ${packages} from Debian for the test suite...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const install = spawnSync(
    "apt-get",
    ["install", "-y", "-qq", "--no-install-recommends", ...missing.map((r) => r.debianPackage)],
    {
      stdio: "inherit",
      env,
    },
  );
  if (update.status !== 0 || install.status !== 0) {
    return `Could not install ${packages}: run \`apt-get install -y ${packages}\` yourself, then \`npm test\` again.`;
  }
  const still = missing.filter((r) => !r.present());
  return still.length === 0
    ? undefined
    : `${still.map((r) => r.name).join(" and ")} still missing after installing ${packages}.`;
}
