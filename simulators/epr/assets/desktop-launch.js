// Sends the signed context launch as soon as the page loads, as a desktop system would open it.
// A file, not inline script, so the EPR's Content-Security-Policy needs no 'unsafe-inline'.
document.getElementById("epr-context-launch")?.submit();
