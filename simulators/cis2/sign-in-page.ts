/**
 * View models for the sign-in and role pages: what the tester sees about the request, the users,
 * the authenticators (those the requested class refuses are shown but cannot be picked) and the
 * failure scenarios.
 */
import { type AcrClass, admits } from "./assurance.ts";
import { roleTitle } from "./roles.ts";
import { SCENARIOS } from "./scenarios.ts";
import { type Directory, displayName, type NrbacRole, type TestUser } from "./users.ts";

export interface FieldError {
  text: string;
  href: string;
}

export interface SignInForm {
  user?: string;
  authenticator?: string;
  scenario?: string;
}

export interface SignInPageInput {
  action: string;
  clientName: string;
  acr: AcrClass;
  scopes: string;
  reasons: readonly string[];
  form: SignInForm;
  errors: FieldError[];
}

const REASONS: Record<string, string> = {
  no_session: "You have no CIS2 session in this browser.",
  login_prompt: "The service asked you to sign in again (prompt=login).",
  max_age: "Your last sign-in is older than the service allows (max_age).",
  cis2_session_ended: "Your CIS2 session has ended.",
  acr_class_changed: "The service needs a different assurance level than your session has.",
};

function roleSummary(user: TestUser, directory: Directory): string {
  const orgs = new Set(user.roles.map((r) => r.org_code)).size;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const roles =
    user.roles.length === 0
      ? "No roles"
      : `${count(user.roles.length, "role")} in ${count(orgs, "organisation")}`;
  const aal3 = user.authenticatorIds.some((id) => directory.authenticator(id)?.aal === 3);
  return aal3 ? roles : `${roles} · AAL2 authenticators only`;
}

function errorFor(errors: FieldError[], field: string): { text: string } | undefined {
  const error = errors.find((e) => e.href === `#${field}`);
  return error ? { text: error.text } : undefined;
}

function userItems(directory: Directory) {
  return directory.users.map((u) => ({
    value: u.sub,
    text: `${displayName(u)} (${u.sub})`,
    hint: { text: roleSummary(u, directory) },
  }));
}

/** Authenticators the requested class refuses stay visible, disabled, so the tester sees why. */
function authenticatorItems(directory: Directory, acr: AcrClass) {
  return directory.authenticators.map((a) => {
    const accepted = admits(acr, a.aal);
    return {
      value: a.id,
      text: a.label,
      disabled: !accepted,
      hint: { text: `AAL${a.aal} · amr ${a.amr.join(", ")}${accepted ? "" : " · not accepted here"}` },
    };
  });
}

function scenarioItems(selected: string | undefined) {
  return [
    { value: "", text: "None: sign in normally" },
    ...SCENARIOS.map((s) => ({
      value: s.id,
      text: `${s.id}: ${s.description}`,
      selected: s.id === selected,
    })),
  ];
}

/** The template context for views/sign-in.njk. */
export function signInPage(directory: Directory, input: SignInPageInput): Record<string, unknown> {
  const { form, errors } = input;
  return {
    title: "Sign in with your Care Identity",
    action: input.action,
    clientName: input.clientName,
    acr: input.acr,
    scopes: input.scopes,
    reasons: input.reasons.map((r) => REASONS[r] ?? r).join(" "),
    aal3Only: input.acr === "AAL3_ANY",
    errors,
    userError: errorFor(errors, "user"),
    authenticatorError: errorFor(errors, "authenticator"),
    selectedUser: form.user,
    selectedAuthenticator: form.authenticator,
    users: userItems(directory),
    authenticators: authenticatorItems(directory, input.acr),
    scenarios: scenarioItems(form.scenario),
  };
}

export interface RolePageInput {
  action: string;
  clientName: string;
  user: TestUser;
  shown: readonly NrbacRole[];
  searchable: boolean;
  query: string;
  errors: FieldError[];
}

/** The template context for views/role.njk. */
export function rolePage(input: RolePageInput): Record<string, unknown> {
  const orgName = (code: string) =>
    input.user.organisations.find((o) => o.org_code === code)?.org_name ?? code;
  return {
    title: "Select your role",
    action: input.action,
    clientName: input.clientName,
    userName: displayName(input.user),
    total: input.user.roles.length,
    searchable: input.searchable,
    query: input.query,
    errors: input.errors,
    roleError: errorFor(input.errors, "role"),
    roles: input.shown.map((r) => ({
      value: r.person_roleid,
      text: roleTitle(r),
      hint: { text: `${orgName(r.org_code)} (${r.org_code}) · ${r.role_code} · role id ${r.person_roleid}` },
    })),
  };
}
