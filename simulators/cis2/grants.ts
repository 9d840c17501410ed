/**
 * Grants and authorization records. CIS2 shows no consent screen, so every authorization gets a
 * fresh grant covering the scopes asked for; the grant id then keys the record of what this
 * authorization decided (CIS2 session, role, scenario) for the token endpoint to use.
 */
import type { Grant, KoaContextWithOIDC } from "oidc-provider";
import { currentCis2Session, readCis2Result, requestedScopes } from "./authorization-context.ts";
import { decideRole } from "./roles.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";

/** `loadExistingGrant` for the provider: links a fresh sign-in to the browser and grants the scopes. */
export function grantLoader(deps: SimulatorDeps) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const fresh = readCis2Result(ctx.oidc.result);
    const signedIn = fresh ? deps.sessions.get(fresh.sid) : undefined;
    if (signedIn) deps.sessions.bindBrowser(signedIn, session.uid);
    const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
    grant.addOIDCScope(ctx.oidc.requestParamOIDCScopes);
    await grant.save();
    return grant;
  };
}

/**
 * Listener for `authorization.accepted` (the provider is about to issue the code): records the
 * client in the CIS2 session, makes the provider's per-client `sid` the CIS2 session id, settles
 * the role and remembers what the token endpoint will need.
 */
export function authorizationRecorder(deps: SimulatorDeps) {
  return (ctx: KoaContextWithOIDC): void => {
    const { client, session, grant } = ctx.oidc;
    const cis2 = currentCis2Session(deps, ctx);
    const user = deps.directory.user(session?.accountId ?? "");
    if (!client || !session || !grant?.jti || !cis2 || !user) {
      deps.log("cis2-sim: authorization accepted without a CIS2 session (no record kept)");
      return;
    }
    cis2.clientIds.add(client.clientId);
    session.sidFor(client.clientId, cis2.sid);
    const fresh = readCis2Result(ctx.oidc.result);
    const decision = decideRole(requestedScopes(ctx), user.roles, cis2.selectedRoleId);
    const roleId = fresh?.roleId ?? (decision.kind === "chosen" ? decision.roleId : undefined);
    if (roleId) cis2.selectedRoleId = roleId;
    deps.sessions.recordAuthorization(grant.jti, {
      sid: cis2.sid,
      sub: user.sub,
      clientId: client.clientId,
      aal: cis2.aal,
      selectedRoleId: roleId,
      scenario: fresh?.scenario,
    });
    const role = roleId ? ` role=${roleId}` : "";
    deps.log(`cis2-sim: authorized client=${client.clientId} sub=${user.sub} sid=${cis2.sid}${role}`);
  };
}
