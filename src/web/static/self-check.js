// The workstation self-check: what a browser can test about opening NCRS. The pop-up test runs in
// the button's click, as a real launch does.

const table = document.getElementById("self-check");
const set = (check, ok, text) => {
  const cell = table?.querySelector(`[data-check=${check}]`);
  if (!cell) return;
  cell.innerHTML = "";
  const tag = document.createElement("strong");
  tag.className = `nhsuk-tag nhsuk-tag--${ok ? "green" : "red"}`;
  tag.textContent = ok ? "Pass" : "Fail";
  cell.append(tag, ` ${text}`);
};

function popups() {
  const win = window.open("about:blank", "ncrs-connect-self-check", "width=200,height=200");
  if (!win)
    return set("popups", false, "The browser blocked a new tab from this site: allow pop-ups for it.");
  win.close();
  set("popups", true, "This site can open NCRS in a new tab.");
}

function cookies() {
  // The Cookie Store API is missing from some supported browsers; this tests the plain mechanism.
  // biome-ignore lint/suspicious/noDocumentCookie: see above
  document.cookie = "ncrs_self_check=1; path=/; SameSite=Lax";
  const ok = navigator.cookieEnabled && document.cookie.includes("ncrs_self_check=1");
  // biome-ignore lint/suspicious/noDocumentCookie: see above
  document.cookie = "ncrs_self_check=; path=/; max-age=0";
  set("cookies", ok, ok ? "Cookies work for this site." : "Cookies are blocked: sign-in cannot work.");
}

async function ncrs() {
  const origin = table?.dataset.ncrsOrigin;
  try {
    await fetch(origin, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(8000) });
    set("ncrs", true, "NCRS answered.");
  } catch {
    set(
      "ncrs",
      false,
      "NCRS could not be reached from this workstation: check the network and proxy settings.",
    );
  }
}

function browser() {
  const ua = navigator.userAgent;
  const chromium = /Chrome\/(\d+)/.exec(ua);
  const version = chromium ? Number(chromium[1]) : 0;
  const ok = version >= 120;
  set(
    "browser",
    ok,
    ok
      ? `${/Edg\//.test(ua) ? "Microsoft Edge" : "Chrome-based browser"} ${version}.`
      : "Use a current version of Microsoft Edge or Google Chrome.",
  );
}

document.getElementById("run-checks")?.addEventListener("click", () => {
  popups();
  cookies();
  browser();
  ncrs();
});
