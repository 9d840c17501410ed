// Warns before the idle timeout and offers "Stay signed in". The server is the authority: before
// warning we ask it (without counting as activity) when the session really expires, because the
// user may have been active in another tab. When the session has ended the page says so and why.
import { endPage } from "/static/session-watch.js";

const POLL_FLOOR_MS = 2000;

/** @param {HTMLDialogElement | null} dialog */
export function startIdleTimer(dialog) {
  if (!dialog) return;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const csrfToken = dialog.dataset.csrfToken ?? "";
  const countdown = dialog.querySelector("[data-role=countdown]");
  let expiresAt = Date.parse(dialog.dataset.idleExpiresAt ?? "");
  let timer = 0;
  let ticker = 0;

  const signedOut = (reason) => endPage(reason || "ended");

  const apply = (status) => {
    if (!status.signedIn) return signedOut(status.reason);
    expiresAt = Date.parse(status.idleExpiresAt);
    if (dialog.open && expiresAt - Date.now() > warningMs) {
      // Activity elsewhere (another tab) extended the session.
      clearInterval(ticker);
      dialog.close();
    }
    schedule();
  };

  const check = async () => {
    const response = await fetch("/session/status", {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
    apply(await response.json());
    if (expiresAt - Date.now() <= warningMs) warn();
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => check().catch(() => schedule()),
      Math.max(POLL_FLOOR_MS, expiresAt - Date.now() - warningMs),
    );
  };

  const warn = () => {
    if (!dialog.open) dialog.showModal();
    clearInterval(ticker);
    const tick = () => {
      const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
      if (countdown)
        countdown.textContent = left >= 60 ? `${Math.ceil(left / 60)} minutes` : `${left} seconds`;
      if (left === 0) check().catch(() => signedOut("idle_timeout"));
    };
    tick();
    ticker = setInterval(tick, 1000);
  };

  dialog.querySelector("[data-action=stay-signed-in]")?.addEventListener("click", async () => {
    const response = await fetch("/session/keep-alive", {
      method: "POST",
      headers: { accept: "application/json", "x-csrf-token": csrfToken },
      credentials: "same-origin",
    });
    clearInterval(ticker);
    dialog.close();
    apply(await response.json());
  });

  schedule();
}
