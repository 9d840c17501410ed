// Progressive enhancement for every page: the NHS design system's behaviours, then ours.
// Pages work without JavaScript; nothing here is needed for a task to succeed.
import { enhanceLaunchButtons } from "/static/launch.js";
import { initAll } from "/static/nhsuk-frontend.min.js";
import { startIdleTimer } from "/static/session-timeout.js";
import { announceSignedOut, watchSession } from "/static/session-watch.js";
import { applyTabIdentity } from "/static/tab-identity.js";

initAll();
applyTabIdentity();
enhanceLaunchButtons();
// The idle warning is on every signed-in page, and only there.
const idleWarning = document.getElementById("idle-warning");
startIdleTimer(idleWarning);
if (idleWarning) watchSession();
if (document.querySelector("[data-signed-out-broadcast]")) announceSignedOut();
