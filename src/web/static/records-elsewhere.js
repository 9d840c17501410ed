// "Records held elsewhere" on the patient page. When the page was sent before NRL answered, the
// panel says "Checking…" and this fetches the panel once NRL has answered (the server waits for
// it). And when another tab's look at NRL finds a document new to this user, the live channel
// (notifications.js) passes it on as a `records-new` event and a quiet banner says so here.
// Text is set with textContent only; the fetched panel is our own server-rendered HTML.
const panel = document.querySelector("[data-records-elsewhere]");

async function load() {
  try {
    const response = await fetch(panel.dataset.url, {
      credentials: "same-origin",
      headers: { accept: "text/html" },
    });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = doc.querySelector("[data-records-elsewhere]");
    if (fresh) panel.replaceWith(document.importNode(fresh, true));
  } catch {
    // Without an answer the panel keeps saying "Checking…"; a reload shows what NRL found.
  }
}

function showNews(detail) {
  const current = document.querySelector("[data-records-elsewhere]");
  if (!current || current.querySelector('[data-testid="new-document"]')) return;
  const banner = document.createElement("div");
  banner.className = "nhsuk-notification-banner";
  banner.setAttribute("role", "region");
  banner.setAttribute("aria-labelledby", "new-document-live-title");
  banner.dataset.testid = "new-document";
  const header = document.createElement("div");
  header.className = "nhsuk-notification-banner__header";
  const title = document.createElement("h2");
  title.className = "nhsuk-notification-banner__title";
  title.id = "new-document-live-title";
  title.textContent = "New document available";
  header.append(title);
  const content = document.createElement("div");
  content.className = "nhsuk-notification-banner__content";
  const list = document.createElement("ul");
  list.className = "nhsuk-list";
  list.dataset.testid = "new-document-list";
  for (const p of detail.pointers) {
    const item = document.createElement("li");
    item.textContent = `${p.type} from ${p.custodian}`;
    list.append(item);
  }
  const source = document.createElement("p");
  source.className = "nhsuk-body-s";
  source.dataset.testid = "new-document-source";
  source.textContent = detail.source;
  const reload = document.createElement("a");
  reload.className = "nhsuk-notification-banner__link";
  reload.href = `${window.location.pathname}#records-elsewhere`;
  reload.textContent = "Reload this page to see the list";
  content.append(list, source, reload);
  banner.append(header, content);
  current.querySelector("h2")?.after(banner);
}

if (panel && panel.dataset.state === "pending") void load();
document.addEventListener("records-new", (event) => showNews(event.detail));
