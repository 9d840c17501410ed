// Enhances "Open in NCRS". Without this script the form still opens NCRS in a new tab through the
// audited endpoint; with it we can tell whether the browser let the tab open, report that, show how
// to allow pop-ups when it did not, and stop a double click launching twice.

/** @param {HTMLFormElement} form */
function enhance(form) {
  const button = form.querySelector("button");
  const status = form.querySelector("[data-role=status]");
  const blocked = document.getElementById("popup-blocked");
  const busyMs = Number(form.dataset.busySeconds || 5) * 1000;
  let busy = false;
  // Without this script the form's rel="noopener noreferrer" keeps NCRS from reaching this page.
  // With it, the tab is opened below and cut off from this page (opener = null) before the form is
  // loaded into it by name; rel must go, or the browser would open a second, unnamed tab instead.

  const report = (outcome) =>
    fetch(`/launch/${form.dataset.ref}/browser-outcome`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": form.dataset.csrfToken ?? "" },
      body: JSON.stringify({ outcome }),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {});

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
    // Opened here, inside the click, so pop-up blockers treat it as the user's own action; the
    // form then loads the audited launch into this window.
    const win = window.open("", form.target);
    if (!win) {
      event.preventDefault();
      if (blocked) {
        blocked.hidden = false;
        blocked.focus();
      }
      report("popup_blocked");
      return;
    }
    win.opener = null;
    if (blocked) blocked.hidden = true;
    report("opened");
    busy = true;
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    if (status) status.textContent = "Launching NCRS…";
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
