/** Walks the CIS2 sign-in over HTTP: app → simulator sign-in form → role page → app callback. */
import { type AgentResponse, csrfTokenIn, type HttpAgent, postFormActionIn } from "./http-agent.ts";

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

/**
 * Logs out with the page's form; where the log-out goes on to end the CIS2 session, confirms that
 * on CIS2's end-session page. Returns the page the browser ends on (the start page).
 */
export async function logOut(agent: HttpAgent, baseUrl: string, page: AgentResponse): Promise<AgentResponse> {
  return confirmAtCis2(
    agent,
    await agent.postForm(`${baseUrl}/auth/logout`, { _csrf: csrfTokenIn(page.body) }),
  );
}

/** Follows a log-out; on CIS2's end-session page, says "Yes, sign me out"; returns where it ends. */
export async function confirmAtCis2(agent: HttpAgent, response: AgentResponse): Promise<AgentResponse> {
  const step = await agent.follow(response);
  const form = /<form[^>]*id="op.logoutForm"[^>]*>[\s\S]*?<\/form>/.exec(step.body)?.[0];
  if (!form) return step;
  const action = /action="([^"]+)"/.exec(form)?.[1] ?? "";
  const fields: Record<string, string> = { logout: "yes" };
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    fields[m[1] as string] = m[2] as string;
  return agent.follow(await agent.postForm(new URL(action.replaceAll("&amp;", "&"), step.url).href, fields));
}

export const USERS = {
  singleRole: "555000000001",
  multiRole: "555000000002",
  admin: "555000000003",
  noRole: "555000000004",
  aal2Only: "555000000005",
  manyRoles: "555000000006",
} as const;
