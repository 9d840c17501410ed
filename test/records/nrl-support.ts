/** For the records tests: the NRL simulator's control API and reading the panel from a page. */
import type { AgentResponse, HttpAgent } from "../support/http-agent.ts";
import { csrfTokenIn } from "../support/http-agent.ts";

export async function nrlControl(origin: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${origin}/_sim${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  if (!response.ok) throw new Error(`${method} /_sim${path} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** How many consumer requests the NRL simulator has answered. */
export async function nrlRequestCount(origin: string): Promise<number> {
  return ((await nrlControl(origin, "GET", "/requests"))["requests"] as unknown[]).length;
}

/** The "Records held elsewhere" section of a page, or "" when there is none. */
export function panelOf(page: AgentResponse): string {
  const start = page.body.indexOf('data-testid="records-elsewhere"');
  if (start < 0) return "";
  return page.body.slice(start, page.body.indexOf("</section>", start));
}

/** Presses Refresh on the panel and follows back to the patient page. */
export async function refresh(agent: HttpAgent, page: AgentResponse): Promise<AgentResponse> {
  const ctx = page.url.match(/\/patient-context\/([A-Za-z0-9_-]+)/)?.[1] ?? "";
  const base = new URL(page.url).origin;
  return agent.follow(
    await agent.postForm(`${base}/patient-context/${ctx}/records-elsewhere/refresh`, {
      _csrf: csrfTokenIn(page.body),
    }),
  );
}

export async function dismiss(agent: HttpAgent, page: AgentResponse): Promise<AgentResponse> {
  const ctx = page.url.match(/\/patient-context\/([A-Za-z0-9_-]+)/)?.[1] ?? "";
  const base = new URL(page.url).origin;
  return agent.follow(
    await agent.postForm(`${base}/patient-context/${ctx}/records-elsewhere/dismiss`, {
      _csrf: csrfTokenIn(page.body),
    }),
  );
}
