// Gives each browser tab one stable id for its patient work, kept in sessionStorage (which is per
// tab). The server binds a patient selection to the tab it was made in, so a selection in one tab
// supersedes only that tab's earlier one. Without JavaScript the id travels in the page's links
// and forms instead, which is a little less sticky but never less safe: a stale selection is
// always refused by the server.

const KEY = "ncrs-tab-id";
const TAB_ID = /^[A-Za-z0-9_-]{16,64}$/;

function randomTabId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The tab's id: remembered, else the one this page was given, else a new one. */
export function tabId() {
  let id = sessionStorage.getItem(KEY);
  if (!id || !TAB_ID.test(id)) {
    const given = document.querySelector('input[name="tab"]')?.value;
    id = given && TAB_ID.test(given) ? given : randomTabId();
    sessionStorage.setItem(KEY, id);
  }
  return id;
}

/** Puts this tab's id into every patient form and "Find a patient" link on the page. */
export function applyTabIdentity() {
  const id = tabId();
  for (const input of document.querySelectorAll('input[name="tab"]')) input.value = id;
  for (const link of document.querySelectorAll('a[href^="/patients"]')) {
    const url = new URL(link.getAttribute("href"), location.origin);
    url.searchParams.set("tab", id);
    link.setAttribute("href", url.pathname + url.search);
  }
}
