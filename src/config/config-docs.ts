/** Renders docs/configuration.md from the settings table, so the documentation cannot drift. */
import { type Setting, settings } from "./settings.ts";

export function renderConfigurationDoc(): string {
  const groups = new Map<string, Setting[]>();
  for (const s of Object.values(settings) as Setting[]) {
    groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  }
  const lines = [
    "# Configuration",
    "",
    "Generated from `src/config/settings.ts` by `npm run docs:config`; a test fails when it is out of date.",
    "Every setting is an environment variable, parsed once at start; all problems are reported together.",
    "Secrets have no defaults. `npm start` sets the CIS2 values for the local simulator.",
    "",
  ];
  for (const [group, items] of groups) {
    lines.push(`## ${group}`, "", "| Variable | Default | Description |", "| --- | --- | --- |");
    for (const s of items) {
      const flags = [s.secret ? "**secret**" : "", s.unsafe ? "**unsafe (development only)**" : ""].filter(
        Boolean,
      );
      const def = s.default === undefined ? "—" : s.default === "" ? "(empty)" : `\`${s.default}\``;
      lines.push(`| \`${s.env}\` | ${def} | ${[...flags, s.description].join(" ").replaceAll("|", "\\|")} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
