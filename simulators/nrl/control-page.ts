/** The NRL simulator's control page (HTML, every value escaped). */
import type { NrlState } from "./nrl-state.ts";
import { SCENARIOS } from "./nrl-state.ts";
import { CUSTODIANS, POINTER_TYPES } from "./pointers.ts";

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

function options(entries: readonly [string, string][], selected: string | null): string {
  return entries
    .map(
      ([value, text]) =>
        `<option value="${esc(value)}"${value === selected ? " selected" : ""}>${esc(text)}</option>`,
    )
    .join("");
}

function pointerRows(state: NrlState, nhsNumber: string): string {
  const list = state.pointers.get(nhsNumber) ?? [];
  if (list.length === 0) return `<p data-testid="no-pointers">No pointers for this patient.</p>`;
  const rows = list.map((p) => {
    const type =
      (p["type"] as { coding?: { display?: string }[] } | undefined)?.coding?.[0]?.display ?? "(malformed)";
    const custodian =
      (p["custodian"] as { identifier?: { value?: string } } | undefined)?.identifier?.value ?? "(none)";
    return `<tr><td>${esc(p["id"])}</td><td>${esc(type)}</td><td>${esc(custodian)}</td><td>${esc(p["date"] ?? "")}</td>
      <td><form method="post" action="/_sim/page/remove"><input type="hidden" name="id" value="${esc(p["id"])}"><input type="hidden" name="nhsNumber" value="${esc(nhsNumber)}"><button type="submit">Remove</button></form></td></tr>`;
  });
  return `<table data-testid="pointers"><thead><tr><th>Id</th><th>Type</th><th>Custodian</th><th>Date</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

export function controlPage(input: {
  state: NrlState;
  nhsNumber: string;
  said: string | null;
  baseUrl: string;
}): string {
  const { state, nhsNumber } = input;
  const types = Object.entries(POINTER_TYPES).map(
    ([code, t]) => [code, `${t.display} (${code})`] as [string, string],
  );
  const custodians = Object.entries(CUSTODIANS).map(
    ([code, name]) => [code, `${name} (${code})`] as [string, string],
  );
  const scenarios: [string, string][] = [["", "None: answer normally"], ...Object.entries(SCENARIOS)];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NRL simulator</title>
<style>body{font-family:Arial,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{border:1px solid #aaa;padding:.3rem .5rem;text-align:left}form{margin:.5rem 0}label{display:block;margin:.4rem 0}.said{background:#e8f1f8;padding:.5rem;border-left:4px solid #005eb8}</style></head>
<body><h1>NRL simulator</h1>
<p>Consumer API at <code>${esc(input.baseUrl)}</code>: <code>POST /DocumentReference/_search</code>, <code>GET /DocumentReference?subject:identifier=…</code>, <code>GET /DocumentReference/{id}</code>.</p>
${input.said ? `<p class="said" role="status" data-testid="said">${esc(input.said)}</p>` : ""}
<form method="get" action="/_sim/"><label>Patient NHS number <input name="nhs" value="${esc(nhsNumber)}" inputmode="numeric"></label><button type="submit">Show pointers</button></form>
<h2>Pointers for ${esc(nhsNumber)}</h2>${pointerRows(state, nhsNumber)}
<h2>Add a pointer</h2>
<form method="post" action="/_sim/page/add"><input type="hidden" name="nhsNumber" value="${esc(nhsNumber)}">
<label>Type <select name="type">${options(types, null)}</select></label>
<label>Custodian <select name="custodian">${options(custodians, null)}</select></label>
<button type="submit" data-testid="add-pointer">Add pointer</button></form>
<h2>Scenario</h2>
<form method="post" action="/_sim/page/scenario"><input type="hidden" name="nhsNumber" value="${esc(nhsNumber)}">
<label>Scenario <select name="scenario">${options(scenarios, state.scenario ?? "")}</select></label><button type="submit">Set scenario</button></form>
</body></html>`;
}
