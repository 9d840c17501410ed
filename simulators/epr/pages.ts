/**
 * The EPR's pages: the patient list, a patient's page with NCRS Connect's embedded button and the
 * two desktop links, and the page that posts a signed context launch.
 */
import type { ButtonScript } from "./embed-manifest.ts";
import type { Handover } from "./handover.ts";
import { escapeHtml as e } from "./http-kit.ts";
import { layout, type Page, userPicker } from "./layout.ts";
import { displayName, type EprPatient, PATIENTS } from "./patients.ts";
import type { EprUser } from "./users.ts";

function longDate(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

function nhsNumber(patient: EprPatient): string {
  const n = patient.nhsNumber;
  return n ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : "Not recorded";
}

export function patientListPage(user: EprUser, connected: boolean): Page {
  const rows = PATIENTS.map(
    (p) => `<tr data-testid="epr-patient-row" data-mrn="${e(p.mrn)}">
        <td><a href="/patients/${encodeURIComponent(p.mrn)}">${e(displayName(p))}</a></td>
        <td>${e(p.mrn)}</td><td>${e(nhsNumber(p))}</td><td>${e(longDate(p.birthDate))}</td>
        <td>${e(p.expect)}</td></tr>`,
  ).join("");
  const body = `<h1>Patients</h1>
    <p data-testid="epr-connection">${connected ? "Connected to NCRS Connect." : "Not connected to NCRS Connect."}</p>
    <table>
      <caption class="epr-visually-plain">Today's patients (each a test case for NCRS Connect)</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">MRN</th><th scope="col">NHS number</th>
        <th scope="col">Date of birth</th><th scope="col">Test case</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>`;
  return { status: 200, html: layout({ title: "Patients", body, header: userPicker(user.sub, "/") }) };
}

export interface PatientView {
  patient: EprPatient;
  user: EprUser;
  /** The user the desktop link names (another one in the mismatch case). */
  hintUser: EprUser;
  ncrsConnectUrl: string;
  connection: { handover: Handover; script: ButtonScript } | null;
  desktopUrl: { href: string } | { reason: string };
  /** One "Open …" link per registered SMART app (the SMART EHR launch). */
  smartApps: { clientId: string; label: string; href: string }[];
}

function details(patient: EprPatient): string {
  const address = patient.address
    ? [...patient.address.line, patient.address.postalCode].join(", ")
    : "Not recorded";
  const rows: [string, string][] = [
    ["NHS number", nhsNumber(patient)],
    ["MRN", patient.mrn],
    ["Date of birth", longDate(patient.birthDate)],
    ["Gender", patient.gender],
    ["Address", address],
  ];
  return `<dl class="epr-details">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join("")}</dl>`;
}

function differences(handover: Extract<Handover, { ok: true }>): string {
  if (handover.differences.length === 0) return "<p>NCRS Connect found no differences from PDS.</p>";
  const rows = handover.differences
    .map((d) => `<tr><th scope="row">${e(d.label)}</th><td>${e(d.sent)}</td><td>${e(d.pds)}</td></tr>`)
    .join("");
  return `<table data-testid="epr-differences"><caption>Differences from PDS</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">This EPR</th><th scope="col">PDS</th></tr></thead>
      <tbody>${rows}</tbody></table>`;
}

function connectedPanel(view: PatientView, handover: Handover, script: ButtonScript): string {
  if (!handover.ok) {
    const correlation = handover.correlationId ? ` (correlation id ${handover.correlationId})` : "";
    return `<div class="epr-panel epr-refused" data-testid="epr-handover-error">
        <h2>NCRS Connect refused: ${e(handover.code)}</h2><p>${e(handover.message)}${e(correlation)}</p></div>`;
  }
  const surviving = handover.survivingNhsNumber
    ? `<p>PDS says this NHS number has been replaced by ${e(handover.survivingNhsNumber)}.</p>`
    : "";
  const note = script.integrity
    ? ""
    : `<p class="epr-disabled">Developer note: ${e(script.note ?? "no SRI hash")}.</p>`;
  return `<div class="epr-panel ${handover.mustConfirm ? "epr-confirm" : "epr-ok"}" data-testid="epr-handover">
      <h2>Open in NCRS</h2>
      <p>PDS verification: <strong data-testid="epr-verification">${e(handover.verification)}</strong>.
        ${handover.mustConfirm ? "You will be asked to confirm the patient first." : ""}</p>
      ${surviving}${differences(handover)}
      <ncrs-open-button context-token="${e(handover.contextToken)}" display-name="${e(displayName(view.patient))}"${
        handover.mustConfirm ? " needs-confirmation" : ""
      } data-testid="epr-open-button"></ncrs-open-button>
      ${note}</div>`;
}

function buttonScriptTag(script: ButtonScript): string {
  const integrity = script.integrity ? ` integrity="${e(script.integrity)}"` : "";
  return `<script type="module" src="${e(script.url)}"${integrity} crossorigin="anonymous"></script>`;
}

function desktopLinks(view: PatientView): string {
  const mrn = encodeURIComponent(view.patient.mrn);
  const hint = `as ${e(view.hintUser.name)} (${e(view.hintUser.sub)})`;
  const url =
    "href" in view.desktopUrl
      ? `<a href="${e(view.desktopUrl.href)}" target="_blank" rel="noopener" data-testid="epr-desktop-url">Desktop link (URL)</a> (expires two minutes after this page loaded)`
      : `<a aria-disabled="true" class="epr-disabled" data-testid="epr-desktop-url">Desktop link (URL)</a>
         <span data-testid="epr-desktop-url-reason">: unavailable, ${e(view.desktopUrl.reason)}</span>`;
  return `<div class="epr-panel"><h2>Desktop system</h2>
      <p>Opens NCRS Connect with a signed context launch ${hint}, as a desktop system would.</p>
      <ul>
        <li><a href="/patients/${mrn}/desktop-launch" target="_blank" rel="noopener" data-testid="epr-desktop-link">Desktop link</a> (form post)</li>
        <li>${url}</li>
      </ul></div>`;
}

function smartLinks(view: PatientView): string {
  if (view.smartApps.length === 0) return "";
  const links = view.smartApps
    .map(
      (app) =>
        `<li><a class="epr-button" href="${e(app.href)}" target="_blank" rel="noopener" data-testid="epr-smart-launch" data-client-id="${e(app.clientId)}">${e(app.label)}</a></li>`,
    )
    .join("");
  return `<div class="epr-panel" data-testid="epr-smart-apps"><h2>Apps</h2>
      <p>Opens the app in a new tab with this patient and encounter (SMART on FHIR EHR launch).</p>
      <ul>${links}</ul></div>`;
}

export function patientPage(view: PatientView): Page {
  const { patient, connection } = view;
  const back = `/patients/${encodeURIComponent(patient.mrn)}`;
  const ncrs = connection
    ? connectedPanel(view, connection.handover, connection.script)
    : `<div class="epr-panel" data-testid="epr-not-connected"><h2>Not connected to NCRS Connect</h2>
        <p>Connect once to hand patients over to NCRS Connect from this EPR.</p>
        <a class="epr-button" href="/connect?returnTo=${encodeURIComponent(back)}" data-testid="epr-connect">Connect to NCRS Connect</a></div>`;
  const body = `<p><a href="/">Back to the patient list</a></p>
    <h1>${e(displayName(patient))}</h1>${details(patient)}${smartLinks(view)}${ncrs}${desktopLinks(view)}`;
  return {
    status: 200,
    html: layout({
      title: displayName(patient),
      body,
      header: userPicker(view.user.sub, back),
      head: connection?.handover.ok ? buttonScriptTag(connection.script) : "",
    }),
  };
}

/** Posts the signed launch on load (the script file), with a button for when scripts are off. */
export function desktopLaunchPage(action: string, token: string, patient: EprPatient): Page {
  const body = `<h1>Opening NCRS Connect for ${e(displayName(patient))}</h1>
    <form id="epr-context-launch" method="post" action="${e(action)}">
      <input type="hidden" name="launch_token" value="${e(token)}">
      <button class="epr-button" type="submit">Open NCRS Connect</button>
    </form>`;
  return {
    status: 200,
    html: layout({
      title: "Opening NCRS Connect",
      body,
      head: '<script src="/assets/desktop-launch.js" defer></script>',
    }),
  };
}
