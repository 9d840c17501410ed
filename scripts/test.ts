/**
 * `npm test`: makes sure the machine has what the suite drives (Debian's Chromium and PostgreSQL),
 * installing them when running as root, then runs the whole vitest suite.
 */
import { spawnSync } from "node:child_process";
import { ensureTestPrerequisites } from "./test-prerequisites.ts";

const problem = ensureTestPrerequisites();
if (problem) {
  console.error(problem);
  process.exit(1);
}
const result = spawnSync("vitest", ["run", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
