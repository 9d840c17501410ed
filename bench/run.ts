/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME` runs one. Each compares against a
 * baseline measured in the same run on the same machine and prints one JSON line.
 */
import { auditAppend } from "./audit-append.bench.ts";
import { auditSearch } from "./audit-search.bench.ts";
import { auditVerify } from "./audit-verify.bench.ts";
import { authPage } from "./auth-page.bench.ts";
import { clickToNcrs } from "./click-to-ncrs.bench.ts";
import { eprClickToNcrs } from "./epr-click-to-ncrs.bench.ts";
import { eventIntake } from "./event-intake.bench.ts";
import { eventProcessing } from "./event-processing.bench.ts";
import { launchRedirect } from "./launch-redirect.bench.ts";
import type { BenchResult } from "./lib/result.ts";
import { patientHandover } from "./patient-handover.bench.ts";
import { patientPage } from "./patient-page.bench.ts";
import { patientPageWithPointers } from "./patient-page-with-pointers.bench.ts";
import { pdsBurst } from "./pds-burst.bench.ts";
import { smartLaunch } from "./smart-launch.bench.ts";

const BENCHMARKS: Readonly<Record<string, () => Promise<BenchResult>>> = {
  "audit-append": auditAppend,
  "audit-search": auditSearch,
  "audit-verify": auditVerify,
  "auth-page": authPage,
  "click-to-ncrs": clickToNcrs,
  "epr-click-to-ncrs": eprClickToNcrs,
  "event-intake": eventIntake,
  "event-processing": eventProcessing,
  "launch-redirect": launchRedirect,
  "patient-handover": patientHandover,
  "patient-page": patientPage,
  "patient-page-with-pointers": patientPageWithPointers,
  "pds-burst": pdsBurst,
  "smart-launch": smartLaunch,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
  process.exit(2);
}
let failed = false;
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  const run = BENCHMARKS[name];
  if (!run) continue;
  const outcome = await run();
  failed ||= !outcome.pass;
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
process.exit(failed ? 1 : 0);
