// The moment this page's session ends (logged out in this or another tab, the smartcard removed,
// signed out at CIS2, an idle or absolute time-out, a new sign-in or role change elsewhere), the
// page empties itself and goes to the neutral "signed out" page, which says why. The server pushes
// the end over a server-sent event stream; tabs of this browser tell each other at once
// (BroadcastChannel); when the stream cannot be had, a short poll does the job.

const CHANNEL = "ncrs-session";
const POLL_MS = 3000;

let leaving = false;
/** This page's session, as the page names it to the browser's other tabs (never the session id). */
let sessionTag = null;
const channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;

/** A log-out this tab did not ask for was done in another tab or window. */
const elsewhere = (reason) => (reason === "logout" ? "logout_elsewhere" : reason || "ended");

/** Replaces the page (and its history entry) with the signed-out page; nothing of it stays on screen. */
export function endPage(reason, { tell = true } = {}) {
  if (leaving) return;
  leaving = true;
  // Only tabs of the same session follow: a session replaced by a newer sign-in in another tab
  // must not take the newer session's tabs with it.
  if (tell) channel?.postMessage({ type: "ended", reason: elsewhere(reason), tag: sessionTag });
  const returnTo = location.pathname + location.search;
  const notice = document.createElement("main");
  notice.className = "nhsuk-width-container nhsuk-main-wrapper";
  notice.setAttribute("data-testid", "signing-out");
  notice.textContent = "Signed out.";
  document.body.replaceChildren(notice);
  document.title = "Signed out – NCRS Connect";
  location.replace(`/signed-out?${new URLSearchParams({ reason: elsewhere(reason), return_to: returnTo })}`);
}

function poll() {
  const check = async () => {
    if (leaving) return;
    const response = await fetch("/session/status", {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    }).catch(() => null);
    const status = response?.ok ? await response.json() : null;
    if (status && !status.signedIn) endPage(elsewhere(status.reason));
  };
  return setInterval(check, POLL_MS);
}

/**
 * On the page a log-out lands on: tells this browser's other tabs, which empty themselves at once
 * (a log-out ends the session every signed-in tab of this browser is in).
 */
export function announceSignedOut() {
  channel?.postMessage({ type: "ended", reason: "logout_elsewhere" });
}

/** Follows this page's session; call on signed-in pages only. */
export function watchSession() {
  sessionTag = document.getElementById("idle-warning")?.dataset.sessionTag || null;
  // The tab that logs out goes on to the page that says it did; that page tells the other tabs.
  for (const form of document.querySelectorAll('form[action="/auth/logout"]'))
    form.addEventListener("submit", () => {
      leaving = true;
    });
  channel?.addEventListener("message", (event) => {
    const { type, reason, tag } = event.data ?? {};
    if (type === "ended" && (!tag || tag === sessionTag)) endPage(reason, { tell: false });
  });
  // A page brought back from the back-forward cache is fetched again, so the server decides.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) location.reload();
  });
  if (!("EventSource" in window)) {
    poll();
    return;
  }
  let polling = 0;
  const source = new EventSource("/session/events");
  source.addEventListener("session-ended", (event) => {
    source.close();
    endPage(elsewhere(JSON.parse(event.data).reason));
  });
  // While the stream is down (a proxy that buffers, a restart) the short poll stands in.
  source.addEventListener("error", () => {
    if (!polling) polling = poll();
  });
  source.addEventListener("open", () => {
    clearInterval(polling);
    polling = 0;
  });
  window.addEventListener("pagehide", () => source.close());
}
