// <ncrs-open-button>: the "Open in NCRS" button a point-of-care system's web page embeds for the
// patient it has handed over to NCRS Connect. No dependencies, no build step, no eval, no inline
// handlers, and styles adopted as a constructable stylesheet, so it works under a host's strict
// Content-Security-Policy. The click submits a form to NCRS Connect in the named NCRS tab, inside the
// click itself (as our own button does: pop-up blockers allow it), so nothing is awaited first and no
// iframe or third-party cookie is involved. Served immutable under a versioned path with a published
// integrity hash: a change of behaviour is a new version, never a change to v1.

// The deployment's settings, written in when the module is served (NCRS_WINDOW_NAME, NCRS_TAB_REUSE).
const SETTINGS = { windowName: "ncrs", reuseTab: true };

const OUR_ORIGIN = new URL(import.meta.url).origin;
const LAUNCH_URL = `${OUR_ORIGIN}/embed/v1/launch`;
const HELP_URL = `${OUR_ORIGIN}/help/ncrs-readiness`;
// How long each state after a click is shown: long enough to be read and to stop a second click,
// short enough that the button is ready again when the clinician comes back to the page.
const LAUNCHING_MS = 1500;
const OPENED_MS = 4000;

const STYLES = `
:host {
  display: inline-block;
  font-family: var(--ncrs-font-family, "Frutiger W01", Arial, sans-serif);
  color: var(--ncrs-text-color, #212b32);
}
:host([hidden]) { display: none; }
form { margin: 0; }
.button {
  -webkit-appearance: none;
  appearance: none;
  position: relative;
  display: inline-block;
  margin: 0 0 4px;
  padding: 12px 16px;
  border: 2px solid transparent;
  border-radius: var(--ncrs-button-radius, 4px);
  box-shadow: 0 4px 0 var(--ncrs-button-shadow-color, #00401e);
  background: var(--ncrs-button-background, #007f3b);
  color: var(--ncrs-button-color, #ffffff);
  font: inherit;
  font-size: var(--ncrs-button-font-size, 1.1875rem);
  font-weight: 600;
  line-height: 1.5;
  text-align: center;
  cursor: pointer;
}
.button:hover { background: var(--ncrs-button-hover-background, #00662f); }
.button:focus { outline: none; }
.button:focus-visible,
.button:focus:not(:active) {
  background: var(--ncrs-focus-color, #ffeb3b);
  color: var(--ncrs-focus-text-color, #212b32);
  box-shadow: 0 4px 0 var(--ncrs-focus-text-color, #212b32);
  outline: 4px solid transparent;
}
.button:active { top: 4px; box-shadow: none; background: var(--ncrs-button-active-background, #00401e); }
.button[aria-disabled="true"] { opacity: 0.5; cursor: default; }
.visually-hidden {
  position: absolute !important;
  width: 1px !important;
  height: 1px !important;
  margin: 0 !important;
  padding: 0 !important;
  overflow: hidden !important;
  clip: rect(0 0 0 0) !important;
  clip-path: inset(50%) !important;
  border: 0 !important;
  white-space: nowrap !important;
}
.status { margin: 8px 0 0; min-height: 1.5em; font-size: 1rem; }
.status:empty { min-height: 0; margin: 0; }
.help { display: inline-block; margin-top: 8px; font-size: 1rem; color: var(--ncrs-link-color, #005eb8); }
.help:visited { color: var(--ncrs-link-visited-color, #330072); }
.help:focus {
  outline: 4px solid transparent;
  background: var(--ncrs-focus-color, #ffeb3b);
  color: var(--ncrs-focus-text-color, #212b32);
  box-shadow: 0 -2px var(--ncrs-focus-color, #ffeb3b), 0 4px var(--ncrs-focus-text-color, #212b32);
  text-decoration: none;
}
@media (max-width: 40.0525em) {
  .button { font-size: var(--ncrs-button-font-size, 1rem); width: 100%; }
}
`;

let sheet;
/** One stylesheet for every button on the page (CSP's style-src does not apply to it). */
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  return sheet;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

class NcrsOpenButton extends HTMLElement {
  static observedAttributes = ["context-token", "display-name", "needs-confirmation"];

  #form;
  #token;
  #button;
  #label;
  #patient;
  #status;
  #timers = [];
  #busy = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in root) root.adoptedStyleSheets = [styles()];
    this.#form = element("form", { method: "post", action: LAUNCH_URL, target: SETTINGS.windowName });
    if (!SETTINGS.reuseTab) this.#form.setAttribute("rel", "noopener noreferrer");
    this.#token = element("input", { type: "hidden", name: "context_token" });
    this.#button = element("button", { type: "submit", class: "button", part: "button" });
    this.#label = element("span");
    this.#patient = element("span", { class: "visually-hidden" });
    this.#button.append(this.#label, this.#patient);
    this.#form.append(this.#token, this.#button);
    this.#status = element("p", { class: "status", role: "status", "aria-live": "polite", part: "status" });
    // The blocked pop-up cannot be detected from here (see the embedding guide), so the way to help
    // is always on show.
    const help = element(
      "a",
      { class: "help", href: HELP_URL, target: "_blank", rel: "noopener noreferrer", part: "help" },
      "Having trouble opening NCRS?",
    );
    root.append(this.#form, this.#status, help);
    this.#form.addEventListener("submit", (event) => this.#submitted(event));
    this.#render();
  }

  attributeChangedCallback() {
    this.#render();
  }

  disconnectedCallback() {
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
    this.#busy = false;
  }

  get #confirming() {
    return this.hasAttribute("needs-confirmation");
  }

  #render() {
    const token = this.getAttribute("context-token") ?? "";
    const name = (this.getAttribute("display-name") ?? "").trim();
    this.#token.value = token;
    this.#label.textContent = this.#confirming ? "Confirm patient in NCRS Connect" : "Open in NCRS";
    this.#patient.textContent = name ? ` for ${name}` : "";
    this.#setDisabled(this.#busy || token === "");
    if (!this.#busy)
      this.#status.textContent = token === "" ? "NCRS cannot be opened: this button has no patient." : "";
  }

  // aria-disabled rather than disabled: the button keeps keyboard focus while NCRS opens.
  #setDisabled(disabled) {
    if (disabled) this.#button.setAttribute("aria-disabled", "true");
    else this.#button.removeAttribute("aria-disabled");
  }

  #submitted(event) {
    if (this.#busy || this.#token.value === "") {
      event.preventDefault();
      return;
    }
    // Nothing is awaited: the browser submits the form into the NCRS tab once this returns.
    this.#busy = true;
    this.#setDisabled(true);
    this.#show(
      "launching",
      this.#confirming ? "Opening NCRS Connect to confirm the patient…" : "Launching NCRS…",
    );
    this.#later(LAUNCHING_MS, () => {
      this.#show(
        "opened",
        this.#confirming ? "NCRS Connect is opening in another tab" : "NCRS is opening in another tab",
      );
      this.#later(OPENED_MS, () => {
        this.#busy = false;
        this.#show("idle", "");
        this.#render();
      });
    });
  }

  /** The state (also as the host's data-state, for the host page's own styling) and what it says. */
  #show(state, text) {
    this.#status.textContent = text;
    this.dataset.state = state;
  }

  #later(ms, then) {
    this.#timers.push(setTimeout(then, ms));
  }
}

if (!customElements.get("ncrs-open-button")) customElements.define("ncrs-open-button", NcrsOpenButton);
