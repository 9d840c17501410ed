// Live notifications on a patient page: listens to the page's own notification stream (bound to
// the session and patient context on the server) and shows an NHS notification banner for each
// change that matters. Text is set with textContent only, never parsed as HTML.
const root = document.querySelector("[data-patient-notifications]");
const template = document.getElementById("patient-notification-template");

function show(notification) {
  if (root.querySelector(`[data-kind="${CSS.escape(notification.kind)}"]`)) return;
  const banner = template.content.firstElementChild.cloneNode(true);
  const titleId = `patient-notification-title-${root.children.length + 1}`;
  banner.dataset.kind = notification.kind;
  banner.setAttribute("aria-labelledby", titleId);
  banner.querySelector(".nhsuk-notification-banner__title").id = titleId;
  banner.querySelector('[data-field="title"]').textContent = notification.title;
  banner.querySelector('[data-field="text"]').textContent = notification.text;
  banner.querySelector('[data-field="reload"]').href = window.location.pathname + window.location.search;
  root.prepend(banner);
}

if (root && template && "EventSource" in window) {
  const source = new EventSource(root.dataset.url);
  source.addEventListener("patient-change", (event) => show(JSON.parse(event.data)));
  // New records held elsewhere: shown by records-elsewhere.js in its own panel.
  source.addEventListener("records-new", (event) =>
    document.dispatchEvent(new CustomEvent("records-new", { detail: JSON.parse(event.data) })),
  );
  // The server ends the stream when the session or this patient selection is over.
  source.addEventListener("end", () => source.close());
  window.addEventListener("pagehide", () => source.close());
}
