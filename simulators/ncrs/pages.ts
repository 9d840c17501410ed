/**
 * The simulator's pages, each with the HTTP status it is served with. Wording follows NCRS's own
 * plain style; every page names the service as the local simulator so nobody mistakes it for NCRS.
 */
import { formatNhsNumber } from "./nhs-number.ts";
import { type CareRecord, displayName, longDate } from "./records.ts";
import type { SignedInUser } from "./sessions.ts";
import { render } from "./views/render.ts";

export interface Page {
  status: number;
  html: string;
}

const BASE = "/nationalcarerecordsservice";

/** The header's view of the signed-in user. */
function headerUser(user: SignedInUser | null) {
  if (!user) return undefined;
  const roleLabel = user.role ? `${user.role.roleName}, ${user.role.orgName}` : "no role selected";
  return { name: user.name, roleLabel };
}

interface MessageContent {
  title: string;
  heading?: string;
  paragraphs: string[];
  links?: { href: string; text: string }[];
}

function message(status: number, user: SignedInUser | null, content: MessageContent): Page {
  const html = render("message", {
    user: headerUser(user),
    title: content.title,
    heading: content.heading ?? content.title,
    paragraphs: content.paragraphs,
    links: content.links ?? [],
  });
  return { status, html };
}

function changeRoleLink(launchId: string) {
  return { href: `${BASE}/app/change-role?launch=${encodeURIComponent(launchId)}`, text: "Change role" };
}

/** 400: the link's NHS number is missing or fails the modulus-11 check. */
export function invalidNhsNumberPage(): Page {
  return message(400, null, {
    title: "The NHS number in the link is not valid",
    paragraphs: [
      "The link that opened this page did not contain a valid 10-digit NHS number.",
      "Go back to your clinical system and open the patient's record from there again.",
    ],
  });
}

/** 503: the `unavailable` scenario. */
export function unavailablePage(): Page {
  return message(503, null, {
    title: "NCRS is not available",
    heading: "Sorry, NCRS is not available",
    paragraphs: ["The National Care Records Service is not available at the moment.", "Try again later."],
  });
}

/** 404: a valid NHS number without a record. */
export function patientNotFoundPage(user: SignedInUser, nhsNumber: string): Page {
  return message(404, user, {
    title: "Patient not found",
    paragraphs: [
      `No patient record was found for NHS number ${formatNhsNumber(nhsNumber)}.`,
      "Check the NHS number in your clinical system. If it is correct, the patient may not have a record in NCRS.",
    ],
  });
}

/** 403: the selected role does not hold an activity NCRS requires. */
export function accessDeniedPage(user: SignedInUser, launchId: string, required: readonly string[]): Page {
  const role = user.role;
  return message(403, user, {
    title: "Access denied for this role",
    paragraphs: [
      role
        ? `Your role ${role.roleName} at ${role.orgName} (${role.orgCode}) does not give you access to patient records in NCRS.`
        : "You have no role selected in your Care Identity, so you cannot view patient records in NCRS.",
      `Access needs a role with one of these activities: ${required.join(", ")}.`,
    ],
    links: [changeRoleLink(launchId)],
  });
}

/** 401: CIS2 sign-in did not complete. */
export function signInFailedPage(): Page {
  return message(401, null, {
    title: "Sign-in with your Care Identity failed",
    paragraphs: [
      "NCRS could not sign you in with your Care Identity.",
      "Close this tab and open the patient's record from your clinical system again.",
    ],
  });
}

/** 400: a callback, confirmation or record page that belongs to no launch of this session. */
export function expiredLinkPage(): Page {
  return message(400, null, {
    title: "This page has expired",
    paragraphs: ["Open the patient's record from your clinical system again."],
  });
}

export function signedOutPage(): Page {
  return message(200, null, {
    title: "You have signed out of NCRS",
    paragraphs: ["You have signed out of the National Care Records Service. You can close this tab."],
  });
}

export function pageNotFoundPage(): Page {
  return message(404, null, { title: "Page not found", paragraphs: ["Check the web address."] });
}

export function errorPage(): Page {
  return message(500, null, {
    title: "Sorry, there is a problem with the service",
    paragraphs: ["Try again later."],
  });
}

/** The role-confirmation page, like NCRS's `/app/landing`. */
export function landingPage(user: SignedInUser, launchId: string): Page {
  const html = render("landing", {
    user: headerUser(user),
    title: "Confirm your role",
    role: user.role,
    launchId,
  });
  return { status: 200, html };
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function demographics(record: CareRecord) {
  const rows = [
    {
      key: { text: "Date of birth" },
      value: { text: record.birthDate ? longDate(record.birthDate) : "Not known" },
    },
    { key: { text: "Gender" }, value: { text: capitalised(record.gender ?? "not known") } },
  ];
  if (record.dateOfDeath)
    rows.push({ key: { text: "Date of death" }, value: { text: longDate(record.dateOfDeath) } });
  return rows;
}

/** The patient's summary record (only the name when the record is restricted). */
export function patientPage(user: SignedInUser, nhsNumber: string, record: CareRecord): Page {
  const name = displayName(record) ?? "Name not recorded";
  const formatted = formatNhsNumber(nhsNumber);
  const html = render("patient", {
    user: headerUser(user),
    title: `${name} (NHS number ${formatted})`,
    name,
    nhsNumber: formatted,
    restricted: record.restricted === true,
    demographics: demographics(record),
    allergies: record.allergies,
    medications: record.medications,
    reasonableAdjustments: record.reasonableAdjustments,
    childProtection: record.childProtection,
  });
  return { status: 200, html };
}
