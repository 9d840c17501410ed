/**
 * The simulator's directory: test users and authenticators, read from the fixture JSON files and
 * validated once at start-up so a typo in a fixture fails loudly instead of producing odd claims.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Aal } from "./assurance.ts";

const twelveDigits = z.string().regex(/^\d{12}$/, "must be 12 digits");

const authenticatorSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  aal: z.union([z.literal(2), z.literal(3)]),
  amr: z.array(z.string().min(1)).min(1),
});

const roleSchema = z.object({
  person_roleid: twelveDigits,
  person_orgid: twelveDigits,
  role_code: z.string().regex(/^S\d+:G\d+:R\d+$/),
  role_name: z.string().min(1),
  activity_codes: z.array(z.string().regex(/^B\d{4}$/)),
  workgroups: z.array(z.string()).optional(),
  workgroups_codes: z.array(z.string()).optional(),
  aow: z.array(z.string()).optional(),
  aow_codes: z.array(z.string()).optional(),
});

const userSchema = z.object({
  sub: twelveDigits,
  title: z.string(),
  given_name: z.string().min(1),
  family_name: z.string().min(1),
  middle_names: z.string(),
  initials: z.string(),
  email: z.string().min(3),
  id_assurance_level: z.number().int().min(1).max(3),
  authenticators: z.array(z.string()).optional(),
  memberships: z.array(z.object({ person_orgid: twelveDigits, org_code: z.string().min(1) })),
  roles: z.array(roleSchema),
});

const directorySchema = z.object({
  organisations: z.array(z.object({ org_code: z.string().min(1), org_name: z.string().min(1) })),
  activities: z.record(z.string(), z.string()),
  users: z.array(userSchema),
});

export interface Authenticator {
  id: string;
  label: string;
  aal: Aal;
  amr: string[];
}

/** One national RBAC role as UserInfo's `nhsid_nrbac_roles` carries it. */
export interface NrbacRole {
  person_roleid: string;
  person_orgid: string;
  org_code: string;
  role_code: string;
  role_name: string;
  activities: string[];
  activity_codes: string[];
  workgroups?: string[];
  workgroups_codes?: string[];
  aow?: string[];
  aow_codes?: string[];
}

export interface Organisation {
  org_code: string;
  org_name: string;
}

export interface TestUser {
  sub: string;
  title: string;
  givenName: string;
  familyName: string;
  middleNames: string;
  initials: string;
  email: string;
  idAssuranceLevel: number;
  /** Ids of the authenticators this user holds. */
  authenticatorIds: string[];
  organisations: (Organisation & { person_orgid: string })[];
  roles: NrbacRole[];
}

export interface Directory {
  users: readonly TestUser[];
  authenticators: readonly Authenticator[];
  user(sub: string): TestUser | undefined;
  authenticator(id: string): Authenticator | undefined;
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

/** Reads and cross-checks the fixtures; throws on any inconsistency. */
export function loadDirectory(): Directory {
  const authenticators: Authenticator[] = z.array(authenticatorSchema).parse(readJson("authenticators.json"));
  const raw = directorySchema.parse(readJson("users.json"));
  const orgName = new Map(raw.organisations.map((o) => [o.org_code, o.org_name]));
  const allIds = authenticators.map((a) => a.id);
  const users = raw.users.map((u): TestUser => {
    const held = u.authenticators ?? allIds;
    const unknown = held.find((id) => !allIds.includes(id));
    if (unknown) throw new Error(`users.json: ${u.sub} holds unknown authenticator ${unknown}`);
    const organisations = u.memberships.map((m) => {
      const name = orgName.get(m.org_code);
      if (!name) throw new Error(`users.json: ${u.sub} is a member of unknown organisation ${m.org_code}`);
      return { ...m, org_name: name };
    });
    const roles = u.roles.map((r) => toNrbacRole(u.sub, r, organisations, raw.activities));
    return {
      sub: u.sub,
      title: u.title,
      givenName: u.given_name,
      familyName: u.family_name,
      middleNames: u.middle_names,
      initials: u.initials,
      email: u.email,
      idAssuranceLevel: u.id_assurance_level,
      authenticatorIds: held,
      organisations,
      roles,
    };
  });
  return {
    users,
    authenticators,
    user: (sub) => users.find((u) => u.sub === sub),
    authenticator: (id) => authenticators.find((a) => a.id === id),
  };
}

function toNrbacRole(
  sub: string,
  role: z.infer<typeof roleSchema>,
  organisations: { person_orgid: string; org_code: string }[],
  activityNames: Record<string, string>,
): NrbacRole {
  const membership = organisations.find((o) => o.person_orgid === role.person_orgid);
  if (!membership) throw new Error(`users.json: ${sub} role ${role.person_roleid} has no membership`);
  const { workgroups, workgroups_codes, aow, aow_codes } = role;
  // Key order follows CIS2's UserInfo samples, which makes side-by-side comparison easier.
  return {
    person_orgid: role.person_orgid,
    person_roleid: role.person_roleid,
    org_code: membership.org_code,
    role_code: role.role_code,
    role_name: role.role_name,
    activities: role.activity_codes.map((code) => activityNames[code] ?? code),
    activity_codes: role.activity_codes,
    ...(workgroups ? { workgroups } : {}),
    ...(workgroups_codes ? { workgroups_codes } : {}),
    ...(aow ? { aow } : {}),
    ...(aow_codes ? { aow_codes } : {}),
  };
}

/** The display form of a user's name used on the simulator's own pages. */
export function displayName(user: TestUser): string {
  return `${user.title} ${user.givenName} ${user.familyName}`.trim();
}

/**
 * Every UserInfo claim the user has, keyed by claim name. The provider releases only those the
 * granted scopes map to (see `CLAIMS_BY_SCOPE` in provider.ts).
 */
export function userinfoClaims(user: TestUser): Record<string, unknown> {
  const fullName = [user.givenName, user.familyName].join(" ");
  return {
    sub: user.sub,
    name: fullName,
    given_name: user.givenName,
    family_name: user.familyName,
    uid: user.sub,
    email: user.email,
    nhsid_useruid: user.sub,
    title: user.title,
    initials: user.initials,
    middle_names: user.middleNames,
    display_name: fullName,
    // UserInfo spells it differently from the ID token and as a string, as CIS2 does.
    idassurancelevel: String(user.idAssuranceLevel),
    nhsid_user_orgs: user.organisations.map(({ org_code, org_name }) => ({ org_code, org_name })),
    nhsid_nrbac_roles: user.roles,
  };
}
