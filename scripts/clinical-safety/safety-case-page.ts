/**
 * docs/clinical-safety/safety-case.md, written from the hazard log and the risk matrix: a short
 * clinical safety case report (scope, intended use, method, hazards and residual risk, how the
 * controls are evidenced, open items), so the report can never disagree with the log.
 */
import type { HazardLog } from "./hazard-log.ts";
import { anchorOf, GENERATED_NOTE, summaryTable } from "./hazard-log-page.ts";
import {
  ACCEPTABLE_RISK,
  acceptabilityOf,
  CONTROL_TYPES,
  matrixRows,
  RISK_LABELS,
  type RiskRating,
  SEVERITIES,
  TOLERABLE_WITH_JUSTIFICATION,
  wordsOf,
} from "./risk-matrix.ts";

function matrixTable(): string {
  return [
    `| Likelihood | ${SEVERITIES.map(wordsOf).join(" | ")} |`,
    `| --- | ${SEVERITIES.map(() => "---").join(" | ")} |`,
    ...matrixRows().map((row) => `| ${wordsOf(row.likelihood)} | ${row.ratings.join(" | ")} |`),
  ].join("\n");
}

function method(): string {
  const labels = Object.entries(RISK_LABELS)
    .map(([rating, label]) => `${rating} ${label.toLowerCase()}`)
    .join(", ");
  return [
    "## 3. Method",
    "Clinical risk management follows DCB0129 (Clinical Risk Management: its Application in the Manufacture of Health IT Systems). Hazards were identified from the user journeys, the national services the product depends on and the ways each step can fail, then recorded in the hazard log with their causes, effect and possible harm.",
    "Each hazard is rated before controls (initial risk) and with them (residual risk) on the NHS Digital clinical risk matrix, from its severity and likelihood:",
    matrixTable(),
    `Ratings: ${labels}. A residual risk of ${ACCEPTABLE_RISK} or less is acceptable; ${TOLERABLE_WITH_JUSTIFICATION} is acceptable only with the written justification recorded against the hazard; ${TOLERABLE_WITH_JUSTIFICATION + 1} or 5 is unacceptable, and such a hazard stays open until further controls bring it down.`,
  ].join("\n\n");
}

function residualSummary(log: HazardLog): string {
  const counts = new Map<RiskRating, number>();
  for (const hazard of log.hazards)
    counts.set(hazard.residual.risk, (counts.get(hazard.residual.risk) ?? 0) + 1);
  const rows = [...counts.entries()]
    .sort(([a], [b]) => b - a)
    .map(
      ([rating, n]) => `| ${rating} (${RISK_LABELS[rating]}) | ${n} | ${wordsOf(acceptabilityOf(rating))} |`,
    );
  return [
    "## 4. Hazards and residual risk",
    `The log holds ${log.hazards.length} hazards. Residual risk after controls:`,
    ["| Residual risk | Hazards | Acceptability |", "| --- | --- | --- |", ...rows].join("\n"),
    summaryTable(log, "hazard-log.md"),
  ].join("\n\n");
}

function evidence(log: HazardLog): string {
  const controls = log.hazards.flatMap((h) => h.controls);
  const byType = CONTROL_TYPES.map(
    (type) => `${controls.filter((c) => c.type === type).length} ${wordsOf(type).toLowerCase()}`,
  ).join(", ");
  const tests = controls.flatMap((c) => c.tests ?? []);
  const distinct = new Set(tests.map((t) => `${t.file}\n${t.name}`)).size;
  const files = new Set(tests.map((t) => t.file)).size;
  return [
    "## 5. How the controls are evidenced",
    `The hazards have ${controls.length} controls: ${byType}.`,
    `Every design control names the automated tests that show it works: ${distinct} tests in ${files} files. The tests drive the real service over HTTP and in Chromium, against simulators of CIS2, PDS, NCRS and MNS that speak the national services' protocols, on both database engines where storage is involved. \`scripts/clinical-safety/hazard-log.test.ts\` runs with the rest of the suite and fails when a named test file or test no longer exists, when a design control names none, when a rating does not follow the matrix, or when a residual risk above ${ACCEPTABLE_RISK} has no justification, so the log cannot drift away from the code it describes.`,
    "Test controls are testing that looks for a kind of fault rather than behaviour of the product, such as rehearsing every failure a simulator can stage; they name their tests too. Training and information controls are what users and local IT are told: pages and messages in the product, the guides under `docs/guides/` and the runbooks under `docs/runbooks/`.",
  ].join("\n\n");
}

function accepted(log: HazardLog): string {
  const justified = log.hazards.filter((h) => h.justification);
  const lines = justified.map(
    (h) =>
      `- [${h.id}](hazard-log.md#${anchorOf(h)}) ${h.title} (residual ${h.residual.risk}): ${h.justification?.trim()}`,
  );
  return ["## 6. Residual risks accepted with justification", lines.join("\n") || "None."].join("\n\n");
}

function openItems(log: HazardLog): string {
  const open = log.hazards
    .filter((h) => h.status === "open")
    .map((h) => `- [${h.id}](hazard-log.md#${anchorOf(h)}) ${h.title} is open.`);
  const items = [...open, ...(log.open_items ?? []).map((item) => `- ${item.trim()}`)];
  return ["## 7. Open items", items.join("\n") || "None."].join("\n\n");
}

/** The whole report. */
export function renderSafetyCase(log: HazardLog): string {
  return `${[
    GENERATED_NOTE,
    `# Clinical safety case report: ${log.system}`,
    `This report sums up the clinical safety case for ${log.system} under DCB0129. Its evidence is the [hazard log](hazard-log.md), from which this report is generated.`,
    "## 1. Scope",
    log.scope.trim(),
    "## 2. Intended use",
    log.intended_use.trim(),
    method(),
    residualSummary(log),
    evidence(log),
    accepted(log),
    openItems(log),
  ].join("\n\n")}\n`;
}
