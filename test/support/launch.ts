/** Launch helpers for HTTP tests: verify a patient, read the launch form, press the button. */
import type { AgentResponse, HttpAgent } from "./http-agent.ts";
import { checkWithPds, decide, selectPatient } from "./patients.ts";

/** Selects and verifies a patient; returns their patient page (with the launch button). */
export async function verifiedPatientPage(
  agent: HttpAgent,
  baseUrl: string,
  search: string,
  mrn: string,
  tab?: string,
): Promise<AgentResponse> {
  const page = await selectPatient(agent, baseUrl, search, mrn, tab);
  const check = await checkWithPds(agent, baseUrl, page);
  await agent.follow(await decide(agent, check, "confirm"));
  return agent.get(page.url);
}

export interface LaunchForm {
  readonly launchId: string;
  readonly ref: string;
  readonly target: string;
  readonly rel: string;
}

export function launchFormIn(page: AgentResponse): LaunchForm | null {
  const form = page.body.match(/<form class="app-launch__form"[^>]*>/)?.[0];
  if (!form) return null;
  const attr = (name: string) => form.match(new RegExp(`${name}="([^"]*)"`))?.[1] ?? "";
  const launchId = page.body.match(/name="launch_id" value="([^"]+)"/)?.[1] ?? "";
  return { launchId, ref: attr("data-ref"), target: attr("target"), rel: attr("rel") };
}

/** Presses "Open in NCRS" (posts the launch id, as the form does). */
export function pressLaunch(agent: HttpAgent, baseUrl: string, launchId: string): Promise<AgentResponse> {
  return agent.postForm(`${baseUrl}/launch`, { launch_id: launchId });
}
