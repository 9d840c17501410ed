/**
 * An audit record as a FHIR R4 AuditEvent, shaped after IHE BALP (Basic Audit Log Patterns):
 * the user as the requesting agent with their role, their organisation (ODS) and workstation as
 * further agents, the patient as an entity identified by NHS number, the correlation id as the
 * BALP transaction entity, the outcome from our controlled list, and purposeOfEvent TREAT for
 * actions about a patient (national-services.md §7 in the shared docs explains the choices).
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding, OperationOutcome } from "fhir/r4.js";
import { fhirOutcomeOf, isOutcomeCode, OUTCOMES } from "./audit-outcomes.ts";
import type { AuditRecordView } from "./audit-record-view.ts";

const DCM = "http://dicom.nema.org/resources/ontology/DCM";
const EVENT_TYPE_SYSTEM = "https://ncrs-connect.nhs.uk/fhir/CodeSystem/audit-event-type";
const OUTCOME_SYSTEM = "https://ncrs-connect.nhs.uk/fhir/CodeSystem/audit-outcome";
const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
const SDS_USER_SYSTEM = "https://fhir.nhs.uk/Id/sds-user-id";
const SDS_ROLE_PROFILE_SYSTEM = "https://fhir.nhs.uk/Id/sds-role-profile-id";
const JOB_ROLE_SYSTEM = "https://fhir.nhs.uk/CodeSystem/NHSDigital-SDS-JobRoleCode";
const ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
const WORKSTATION_SYSTEM = "https://ncrs-connect.nhs.uk/Id/workstation";
const TREAT: Coding = {
  system: "http://terminology.hl7.org/CodeSystem/v3-ActReason",
  code: "TREAT",
  display: "treatment",
};

/** The DICOM event type and FHIR action of each kind of event, by the event name's noun. */
const KINDS: Readonly<Record<string, { type: Coding; action: AuditEvent["action"] }>> = {
  sign_in: { type: { system: DCM, code: "110114", display: "User Authentication" }, action: "E" },
  session: { type: { system: DCM, code: "110114", display: "User Authentication" }, action: "E" },
  backchannel_logout: { type: { system: DCM, code: "110114", display: "User Authentication" }, action: "E" },
  patient: { type: { system: DCM, code: "110110", display: "Patient Record" }, action: "R" },
  launch: { type: { system: DCM, code: "110110", display: "Patient Record" }, action: "R" },
  event: { type: { system: DCM, code: "110110", display: "Patient Record" }, action: "U" },
  audit: { type: { system: DCM, code: "110112", display: "Query" }, action: "E" },
};
const APPLICATION_ACTIVITY = {
  type: { system: DCM, code: "110100", display: "Application Activity" },
  action: "E" as const,
};

function agents(r: AuditRecordView): AuditEventAgent[] {
  const list: AuditEventAgent[] = [];
  if (r.userId !== null || r.userName !== null) {
    const roles = [
      ...(r.roleCode ? [{ system: JOB_ROLE_SYSTEM, code: r.roleCode }] : []),
      ...(r.roleId ? [{ system: SDS_ROLE_PROFILE_SYSTEM, code: r.roleId }] : []),
    ];
    list.push({
      type: {
        coding: [
          {
            system: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            code: "IRCP",
            display: "information recipient",
          },
        ],
      },
      who: {
        ...(r.userId ? { identifier: { system: SDS_USER_SYSTEM, value: r.userId } } : {}),
        ...(r.userName ? { display: r.userName } : {}),
      },
      requestor: true,
      ...(roles.length > 0 ? { role: [{ coding: roles }] } : {}),
      ...(r.nhsNumber ? { purposeOfUse: [{ coding: [TREAT] }] } : {}),
    });
  }
  if (r.orgCode) {
    list.push({
      type: {
        coding: [
          {
            system: "http://terminology.hl7.org/CodeSystem/v3-RoleClass",
            code: "PROV",
            display: "healthcare provider",
          },
        ],
      },
      who: { identifier: { system: ODS_SYSTEM, value: r.orgCode } },
      requestor: false,
    });
  }
  if (r.workstationId) {
    list.push({
      type: { coding: [{ system: DCM, code: "110153", display: "Source Role ID" }] },
      who: { identifier: { system: WORKSTATION_SYSTEM, value: r.workstationId } },
      requestor: false,
    });
  }
  return list;
}

function entities(r: AuditRecordView): AuditEventEntity[] {
  const list: AuditEventEntity[] = [];
  for (const nhsNumber of [r.nhsNumber, r.previousNhsNumber]) {
    if (nhsNumber === null) continue;
    list.push({
      what: { identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
      type: {
        system: "http://terminology.hl7.org/CodeSystem/audit-entity-type",
        code: "1",
        display: "Person",
      },
      role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "1", display: "Patient" },
    });
  }
  const detail = [
    { type: "auditSequence", valueString: String(r.seq) },
    { type: "chainHash", valueBase64Binary: r.hash },
    ...(r.source ? [{ type: "source", valueString: r.source }] : []),
    ...(r.encounterId ? [{ type: "encounter", valueString: r.encounterId }] : []),
    ...(r.sessionId ? [{ type: "session", valueString: r.sessionId }] : []),
    ...Object.entries(r.details).map(([key, value]) => ({
      type: `details.${key}`,
      valueString: JSON.stringify(value),
    })),
  ];
  list.push({
    what: { identifier: { value: r.correlationId } },
    type: {
      system: "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType",
      code: "XrequestId",
      display: "X-Request-Id",
    },
    detail,
  });
  return list;
}

/** The AuditEvent for one record (of a record that passed its integrity check). */
export function toAuditEvent(r: AuditRecordView, observer: string): AuditEvent {
  const kind = KINDS[r.type.split(".")[0] ?? ""] ?? APPLICATION_ACTIVITY;
  const known = isOutcomeCode(r.outcome);
  return {
    resourceType: "AuditEvent",
    id: r.id,
    type: kind.type,
    subtype: [{ system: EVENT_TYPE_SYSTEM, code: r.type }],
    ...(kind.action === undefined ? {} : { action: kind.action }),
    ...(r.durationMs === null
      ? {}
      : { period: { start: new Date(Date.parse(r.time) - r.durationMs).toISOString(), end: r.time } }),
    recorded: r.time,
    outcome: known ? fhirOutcomeOf(r.outcome) : "8",
    outcomeDesc: `${r.outcome}: ${known ? OUTCOMES[r.outcome].meaning : "not in the controlled list"}`,
    ...(r.nhsNumber ? { purposeOfEvent: [{ coding: [TREAT] }] } : {}),
    agent: agents(r),
    source: {
      observer: { display: observer },
      type: [
        {
          system: "http://terminology.hl7.org/CodeSystem/security-source-type",
          code: "4",
          display: "Application Server",
        },
      ],
    },
    entity: entities(r),
  };
}

/** The line an export writes in place of a record that failed its integrity check. */
export function corruptRecordOutcome(seq: number, problems: readonly string[]): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    id: `audit-record-${seq}`,
    issue: [
      {
        severity: "error",
        code: "processing",
        details: {
          coding: [{ system: OUTCOME_SYSTEM, code: "integrity-failure" }],
          text: `Audit record ${seq} failed its integrity check`,
        },
        diagnostics: problems.join(" "),
      },
    ],
  };
}
