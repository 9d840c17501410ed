/** Walks the CIS2 sign-in over HTTP: app → simulator sign-in form → role page → app callback. */
import { type AgentResponse, type HttpAgent, postFormActionIn } from "./http-agent.ts";

export interface SignInChoice {
  readonly user: string;
  readonly authenticator?: string;
  readonly role?: string;
  readonly scenario?: string;
  /** Path to start from (default /auth/login). */
  readonly start?: string;
}

/** Signs in and returns the first response that is not a redirect (the app's page, or an error). */
export async function signIn(
  agent: HttpAgent,
  baseUrl: string,
  choice: SignInChoice,
): Promise<AgentResponse> {
  const form = await agent.follow(await agent.get(`${baseUrl}${choice.start ?? "/auth/login"}`));
  if (!form.body.includes('name="user"')) return form;
  let page = await agent.postForm(new URL(postFormActionIn(form.body), form.url).href, {
    user: choice.user,
    authenticator: choice.authenticator ?? "smartcard-identity-agent",
    sim_scenario: choice.scenario ?? "",
  });
  page = await agent.follow(page);
  if (page.body.includes('name="role"')) {
    if (!choice.role) throw new Error("the simulator asked for a role but the test chose none");
    page = await agent.follow(
      await agent.postForm(new URL(postFormActionIn(page.body), page.url).href, { role: choice.role }),
    );
  }
  return page;
}

export const USERS = {
  singleRole: "555000000001",
  multiRole: "555000000002",
  admin: "555000000003",
  noRole: "555000000004",
  aal2Only: "555000000005",
  manyRoles: "555000000006",
} as const;
