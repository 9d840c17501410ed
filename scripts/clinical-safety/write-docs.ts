/**
 * `npm run docs:safety`: checks the hazard log, then writes docs/clinical-safety/hazard-log.md and
 * safety-case.md from it. A log that fails its checks is not published: the problems are printed
 * and the script exits 1.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkHazardLog, describeProblems, type HazardLog, readHazardLog, SAFETY_DIR } from "./hazard-log.ts";
import { renderHazardLogPage } from "./hazard-log-page.ts";
import { renderSafetyCase } from "./safety-case-page.ts";

const data = readHazardLog();
const problems = checkHazardLog(data);
if (problems.length > 0) {
  console.error(`The hazard log has problems:\n${describeProblems(problems)}`);
  process.exit(1);
}
writeFileSync(join(SAFETY_DIR, "hazard-log.md"), renderHazardLogPage(data as HazardLog));
writeFileSync(join(SAFETY_DIR, "safety-case.md"), renderSafetyCase(data as HazardLog));
