/** The frame of every EPR page: its header with the EPR user picker, and a note that it is simulated. */
import { escapeHtml as e } from "./http-kit.ts";
import { EPR_USERS } from "./users.ts";

export interface Page {
  status: number;
  html: string;
}

export function userPicker(currentSub: string, returnTo: string): string {
  const options = EPR_USERS.map(
    (u) =>
      `<option value="${e(u.sub)}"${u.sub === currentSub ? " selected" : ""}>${e(u.name)} (${e(u.sub)})</option>`,
  ).join("");
  return `<form method="post" action="/epr-user">
      <label for="epr-user">EPR user</label>
      <select id="epr-user" name="user" data-testid="epr-user">${options}</select>
      <input type="hidden" name="returnTo" value="${e(returnTo)}">
      <button class="epr-button" type="submit">Change user</button>
    </form>`;
}

export function layout(options: { title: string; body: string; header?: string; head?: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${e(options.title)} – Riverside EPR (simulated)</title>
  <link rel="stylesheet" href="/assets/epr.css">
  ${options.head ?? ""}
</head>
<body>
  <header class="epr-header">
    <a href="/">Riverside EPR (simulated)</a>
    ${options.header ?? ""}
  </header>
  <main id="main">
    <p class="epr-sim-note">A simulated electronic patient record for testing NCRS Connect. All patients are made up.</p>
    ${options.body}
  </main>
</body>
</html>`;
}

export function message(status: number, title: string, paragraphs: string[]): Page {
  const body = `<h1>${e(title)}</h1>${paragraphs.map((p) => `<p>${e(p)}</p>`).join("")}<p><a href="/">Back to the patient list</a></p>`;
  return { status, html: layout({ title, body }) };
}
