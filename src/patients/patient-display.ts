/**
 * How patient details read on screen. Missing data never shows as a blank that looks like data:
 * it says "Not recorded", "Unknown" or "Restricted".
 */

import { perMinute } from "../platform/per-minute.ts";
import type { Confidentiality, Death, Gender, PersonName, PostalAddress } from "./national-patient.ts";
import { formatNhsNumber } from "./nhs-number.ts";
import type { NhsNumberIdentifier } from "./patient.types.ts";

export const NOT_RECORDED = "Not recorded";
export const RESTRICTED = "Restricted";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `SMITH, Jane (Mrs)`, the patient-banner convention: family name in capitals first. */
export function displayName(name: PersonName | null): string {
  if (!name || (!name.family && name.given.length === 0)) return "Name not recorded";
  const family = name.family ? name.family.toUpperCase() : "";
  const given = name.given.map((g) => g.charAt(0).toUpperCase() + g.slice(1).toLowerCase()).join(" ");
  const title = name.prefix
    ? ` (${name.prefix.charAt(0).toUpperCase()}${name.prefix.slice(1).toLowerCase()})`
    : "";
  return [family, given].filter(Boolean).join(", ") + title;
}

/** `14 March 1984`, or the partial date as PDS holds it (`March 1984`, `1984`). */
export function displayDate(date: string | null): string {
  if (!date) return NOT_RECORDED;
  const [year, month, day] = date.slice(0, 10).split("-");
  const monthName = month ? MONTHS[Number(month) - 1] : undefined;
  if (day && monthName) return `${Number(day)} ${monthName} ${year}`;
  if (monthName) return `${monthName} ${year}`;
  return year ?? NOT_RECORDED;
}

/** Whole years between a full birth date and `today` (YYYY-MM-DD); undefined for partial dates. */
export function ageOn(birthDate: string | null, today: string): number | undefined {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate.slice(0, 10))) return undefined;
  const [by, bm, bd] = birthDate.slice(0, 10).split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function displayGender(gender: Gender | null): string {
  if (!gender) return NOT_RECORDED;
  return gender === "unknown" ? "Unknown" : gender.charAt(0).toUpperCase() + gender.slice(1);
}

export function displayAddress(address: PostalAddress | null, confidentiality: Confidentiality): string {
  if (confidentiality !== "unrestricted") return RESTRICTED;
  if (!address) return NOT_RECORDED;
  return [...address.lines, address.postalCode].filter(Boolean).join(", ");
}

export function displayRestrictable(value: string | null, confidentiality: Confidentiality): string {
  if (confidentiality !== "unrestricted") return RESTRICTED;
  return value ?? NOT_RECORDED;
}

export function displayNhsNumber(identifier: NhsNumberIdentifier): string {
  switch (identifier.kind) {
    case "valid":
      return formatNhsNumber(identifier.value);
    case "invalid":
      return `${identifier.text} (not a valid NHS number)`;
    case "none":
      return "No NHS number";
  }
}

export function displayDeath(death: Death | null): string {
  if (!death) return "Not recorded";
  const status =
    death.notificationStatus === "formal"
      ? " (formal notification)"
      : death.notificationStatus === "informal"
        ? " (informal notification)"
        : "";
  return `${displayDate(death.dateTime)}${status}`;
}

/** Built once: creating a formatter per call is costly. en-CA writes dates as YYYY-MM-DD. */
const UK_ISO_DATE = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's date in the UK, YYYY-MM-DD. */
export const ukToday = perMinute((now: Date) => UK_ISO_DATE.format(now));
