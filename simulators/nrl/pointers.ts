/**
 * The simulator's pointers: NRL v3 DocumentReferences (shape from the NRL consumer API's
 * specification) for the demonstration patients, across several types and custodians, plus the
 * builder the control page and API use to add one. Written here from the specification, not
 * shared with the app.
 */

export const SNOMED = "http://snomed.info/sct";
export const ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
const FORMAT_SYSTEM = "https://fhir.nhs.uk/England/CodeSystem/England-NRLFormatCode";
const STABILITY_URL = "https://fhir.nhs.uk/England/StructureDefinition/Extension-England-ContentStability";
const RETRIEVAL_URL =
  "https://fhir.nhs.uk/England/StructureDefinition/Extension-England-NRLRetrievalMechanism";

/** Pointer types (SNOMED) with their category, from the NRL type list. */
export const POINTER_TYPES = {
  "736253002": { display: "Mental health crisis plan", category: "734163000" },
  "1382601000000107": { display: "ReSPECT form", category: "734163000" },
  "736373009": { display: "End of life care plan", category: "734163000" },
  "887701000000100": { display: "Emergency health care plan", category: "734163000" },
  "736366004": { display: "Advance care plan", category: "734163000" },
  "1363501000000100": { display: "NEWS2 chart", category: "1102421000000108" },
  "749001000000101": { display: "Appointment", category: "419891008" },
} as const satisfies Record<string, { display: string; category: string }>;

export type PointerTypeCode = keyof typeof POINTER_TYPES;

export const CATEGORIES: Readonly<Record<string, string>> = {
  "734163000": "Care plan",
  "1102421000000108": "Observations",
  "419891008": "Record artifact",
};

/** Custodians the demonstration pointers come from. */
export const CUSTODIANS: Readonly<Record<string, string>> = {
  RX4: "Northern Mental Health NHS Trust",
  Y05868: "Riverside Hospice",
  RR8: "Leeds Teaching Hospitals",
  X26: "NHS England",
};

export interface PointerInput {
  readonly nhsNumber: string;
  readonly type: PointerTypeCode;
  readonly custodian: string;
  readonly author?: string;
  /** ISO date-time; default now. */
  readonly created?: string;
  readonly localId?: string;
  readonly stability?: "static" | "dynamic";
}

let counter = 1_634_567_000;

/** A DocumentReference as NRL returns it. */
export function documentReference(input: PointerInput): Record<string, unknown> {
  const localId = input.localId ?? String(++counter);
  const type = POINTER_TYPES[input.type];
  const created = input.created ?? new Date().toISOString();
  return {
    resourceType: "DocumentReference",
    id: `${input.custodian}-${localId}`,
    meta: { versionId: "1", lastUpdated: created },
    status: "current",
    docStatus: "final",
    type: { coding: [{ system: SNOMED, code: input.type, display: type.display }] },
    category: [{ coding: [{ system: SNOMED, code: type.category, display: CATEGORIES[type.category] }] }],
    subject: { identifier: { system: NHS_NUMBER_SYSTEM, value: input.nhsNumber } },
    date: created,
    author: [{ identifier: { system: ODS_SYSTEM, value: input.author ?? input.custodian } }],
    custodian: { identifier: { system: ODS_SYSTEM, value: input.custodian } },
    content: [
      {
        attachment: {
          contentType: "application/pdf",
          url: `ssp://spine-proxy.national.ncrs.nhs.uk/${input.custodian}/documents/${localId}.pdf`,
          title: type.display,
          creation: created,
        },
        format: { system: FORMAT_SYSTEM, code: "urn:nhs-ic:unstructured", display: "Unstructured Document" },
        extension: [
          {
            url: STABILITY_URL,
            valueCodeableConcept: {
              coding: [{ system: STABILITY_URL, code: input.stability ?? "static" }],
            },
          },
          {
            url: RETRIEVAL_URL,
            valueCodeableConcept: { coding: [{ system: RETRIEVAL_URL, code: "SSP" }] },
          },
        ],
      },
    ],
    context: {
      practiceSetting: { coding: [{ system: SNOMED, code: "394802001", display: "General medicine" }] },
      related: [{ identifier: { system: "https://fhir.nhs.uk/Id/nhsSpineASID", value: "230811201350" } }],
    },
  };
}

/** Demonstration pointers: several patients, types and custodians; one patient has none. */
export function initialPointers(): Map<string, Record<string, unknown>[]> {
  const rows: PointerInput[] = [
    {
      nhsNumber: "9991000054",
      type: "736253002",
      custodian: "RX4",
      created: "2026-10-02T09:30:00Z",
      localId: "1001",
    },
    {
      nhsNumber: "9991000054",
      type: "1382601000000107",
      custodian: "Y05868",
      created: "2026-08-14T14:00:00Z",
      localId: "1002",
    },
    {
      nhsNumber: "9991000054",
      type: "1363501000000100",
      custodian: "RR8",
      created: "2026-11-20T07:45:00Z",
      localId: "1003",
      stability: "dynamic",
    },
    {
      nhsNumber: "9991000046",
      type: "736373009",
      custodian: "Y05868",
      created: "2026-09-01T10:00:00Z",
      localId: "2001",
    },
    {
      nhsNumber: "9991000046",
      type: "749001000000101",
      custodian: "RR8",
      created: "2026-11-30T16:10:00Z",
      localId: "2002",
    },
    {
      nhsNumber: "9000000009",
      type: "887701000000100",
      custodian: "X26",
      created: "2026-05-05T12:00:00Z",
      localId: "3001",
    },
    {
      nhsNumber: "9000000009",
      type: "736366004",
      custodian: "RX4",
      created: "2026-06-06T12:00:00Z",
      localId: "3002",
    },
  ];
  const pointers = new Map<string, Record<string, unknown>[]>();
  for (const row of rows)
    pointers.set(row.nhsNumber, [...(pointers.get(row.nhsNumber) ?? []), documentReference(row)]);
  // One patient whose list holds pointers NRL should never have sent: each must be refused alone.
  pointers.set("9991000038", [
    documentReference({
      nhsNumber: "9991000038",
      type: "736253002",
      custodian: "RX4",
      created: "2026-07-07T08:00:00Z",
      localId: "4001",
    }),
    { resourceType: "DocumentReference", id: "RX4-4002", status: "current" },
    {
      ...documentReference({
        nhsNumber: "9991000038",
        type: "736373009",
        custodian: "Y05868",
        localId: "4003",
      }),
      custodian: { identifier: { system: ODS_SYSTEM } },
    },
    {
      ...documentReference({
        nhsNumber: "9991000038",
        type: "1382601000000107",
        custodian: "RR8",
        localId: "4004",
      }),
      content: [],
    },
  ]);
  return pointers;
}
