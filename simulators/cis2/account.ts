/**
 * Accounts for the OpenID provider: the test users, with ID-token claims shaped like CIS2's
 * (assurance levels, selected role, ForgeRock AM's own extras) and UserInfo claims from the directory.
 */
import { randomUUID } from "node:crypto";
import type { Account, AccountClaims, FindAccount } from "oidc-provider";
import type { AuthorizationRecord } from "./sessions.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";
import { type TestUser, userinfoClaims } from "./users.ts";

/** The AM realm CIS2 names in its ID tokens. */
export const REALM = "/NHSIdentity/Healthcare";

/** Claims CIS2 releases per scope. ID-token-only claims sit under `openid`. */
export const CLAIMS_BY_SCOPE = {
  openid: [
    "sub",
    "acr",
    "amr",
    "auth_time",
    "sid",
    "azp",
    "id_assurance_level",
    "authentication_assurance_level",
    "selected_roleid",
    "realm",
    "tokenName",
    "tokenType",
    "auditTrackingId",
  ],
  profile: ["name", "family_name", "given_name", "uid"],
  email: ["email"],
  nhsperson: ["nhsid_useruid", "title", "initials", "middle_names", "display_name", "idassurancelevel"],
  associatedorgs: ["nhsid_user_orgs"],
  nationalrbacaccess: ["nhsid_nrbac_roles"],
  selectedrole: [],
  changedrole: [],
} as const;

function idTokenClaims(user: TestUser, record: AuthorizationRecord | undefined): AccountClaims {
  return {
    sub: user.sub,
    ...(record
      ? {
          azp: record.clientId,
          sid: record.sid,
          authentication_assurance_level: record.aal,
          ...(record.selectedRoleId ? { selected_roleid: record.selectedRoleId } : {}),
        }
      : {}),
    id_assurance_level: user.idAssuranceLevel,
    realm: REALM,
    tokenName: "id_token",
    tokenType: "JWTToken",
    auditTrackingId: `${randomUUID()}-${Math.floor(Math.random() * 1e6)}`,
  };
}

/** `findAccount` for the provider. `token` is the authorization code when an ID token is issued. */
export function accountFinder(deps: SimulatorDeps): FindAccount {
  return (_ctx, sub, token): Account | undefined => {
    const user = deps.directory.user(sub);
    if (!user) return undefined;
    const grantId = token && "grantId" in token ? token.grantId : undefined;
    return {
      accountId: user.sub,
      claims: (use) =>
        use === "id_token"
          ? idTokenClaims(user, deps.sessions.authorization(grantId))
          : { ...userinfoClaims(user), sub: user.sub },
    };
  };
}
