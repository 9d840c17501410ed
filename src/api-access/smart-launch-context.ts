/**
 * What a SMART EHR launch's grant tells us, read while its access token is in hand: the Patient
 * (checked to be the one the token response named), the encounter (read and checked to be that
 * patient's, when the EHR is configured for encounters), and the EHR's user as a CIS2 user id
 * (when the EHR is configured to say so). Every problem is a value.
 */

import type { SmartEhr, SmartEhrClient, SmartGrant, SmartResult } from "./smart-launch.ports.ts";
import { grantedScopes, grantsRead } from "./smart-scopes.ts";

export interface LaunchedContext {
  readonly patient: Record<string, unknown>;
  /** `Encounter/<id>`, when the launch had one and it was read. */
  readonly encounter: string | null;
  /** The EHR user's CIS2 user id, when the EHR is configured to name it. */
  readonly userId: string | null;
}

const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

const fail = (problem: Extract<SmartResult<never>, { ok: false }>["problem"]) =>
  ({ ok: false, problem }) as const;

export async function readLaunchedContext(
  client: SmartEhrClient,
  ehr: SmartEhr,
  grant: SmartGrant,
  requested: readonly string[],
): Promise<SmartResult<LaunchedContext>> {
  if (typeof grant.patient !== "string" || grant.patient === "") return fail("no_patient");
  if (!FHIR_ID.test(grant.patient)) return fail("wrong_resource");
  const granted = grantedScopes(grant.scope, requested);
  if (!grantsRead(granted, "Patient")) return fail("scope_missing");
  if (ehr.encounter && !grantsRead(granted, "Encounter")) return fail("scope_missing");
  // openid granted means an id_token must have come (the adapter has checked any that did).
  if (granted.includes("openid") && grant.idTokenClaims === undefined) return fail("id_token_invalid");
  // The three reads are independent: made at once, their problems reported in this order.
  const [patient, encounter, user] = await Promise.all([
    readAs(client, ehr, grant, "Patient", grant.patient),
    readEncounter(client, ehr, grant, grant.patient),
    userOf(client, ehr, grant),
  ]);
  if (!patient.ok) return patient;
  if (!encounter.ok) return encounter;
  if (!user.ok) return user;
  return { ok: true, value: { patient: patient.value, encounter: encounter.value, userId: user.value } };
}

async function readAs(
  client: SmartEhrClient,
  ehr: SmartEhr,
  grant: SmartGrant,
  type: string,
  id: string,
): Promise<SmartResult<Record<string, unknown>>> {
  const read = await client.read(ehr, grant, `${type}/${id}`);
  if (!read.ok) return read;
  if (read.value["resourceType"] !== type || read.value["id"] !== id) return fail("wrong_resource");
  return read;
}

async function readEncounter(
  client: SmartEhrClient,
  ehr: SmartEhr,
  grant: SmartGrant,
  patientId: string,
): Promise<SmartResult<string | null>> {
  if (!ehr.encounter || grant.encounter === undefined) return { ok: true, value: null };
  if (typeof grant.encounter !== "string" || !FHIR_ID.test(grant.encounter)) return fail("wrong_resource");
  const read = await readAs(client, ehr, grant, "Encounter", grant.encounter);
  if (!read.ok) return read;
  const subject = read.value["subject"] as { reference?: unknown } | undefined;
  if (!isReferenceTo(subject?.reference, ehr.iss, `Patient/${patientId}`)) return fail("wrong_resource");
  return { ok: true, value: `Encounter/${grant.encounter}` };
}

/** `Patient/123`, or the same as an absolute URL on the EHR's FHIR base. */
function isReferenceTo(reference: unknown, iss: string, relative: string): boolean {
  return reference === relative || reference === `${iss}/${relative}`;
}

/** The EHR user's CIS2 user id, by the EHR's configured rule, from the id_token's `fhirUser`. */
async function userOf(
  client: SmartEhrClient,
  ehr: SmartEhr,
  grant: SmartGrant,
): Promise<SmartResult<string | null>> {
  if (ehr.fhirUserMatch === "none") return { ok: true, value: null };
  const fhirUser = grant.idTokenClaims?.["fhirUser"];
  // Only a resource on the EHR's own FHIR server: an id_token never sends us to fetch elsewhere.
  const match =
    typeof fhirUser === "string"
      ? /^(?:(.+)\/)?(Practitioner|PractitionerRole|Person|RelatedPerson|Patient)\/([A-Za-z0-9.-]{1,64})$/.exec(
          fhirUser,
        )
      : null;
  if (!match || (match[1] !== undefined && match[1] !== ehr.iss)) return fail("user_unknown");
  const [, , type = "", id = ""] = match;
  if (ehr.fhirUserMatch === "id") return { ok: true, value: id };
  const read = await readAs(client, ehr, grant, type, id);
  if (!read.ok) return read;
  const identifiers = Array.isArray(read.value["identifier"]) ? (read.value["identifier"] as unknown[]) : [];
  const found = identifiers.find(
    (i): i is { value: string } =>
      typeof i === "object" &&
      i !== null &&
      (i as { system?: unknown }).system === ehr.fhirUserSystem &&
      typeof (i as { value?: unknown }).value === "string",
  );
  return found ? { ok: true, value: found.value } : fail("user_unknown");
}
