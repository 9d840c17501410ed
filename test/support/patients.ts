/** Finding and selecting patients over HTTP, as the pages do. */
import { type AgentResponse, csrfTokenIn, type HttpAgent } from "./http-agent.ts";

export const TAB = "testtab0000000000001";

/**
 * Searches as the page's form does: the search is posted, and the browser is sent on to a results
 * address that holds no patient details. Returns the answer to the post, unfollowed, when `raw`.
 */
export async function searchPatients(
  agent: HttpAgent,
  baseUrl: string,
  search: string,
  tab = TAB,
): Promise<AgentResponse> {
  const form = await agent.get(`${baseUrl}/patients?tab=${tab}`);
  const posted = await agent.postForm(`${baseUrl}/patients/search`, {
    _csrf: csrfTokenIn(form.body),
    tab,
    q: search,
  });
  return agent.follow(posted);
}

/** Searches and selects the patient whose row contains `mrn`; returns the patient page. */
export async function selectPatient(
  agent: HttpAgent,
  baseUrl: string,
  search: string,
  mrn: string,
  tab = TAB,
): Promise<AgentResponse> {
  const list = await searchPatients(agent, baseUrl, search, tab);
  const row = list.body.split('<tr class="nhsuk-table__row">').find((r) => r.includes(`MRN ${mrn}`));
  const patientId = row?.match(/name="patientId" value="([^"]+)"/)?.[1];
  if (!patientId) throw new Error(`no patient ${mrn} in results for ${search}`);
  const selected = await agent.postForm(`${baseUrl}/patients/select`, {
    _csrf: csrfTokenIn(list.body),
    tab,
    patientId,
  });
  return agent.follow(selected);
}

export function contextIdOf(page: AgentResponse): string {
  const id = page.url.match(/\/patient-context\/([A-Za-z0-9_-]+)/)?.[1];
  if (!id) throw new Error(`not a patient page: ${page.url}`);
  return id;
}

/** Presses "Check details with PDS" on a patient page; returns the check page (or the error page). */
export async function checkWithPds(
  agent: HttpAgent,
  baseUrl: string,
  patientPage: AgentResponse,
): Promise<AgentResponse> {
  const response = await agent.postForm(`${baseUrl}/patient-context/${contextIdOf(patientPage)}/checks`, {
    _csrf: csrfTokenIn(patientPage.body),
  });
  return agent.follow(response);
}

/** Posts one of the check page's forms (confirm, mismatch, rekey). */
export async function decide(
  agent: HttpAgent,
  checkPage: AgentResponse,
  action: "confirm" | "mismatch" | "rekey",
  fields: Record<string, string> = {},
): Promise<AgentResponse> {
  return agent.postForm(`${checkPage.url.split("?")[0]}/${action}`, {
    _csrf: csrfTokenIn(checkPage.body),
    ...fields,
  });
}

export function bannerVerification(page: AgentResponse): string | undefined {
  return page.body.match(/data-testid="banner-verification">([^<]+)</)?.[1];
}

export function bannerFlags(page: AgentResponse): string[] {
  return [...page.body.matchAll(/data-testid="banner-flag">([^<]+)</g)].map((m) => m[1] as string);
}
