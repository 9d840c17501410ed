/**
 * The simulator's sign-in interaction: the tester picks a test user and an authenticator (and
 * optionally a failure scenario); CIS2's assurance rules decide whether that sign-in satisfies the
 * request. Role selection (role-selection.ts) follows in the same interaction when needed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { Interaction } from "oidc-provider";
import { type AcrClass, admits, requestedAcr } from "./assurance.ts";
import type { Cis2Result } from "./authorization-context.ts";
import { HttpError, readForm, redirect, sendHtml } from "./http-kit.ts";
import { decideRole } from "./roles.ts";
import { isScenarioId, type ScenarioId } from "./scenarios.ts";
import type { SessionEnding } from "./session-ending.ts";
import type { Cis2Session } from "./sessions.ts";
import { type FieldError, type SignInForm, signInPage } from "./sign-in-page.ts";
import type { SimulatorDeps } from "./simulator-deps.ts";
import type { Authenticator, TestUser } from "./users.ts";
import { render } from "./views/render.ts";

export interface LoginResult {
  accountId: string;
  acr: AcrClass;
  amr: string[];
  ts: number;
  remember: boolean;
}

/** A sign-in that still waits for the user to pick a role. */
export interface PendingSignIn {
  login: LoginResult;
  sid: string;
  scenario: ScenarioId | undefined;
  /** Epoch ms; abandoned role pages are forgotten after the interaction lifetime. */
  at: number;
}

const PENDING_LIFETIME_MS = 30 * 60 * 1000;

function rememberPending(kit: InteractionKit, uid: string, pending: PendingSignIn): void {
  for (const [key, entry] of kit.pending) {
    if (entry.at < pending.at - PENDING_LIFETIME_MS) kit.pending.delete(key);
  }
  kit.pending.set(uid, pending);
}

export interface InteractionKit {
  deps: SimulatorDeps;
  provider: Provider;
  ending: SessionEnding;
  pending: Map<string, PendingSignIn>;
}

type Req = IncomingMessage;
type Res = ServerResponse;

export function scopesOf(details: Interaction): Set<string> {
  const scope = details.params["scope"];
  return new Set(typeof scope === "string" ? scope.split(" ") : []);
}

export async function clientName(kit: InteractionKit, details: Interaction): Promise<string> {
  const clientId = String(details.params["client_id"] ?? "");
  const client = await kit.provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

/** Hands the interaction result back to the provider, which redirects to the authorization. */
export async function finish(kit: InteractionKit, req: Req, res: Res, result: Record<string, unknown>) {
  await kit.provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

export function cis2Result(
  sid: string,
  scenario: ScenarioId | undefined,
  roleId?: string,
): { cis2: Cis2Result } {
  return {
    cis2: { sid, roleSettled: true, ...(scenario ? { scenario } : {}), ...(roleId ? { roleId } : {}) },
  };
}

/**
 * SSO within the browser: the session exists and its authenticator satisfies the newly requested
 * class, so CIS2 answers without asking the user anything.
 */
async function trySilentLogin(
  kit: InteractionKit,
  req: Req,
  res: Res,
  details: Interaction,
): Promise<boolean> {
  const onlyAcrChanged = details.prompt.reasons.every((r) => r === "acr_class_changed");
  const cis2 = kit.deps.sessions.byBrowser(details.session?.uid);
  const acr = requestedAcr(details.params["acr_values"]);
  if (!onlyAcrChanged || !cis2 || cis2.sub !== details.session?.accountId || !admits(acr, cis2.aal))
    return false;
  cis2.acr = acr;
  const login: LoginResult = { accountId: cis2.sub, acr, amr: cis2.amr, ts: cis2.authTime, remember: true };
  await finish(kit, req, res, { login, cis2: { sid: cis2.sid, roleSettled: false } });
  return true;
}

async function renderSignIn(
  kit: InteractionKit,
  res: Res,
  details: Interaction,
  form: SignInForm,
  errors: FieldError[],
) {
  const html = render(
    "sign-in",
    signInPage(kit.deps.directory, {
      action: `/sim/interaction/${details.uid}/sign-in`,
      clientName: await clientName(kit, details),
      acr: requestedAcr(details.params["acr_values"]),
      scopes: [...scopesOf(details)].join(" "),
      reasons: details.prompt.reasons,
      form,
      errors,
    }),
  );
  sendHtml(res, errors.length > 0 ? 400 : 200, html);
}

/** GET /sim/interaction/:uid */
export async function showInteraction(kit: InteractionKit, req: Req, res: Res, details: Interaction) {
  if (details.prompt.name !== "login") {
    redirect(res, `/sim/interaction/${details.uid}/role`);
    return;
  }
  if (await trySilentLogin(kit, req, res, details)) return;
  await renderSignIn(
    kit,
    res,
    details,
    { ...(details.session ? { user: details.session.accountId } : {}) },
    [],
  );
}

function validateSignIn(kit: InteractionKit, form: SignInForm): FieldError[] {
  const user = kit.deps.directory.user(form.user ?? "");
  const authenticator = kit.deps.directory.authenticator(form.authenticator ?? "");
  const errors: FieldError[] = [];
  if (!user) errors.push({ text: "Select a test user", href: "#user" });
  if (!authenticator) errors.push({ text: "Select an authenticator", href: "#authenticator" });
  if (user && authenticator && !user.authenticatorIds.includes(authenticator.id)) {
    errors.push({
      text: `${user.givenName} ${user.familyName} does not hold: ${authenticator.label}`,
      href: "#authenticator",
    });
  }
  if (form.scenario && !isScenarioId(form.scenario)) {
    errors.push({ text: "Select a scenario from the list", href: "#sim_scenario" });
  }
  return errors;
}

/**
 * The CIS2 session this sign-in continues or starts. The same user signing in again keeps the
 * session (and its remembered role); a different user on the same browser ends the old one.
 */
async function establishSession(
  kit: InteractionKit,
  details: Interaction,
  user: TestUser,
  authenticator: Authenticator,
  acr: AcrClass,
): Promise<Cis2Session> {
  const now = Math.floor(Date.now() / 1000);
  const auth = {
    authenticatorId: authenticator.id,
    aal: authenticator.aal,
    acr,
    amr: authenticator.amr,
    authTime: now,
  };
  const existing = kit.deps.sessions.byBrowser(details.session?.uid);
  if (existing?.sub === user.sub) return Object.assign(existing, auth);
  if (existing) await kit.ending.end(existing.sid, "another user signed in on the same browser");
  if (details.session?.accountId && details.session.accountId !== user.sub) {
    // Without this the provider would first ask to sign the previous user out.
    const previous = details.session.uid
      ? await kit.provider.Session.findByUid(details.session.uid)
      : undefined;
    await previous?.destroy();
    details.session = undefined;
    await details.persist();
  }
  return kit.deps.sessions.start({ sub: user.sub, ...auth });
}

function readSignInForm(body: URLSearchParams): SignInForm {
  const user = body.get("user");
  const authenticator = body.get("authenticator");
  const scenario = body.get("sim_scenario");
  return {
    ...(user ? { user } : {}),
    ...(authenticator ? { authenticator } : {}),
    ...(scenario ? { scenario } : {}),
  };
}

/** POST /sim/interaction/:uid/sign-in */
export async function signIn(kit: InteractionKit, req: Req, res: Res, details: Interaction) {
  const form = readSignInForm(await readForm(req));
  const errors = validateSignIn(kit, form);
  const user = kit.deps.directory.user(form.user ?? "");
  const authenticator = kit.deps.directory.authenticator(form.authenticator ?? "");
  if (errors.length > 0 || !user || !authenticator) return renderSignIn(kit, res, details, form, errors);
  const scenario = isScenarioId(form.scenario) ? form.scenario : kit.deps.userScenarios.get(user.sub);
  const refusal = refuse(kit, details, user, authenticator, scenario);
  if (refusal) return finish(kit, req, res, refusal);
  const acr = requestedAcr(details.params["acr_values"]);
  const cis2 = await establishSession(kit, details, user, authenticator, acr);
  kit.deps.log(
    `cis2-sim: sign-in sub=${user.sub} authenticator=${authenticator.id} acr=${acr} sid=${cis2.sid}`,
  );
  const login: LoginResult = {
    accountId: user.sub,
    acr,
    amr: authenticator.amr,
    ts: cis2.authTime,
    remember: true,
  };
  if (decideRole(scopesOf(details), user.roles, cis2.selectedRoleId).kind === "ask") {
    rememberPending(kit, details.uid, { login, sid: cis2.sid, scenario, at: Date.now() });
    return redirect(res, `/sim/interaction/${details.uid}/role`);
  }
  return finish(kit, req, res, { login, ...cis2Result(cis2.sid, scenario) });
}

/** The error CIS2 would end this sign-in with, if any. */
function refuse(
  kit: InteractionKit,
  details: Interaction,
  user: TestUser,
  authenticator: Authenticator,
  scenario: ScenarioId | undefined,
): Record<string, string> | undefined {
  if (scenario === "authorize-error") {
    kit.deps.log(`cis2-sim: scenario authorize-error applied for sub=${user.sub}`);
    return { error: "server_error", error_description: "simulated CIS2 failure (scenario authorize-error)" };
  }
  const acr = requestedAcr(details.params["acr_values"]);
  if (admits(acr, authenticator.aal)) return undefined;
  kit.deps.log(`cis2-sim: refused ${authenticator.id} (AAL${authenticator.aal}) for ${acr}, sub=${user.sub}`);
  return {
    error: "access_denied",
    error_description: `${authenticator.label} is an AAL${authenticator.aal} authenticator; the service requires ${acr}`,
  };
}

/** Renders the page shown when an interaction cannot continue (expired, unknown, ended). */
export function interactionProblem(res: Res, error: unknown): void {
  const status = error instanceof HttpError ? error.status : 400;
  sendHtml(
    res,
    status,
    render("message", {
      title: "Your sign-in cannot continue",
      paragraphs: [
        "The sign-in may have expired or already finished. Go back to the service and start again.",
        error instanceof Error ? error.message : String(error),
      ],
    }),
  );
}
