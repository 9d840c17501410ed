/**
 * When the provider must send the browser to the simulator's pages: CIS2 asks for authentication
 * (no session, `prompt=login`, `max_age`, an ended CIS2 session, or a different assurance class
 * than the session was established with) and for role selection. There is no consent prompt: CIS2
 * users agree to share their data through the CIS2 terms of use.
 */
import { interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { requestedAcr } from "./assurance.ts";
import { currentCis2Session, readCis2Result, requestedScopes } from "./authorization-context.ts";
import { decideRole } from "./roles.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";

const { Check, Prompt, base } = interactionPolicy;

export const SELECT_ROLE_PROMPT = "select_role";

function signedInWithoutFreshLogin(ctx: KoaContextWithOIDC): boolean {
  return Boolean(ctx.oidc.session?.accountId) && !ctx.oidc.result?.login;
}

function loginPrompt(deps: SimulatorDeps): interactionPolicy.Prompt {
  const login = base().get("login");
  if (!login) throw new Error("oidc-provider base policy has no login prompt");
  login.checks.add(
    new Check("cis2_session_ended", "the CIS2 session has ended", (ctx) => {
      return signedInWithoutFreshLogin(ctx) && !currentCis2Session(deps, ctx);
    }),
  );
  // The session remembers the class it satisfied; another class needs a (possibly silent) re-check.
  login.checks.add(
    new Check("acr_class_changed", "a different assurance class was requested", (ctx) => {
      const wanted = requestedAcr(ctx.oidc.params?.["acr_values"]);
      return signedInWithoutFreshLogin(ctx) && ctx.oidc.session?.acr !== wanted;
    }),
  );
  return login;
}

function selectRolePrompt(deps: SimulatorDeps): interactionPolicy.Prompt {
  return new Prompt(
    { name: SELECT_ROLE_PROMPT, requestable: false },
    new Check("role_selection", "the user must select a role", (ctx) => {
      if (readCis2Result(ctx.oidc.result)?.roleSettled) return false;
      const user = deps.directory.user(ctx.oidc.session?.accountId ?? "");
      if (!user) return false;
      const remembered = currentCis2Session(deps, ctx)?.selectedRoleId;
      return decideRole(requestedScopes(ctx), user.roles, remembered).kind === "ask";
    }),
  );
}

/** The interaction policy: authentication first, then role selection. */
export function cis2Policy(deps: SimulatorDeps): interactionPolicy.Prompt[] {
  return [loginPrompt(deps), selectRolePrompt(deps)];
}
