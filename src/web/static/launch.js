// Enhances "Open in NCRS". The form itself opens NCRS: submitted in the click into a named window,
// it opens the tab as quickly as a link would and pop-up blockers treat it as the user's own
// action. This script adds what only a script can: it stops a double click launching twice, says
// "Launching NCRS…", asks the server whether the tab reached it (a tab that never arrives was
// blocked by the browser), shows how to allow pop-ups when it did not, reports either outcome, and
// fetches a fresh launch id afterwards.

// The first check waits a second: a tab normally reaches us in a fraction of that, and checking
// sooner would only compete with NCRS loading in it.
const FIRST_CHECK_MS = 1000;
const POLL_MS = 500;
// How long a launch's tab may take to reach the server before we call it blocked.
const ARRIVAL_MS = 5000;

/** @param {HTMLFormElement} form */
function enhance(form) {
  const button = form.querySelector("button");
  const status = form.querySelector("[data-role=status]");
  const blocked = document.getElementById("popup-blocked");
  const busyMs = Number(form.dataset.busySeconds || 5) * 1000;
  let busy = false;
  // Without this script the form's rel="noopener noreferrer" cuts NCRS's tab off from this page.
  // Our pages' Cross-Origin-Opener-Policy (same-origin) does the same when the tab reaches NCRS's
  // origin, and Referrer-Policy: no-referrer keeps the Referer back, so rel can go: with it Chromium
  // starts the tab in a new process, which costs the clinician about a tenth of a second a launch.
  form.removeAttribute("rel");

  const report = (ref, outcome) =>
    fetch(`/launch/${ref}/browser-outcome`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": form.dataset.csrfToken ?? "" },
      body: JSON.stringify({ outcome }),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {});

  // True once the launch's tab has reached the server; false if it has not within ARRIVAL_MS.
  const arrived = async (ref) => {
    const deadline = Date.now() + ARRIVAL_MS;
    let wait = FIRST_CHECK_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = POLL_MS;
      const response = await fetch(`/launch/${ref}/presented`, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      }).catch(() => null);
      // Anything but a clear "not yet" (signed out, unknown launch, server away) ends the wait.
      if (!response?.ok) return null;
      if ((await response.json()).presented) return true;
    }
    return false;
  };

  const watch = async (ref) => {
    const outcome = await arrived(ref).catch(() => null);
    if (outcome === null) return;
    if (blocked) blocked.hidden = outcome;
    if (!outcome) blocked?.focus();
    report(ref, outcome ? "opened" : "popup_blocked");
  };

  // After a launch the id is spent: fetch a new one so the next click is a new, audited launch.
  const renew = async () => {
    const response = await fetch(`/patient-context/${form.dataset.contextId}/launch-id`, {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return false;
    const next = await response.json();
    form.querySelector("input[name=launch_id]").value = next.launchId;
    form.dataset.ref = next.ref;
    return true;
  };

  form.addEventListener("submit", (event) => {
    if (busy) {
      event.preventDefault();
      return;
    }
    // The browser submits the form (into the NCRS tab) once this handler returns.
    busy = true;
    const ref = form.dataset.ref;
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    if (status) status.textContent = "Launching NCRS…";
    if (blocked) blocked.hidden = true;
    watch(ref);
    setTimeout(async () => {
      const renewed = await renew().catch(() => false);
      busy = false;
      button.disabled = !renewed;
      button.removeAttribute("aria-disabled");
      if (status) status.textContent = renewed ? "" : "Reload the page to open NCRS again.";
    }, busyMs);
  });
}

export function enhanceLaunchButtons() {
  for (const form of document.querySelectorAll("form[data-module=app-launch]")) enhance(form);
}
