/**
 * docs/clinical-safety/hazard-log.md, written from the hazard log: a summary table, then each
 * hazard with its causes, effect, harm, controls and the tests that evidence them. Free text in
 * the YAML is inline Markdown; test names are quoted as they are, so they are escaped.
 */
import type { Control, Hazard, HazardLog, NamedTest, Risk } from "./hazard-log.ts";
import { RISK_LABELS, wordsOf } from "./risk-matrix.ts";

export const GENERATED_NOTE =
  "<!-- Generated from hazard-log.yaml by `npm run docs:safety`: edit the YAML, not this file. -->";

const CONTROL_HEADINGS: Readonly<Record<Control["type"], string>> = {
  design: "Design",
  test: "Test",
  training_and_information: "Training and information",
};

/** The anchor of a hazard's section ("h-001"). */
export function anchorOf(hazard: Hazard): string {
  return hazard.id.toLowerCase();
}

/** "3 (Medium)". */
export function ratingText(risk: Risk): string {
  return `${risk.risk} (${RISK_LABELS[risk.risk]})`;
}

/** Quoted text that is not Markdown: its special characters are shown as themselves. */
export function literal(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, "\\$&");
}

/** Table cells hold one line, and a pipe would end the cell. */
function cell(markdown: string): string {
  return markdown.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

/** One row per hazard, each linking to its section (in `page`, or in this one when empty). */
export function summaryTable(log: HazardLog, page = ""): string {
  const rows = log.hazards.map(
    (h) =>
      `| [${h.id}](${page}#${anchorOf(h)}) | ${cell(h.title)} | ${ratingText(h.initial)} | ${ratingText(h.residual)} | ${wordsOf(h.status)} |`,
  );
  return [
    "| ID | Hazard | Initial risk | Residual risk | Status |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function riskLine(label: string, risk: Risk): string {
  return `- **${label}:** ${ratingText(risk)}, from ${wordsOf(risk.severity).toLowerCase()} severity and ${wordsOf(risk.likelihood).toLowerCase()} likelihood`;
}

function testLine(test: NamedTest): string {
  return `   - \`${test.file}\`: “${literal(test.name)}”`;
}

function controlItem(control: Control, index: number): string {
  const evidence = control.tests ?? [];
  return [
    `${index + 1}. **${CONTROL_HEADINGS[control.type]}.** ${control.description.trim()}`,
    ...(evidence.length > 0 ? ["", "   Evidenced by:", "", ...evidence.map(testLine)] : []),
  ].join("\n");
}

function hazardSection(hazard: Hazard): string {
  const parts = [
    `## <a id="${anchorOf(hazard)}"></a>${hazard.id}: ${hazard.title}`,
    [
      `- **Status:** ${wordsOf(hazard.status)}`,
      riskLine("Initial risk", hazard.initial),
      riskLine("Residual risk", hazard.residual),
    ].join("\n"),
    "### Causes",
    hazard.causes.map((cause) => `- ${cause.trim()}`).join("\n"),
    "### Effect and possible harm",
    hazard.effect.trim(),
    `Possible harm: ${hazard.harm.trim()}`,
    "### Controls",
    hazard.controls.map(controlItem).join("\n\n"),
  ];
  if (hazard.justification) parts.push("### Why the residual risk is accepted", hazard.justification.trim());
  return parts.join("\n\n");
}

/** The whole page. */
export function renderHazardLogPage(log: HazardLog): string {
  return `${[
    GENERATED_NOTE,
    "# Hazard log",
    `The DCB0129 hazard log of ${log.system}: ${log.hazards.length} hazards, each with the controls that reduce it and the tests that show each design control works. How hazards are rated and what the ratings mean: [clinical safety case](safety-case.md).`,
    summaryTable(log),
    ...log.hazards.flatMap((hazard) => ["---", hazardSection(hazard)]),
  ].join("\n\n")}\n`;
}
