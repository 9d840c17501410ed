// Enhances "Open in NCRS". The form itself opens NCRS: submitted in the click into a named window,
// it opens the tab as quickly as a link would and pop-up blockers treat it as the user's own
// action. This script adds what only a script can: it stops a double click launching twice, says
// "Launching NCRS…" until NCRS has answered in its tab (or says NCRS is slow and not to click
// again), asks the server whether the tab reached it (a tab that never arrives was blocked by the
// browser), shows how to allow pop-ups when it did not, reports what it saw, and fetches a fresh
// launch id afterwards.

// The first check waits a second: a tab normally reaches us in a fraction of that, and checking
// sooner would only compete with NCRS loading in it.
const FIRST_CHECK_MS = 1000;
const POLL_MS = 500;
// How long a launch's tab may take to reach the server before we call it blocked.
const ARRIVAL_MS = 5000;
// How often the NCRS tab is looked at while NCRS has not answered in it.
const WATCH_MS = 100;
// How long the button stays disabled, at most, while NCRS has not answered.
const MAX_WAIT_MS = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the NCRS tab shows, as far as this page can tell. A new tab starts on an empty page of our
 * own origin, so it can be read until NCRS's answer replaces it; then it cannot be read (or, cut off
 * by the opener policy, it looks closed). NCRS's answer itself, a record or an error, stays NCRS's.
 * @returns {"waiting" | "ncrs" | "ours"}
 */
function tabState(tab, start) {
  if (tab.closed) return "ncrs";
  try {
    const doc = tab.document;
    return doc === start || doc.URL === "about:blank" ? "waiting" : "ours";
  } catch {
    return "ncrs";
  }
}

/**
 * Watches the NCRS tab after a click. Resolves "unwatchable" at once for a tab already on an NCRS
 * page (a reused tab: its next page cannot be told from its last), "ncrs" once NCRS answers in it,
 * "ours" when it shows a page of ours (a refusal), or "slow" once `waitMs` pass without an answer;
 * after "slow" it goes on watching and calls `answered` if NCRS answers within `maxMs`.
 */
async function watchTab(windowName, waitMs, maxMs, answered) {
  // The form's tab exists by now, so this finds it: it opens nothing, and navigates nothing.
  const tab = window.open("", windowName);
  if (!tab) return "unwatchable";
  let start;
  try {
    start = tab.document;
  } catch {
    return "unwatchable";
  }
  const began = Date.now();
  while (Date.now() - began < waitMs) {
    const state = tabState(tab, start);
    if (state !== "waiting") return state;
    await sleep(WATCH_MS);
  }
  (async () => {
    while (Date.now() - began < maxMs) {
      await sleep(WATCH_MS * 5);
      if (tabState(tab, start) !== "waiting") return answered(true);
    }
    answered(false);
  })();
  return "slow";
}

/** @param {HTMLFormElement} form */
function enhance(form) {
  const button = form.querySelector("button");
  const status = form.querySelector("[data-role=status]");
  const blocked = document.getElementById("popup-blocked");
  const slow = document.getElementById("ncrs-slow");
  const busyMs = Number(form.dataset.busySeconds || 5) * 1000;
  const waitMs = Number(form.dataset.ncrsWaitSeconds || 8) * 1000;
  let busy = false;
  // Where the form still has rel="noopener noreferrer" (NCRS_TAB_REUSE=false), Chromium would start
  // the tab in a new process, about a tenth of a second a launch, and this script could not watch
  // it. Our Cross-Origin-Opener-Policy (same-origin) still cuts the tab off once it reaches NCRS's
  // origin, and Referrer-Policy: no-referrer keeps the Referer back, so rel can go.
  form.removeAttribute("rel");

  const say = (text) => {
    if (status) status.textContent = text;
  };

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
      await sleep(wait);
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

  const ready = async (message) => {
    const renewed = await renew().catch(() => false);
    busy = false;
    button.disabled = !renewed;
    button.removeAttribute("aria-disabled");
    say(renewed ? message : "Reload the page to open NCRS again.");
  };

  // What happened after the click, told to the user and to the server once. Resolves when the
  // button may be used again.
  const follow = (ref) =>
    new Promise((done) => {
      const onLate = (answeredLate) => {
        if (slow) slow.hidden = true;
        done(answeredLate ? "NCRS has now answered in its tab." : "");
      };
      const watching = watchTab(
        form.dataset.windowName ?? "",
        waitMs,
        Math.max(waitMs, MAX_WAIT_MS),
        onLate,
      ).catch(() => "unwatchable");
      watching.then((state) => {
        if (state !== "slow") return;
        say("NCRS is taking longer than usual: don't click again.");
        if (slow) {
          slow.hidden = false;
          slow.focus();
        }
      });
      (async () => {
        const reached = await arrived(ref).catch(() => null);
        const state = await watching;
        // A tab that never reached us was blocked, or failed on its way: NCRS cannot be in it.
        if (reached === false) {
          if (blocked) {
            blocked.hidden = false;
            blocked.focus();
          }
          report(ref, "popup_blocked");
        } else if (reached !== null && state !== "ours") {
          const outcome = { ncrs: "ncrs_answered", slow: "ncrs_not_answered", unwatchable: "opened" }[state];
          report(ref, outcome);
        }
        if (state !== "slow") done("");
      })();
    });

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
    say("Launching NCRS…");
    if (blocked) blocked.hidden = true;
    if (slow) slow.hidden = true;
    setTimeout(async () => {
      const [message] = await Promise.all([follow(ref), sleep(busyMs)]);
      await ready(message);
    }, 0);
  });
}

export function enhanceLaunchButtons() {
  for (const form of document.querySelectorAll("form[data-module=app-launch]")) enhance(form);
}
