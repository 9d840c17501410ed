import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../platform/errors.ts";
import { PATIENT_EVENT_TYPES } from "./event.types.ts";
import { formatOf, parseVersion, readSignal } from "./mns-signal.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "mns");
const bytes = (value: unknown) => JSON.stringify(value);
const example = (path: string) =>
  JSON.parse(readFileSync(join(SHARED, path), "utf8")) as Record<string, unknown>;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

describe("reading MNS signals", () => {
  it("names the format from the content type", () => {
    expect(formatOf("application/cloudevents+json")).toBe("cloudevent");
    expect(formatOf("application/fhir+json; charset=utf-8")).toBe("fhir");
    expect(formatOf("Application/FHIR+JSON")).toBe("fhir");
    expect(formatOf("application/json")).toBeNull();
    expect(formatOf(undefined)).toBeNull();
  });

  it("reads versions written as PDS's ETag or as bare digits", () => {
    expect(parseVersion('W/"5"')).toBe(5);
    expect(parseVersion("12")).toBe(12);
    expect(parseVersion('"7"')).toBe(7);
    expect(parseVersion("v7")).toBeNull();
    expect(parseVersion(undefined)).toBeNull();
  });

  it("reads MNS's own CloudEvent example", () => {
    const event = { ...example("cloudevents/examples/pdsDeath2Signal.json"), versionid: "3" };
    expect(readSignal("cloudevent", bytes(event), PATIENT_EVENT_TYPES)).toEqual({
      format: "cloudevent",
      externalId: "236a1d4a-5d69-4fa9-9c7f-e72bf505aa5b",
      source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
      type: "pds-death-notification-2",
      subject: "9912003888",
      pdsVersion: 3,
      occurredAt: new Date("2020-06-01T13:00:00Z"),
    });
  });

  it("reads MNS's own FHIR record-change signal, version from its ETag", () => {
    const signal = readSignal(
      "fhir",
      bytes(example("examples/pds-record-change-2/signal.json")),
      PATIENT_EVENT_TYPES,
    );
    expect(signal).toEqual({
      format: "fhir",
      externalId: "deb6ed8d-c54a-4489-8609-b15baf927541",
      source: "https://fhir.nhs.uk/Id/nhsSpineASID/477121000324",
      type: "pds-record-change-2",
      subject: "9912003888",
      pdsVersion: 4,
      occurredAt: new Date("2020-06-01T13:00:00Z"),
    });
  });

  it("refuses what is not JSON, not MNS's shape, not subscribed, or not about a valid NHS number", () => {
    const event = example("cloudevents/examples/pdsChangeOfGp2Signal.json");
    expect(codeOf(() => readSignal("cloudevent", "{", PATIENT_EVENT_TYPES))).toBe("events.invalid_json");
    expect(codeOf(() => readSignal("cloudevent", bytes([event]), PATIENT_EVENT_TYPES))).toBe(
      "events.schema_invalid",
    );
    expect(
      codeOf(() => readSignal("cloudevent", bytes({ ...event, time: "yesterday" }), PATIENT_EVENT_TYPES)),
    ).toBe("events.schema_invalid");
    expect(codeOf(() => readSignal("fhir", bytes(event), PATIENT_EVENT_TYPES))).toBe("events.schema_invalid");
    const other = example("cloudevents/examples/patientflagsChangeSignal.json");
    expect(codeOf(() => readSignal("cloudevent", bytes(other), PATIENT_EVENT_TYPES))).toBe(
      "events.unsupported_type",
    );
    const { subject: _s, ...noSubject } = event;
    expect(codeOf(() => readSignal("cloudevent", bytes(noSubject), PATIENT_EVENT_TYPES))).toBe(
      "events.subject_invalid",
    );
    for (const subject of ["9912003889", "991 200 3888", "99120038881", "abcdefghij"])
      expect(codeOf(() => readSignal("cloudevent", bytes({ ...event, subject }), PATIENT_EVENT_TYPES))).toBe(
        "events.subject_invalid",
      );
  });
});
