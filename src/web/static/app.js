// Progressive enhancement for every page: the NHS design system's behaviours, then ours.
// Pages work without JavaScript; nothing here is needed for a task to succeed.
import { enhanceLaunchButtons } from "/static/launch.js";
import { initAll } from "/static/nhsuk-frontend.min.js";
import { startIdleTimer } from "/static/session-timeout.js";
import { applyTabIdentity } from "/static/tab-identity.js";

initAll();
applyTabIdentity();
enhanceLaunchButtons();
startIdleTimer(document.getElementById("idle-warning"));
