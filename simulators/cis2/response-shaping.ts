/**
 * Middleware around the OpenID provider that changes finished responses: it applies the failure
 * scenarios at the token and UserInfo endpoints and advertises back-channel logout in discovery
 * (the simulator sends those logout tokens itself, see session-ending.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { decodeJwt, SignJWT, UnsecuredJWT } from "jose";
import type { KoaContextWithOIDC } from "oidc-provider";
import { tamperIdTokenClaims } from "./scenario-effects.ts";
import { SCENARIOS, type ScenarioId } from "./scenarios.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";

/** The sub UserInfo answers with under `userinfo-wrong-sub` (not a test user's). */
export const OTHER_SUB = "555000009999";

type Next = () => Promise<unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scenarioFor(deps: SimulatorDeps, grantId: string | undefined, sub: string | undefined) {
  return deps.sessions.authorization(grantId)?.scenario ?? deps.userScenarios.get(sub ?? "");
}

async function holdResponse(deps: SimulatorDeps): Promise<void> {
  try {
    await sleep(deps.tokenTimeoutDelayMs, undefined, { signal: deps.closing });
  } catch {
    // The simulator is closing; its connections are being dropped anyway.
  }
}

async function reissueIdToken(deps: SimulatorDeps, body: Record<string, unknown>, scenario: ScenarioId) {
  const idToken = body["id_token"];
  if (typeof idToken !== "string") return;
  const now = Math.floor(Date.now() / 1000);
  const claims = tamperIdTokenClaims(decodeJwt(idToken), scenario, now);
  body["id_token"] =
    scenario === "bad-signature"
      ? await deps.keys.forge(claims)
      : scenario === "unsigned-id-token"
        ? new UnsecuredJWT(claims).encode()
        : scenario === "hs256-id-token"
          ? await new SignJWT(claims)
              .setProtectedHeader({ alg: "HS256", typ: "JWT" })
              .sign(new TextEncoder().encode(String(claims["aud"])))
          : await deps.keys.sign(claims);
}

async function shapeTokenResponse(deps: SimulatorDeps, ctx: KoaContextWithOIDC): Promise<void> {
  const code = ctx.oidc.entities.AuthorizationCode;
  if (ctx.status !== 200 || !code || !isRecord(ctx.body)) return;
  const scenario = scenarioFor(deps, code.grantId, code.accountId);
  if (!scenario) return;
  const stage = SCENARIOS.find((s) => s.id === scenario)?.stage;
  if (stage !== "token" && stage !== "id-token") return;
  deps.log(`cis2-sim: scenario ${scenario} applied to token response for sub=${code.accountId ?? "?"}`);
  if (scenario === "token-500") {
    ctx.status = 500;
    ctx.body = { error: "server_error", error_description: "simulated CIS2 failure (scenario token-500)" };
  } else if (scenario === "token-timeout") {
    await holdResponse(deps);
  } else {
    await reissueIdToken(deps, ctx.body, scenario);
  }
}

function shapeUserinfoResponse(deps: SimulatorDeps, ctx: KoaContextWithOIDC): void {
  const token = ctx.oidc.entities.AccessToken;
  if (ctx.status !== 200 || !token || !isRecord(ctx.body)) return;
  if (scenarioFor(deps, token.grantId, token.accountId) !== "userinfo-wrong-sub") return;
  deps.log(`cis2-sim: scenario userinfo-wrong-sub applied for sub=${token.accountId}`);
  ctx.body["sub"] = OTHER_SUB;
}

function shapeDiscovery(ctx: KoaContextWithOIDC): void {
  if (!isRecord(ctx.body)) return;
  ctx.body["backchannel_logout_supported"] = true;
  ctx.body["backchannel_logout_session_supported"] = true;
}

/** Koa middleware to `provider.use()`: runs after the provider has produced its response. */
export function responseShaper(deps: SimulatorDeps) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    await next();
    // Requests the provider does not route (404s) carry no OIDC context.
    const route: string | undefined = (ctx.oidc as KoaContextWithOIDC["oidc"] | undefined)?.route;
    if (route === "token") await shapeTokenResponse(deps, ctx);
    else if (route === "userinfo") shapeUserinfoResponse(deps, ctx);
    else if (route === "discovery") shapeDiscovery(ctx);
  };
}
