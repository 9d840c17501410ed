/**
 * Reading the simulator's own state out of an authorization request in flight: the result our
 * sign-in interaction handed back, and the CIS2 session the browser is in.
 */
import type { InteractionResults, KoaContextWithOIDC } from "oidc-provider";
import { z } from "zod";
import { isScenarioId, type ScenarioId } from "./scenarios.ts";
import type { Cis2Session } from "./sessions.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";

/** What the sign-in interaction records in the interaction result under the `cis2` key. */
export interface Cis2Result {
  sid: string;
  scenario?: ScenarioId;
  /** Set when the user picked a role in this interaction. */
  roleId?: string;
  /** True once role selection was settled in this interaction (picked, automatic or not needed). */
  roleSettled: boolean;
}

const cis2ResultSchema = z.object({
  sid: z.string(),
  scenario: z.string().refine(isScenarioId).optional(),
  roleId: z.string().optional(),
  roleSettled: z.boolean(),
});

/** The `cis2` part of an interaction result, if our interaction produced one. */
export function readCis2Result(result: InteractionResults | undefined): Cis2Result | undefined {
  const parsed = cis2ResultSchema.safeParse(result?.["cis2"]);
  if (!parsed.success) return undefined;
  const { sid, scenario, roleId, roleSettled } = parsed.data;
  return {
    sid,
    roleSettled,
    ...(scenario && isScenarioId(scenario) ? { scenario } : {}),
    ...(roleId ? { roleId } : {}),
  };
}

/**
 * The CIS2 session behind this request: the one just signed in to (from the interaction result),
 * or the live one linked to the browser's provider session for the same user.
 */
export function currentCis2Session(deps: SimulatorDeps, ctx: KoaContextWithOIDC): Cis2Session | undefined {
  const fromResult = readCis2Result(ctx.oidc.result);
  if (fromResult) return deps.sessions.get(fromResult.sid);
  const session = ctx.oidc.session;
  const cis2 = deps.sessions.byBrowser(session?.uid);
  return cis2 && cis2.sub === session?.accountId ? cis2 : undefined;
}

/** The scopes the client asked for in this authorization request. */
export function requestedScopes(ctx: KoaContextWithOIDC): Set<string> {
  return ctx.oidc.requestParamScopes;
}
