import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MNS_SCHEMA_DIR, mnsValidators } from "./mns-schemas.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "mns");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as unknown;

describe("MNS schemas", () => {
  it("are byte-for-byte the published files (and their licence) kept in the shared fixtures", () => {
    const pairs = [
      ["mns-publish-cloudevent.yaml", "cloudevents/mns-publish-cloudevent.yaml"],
      ["fhirsignal.schema.json", "fhirsignal.schema.json"],
      ["LICENSE", "LICENSE"],
    ];
    for (const [ours, shared] of pairs)
      expect(readFileSync(join(MNS_SCHEMA_DIR, ours as string), "utf8")).toBe(
        readFileSync(join(SHARED, shared as string), "utf8"),
      );
  });

  it("read the CloudEvent schema's YAML as published: its required attributes and properties in order", () => {
    const schema = mnsValidators().cloudEvent.schema as {
      required: string[];
      properties: Record<string, { type?: string; format?: string }>;
    };
    expect(schema.required).toEqual(["id", "source", "specversion", "type", "time"]);
    expect(schema.properties["time"]).toMatchObject({ type: "string", format: "date-time" });
    expect(Object.keys(schema.properties)).toEqual([
      "id",
      "source",
      "specversion",
      "type",
      "subject",
      "time",
      "dataref",
      "versionid",
      "filtering",
    ]);
  });

  it("accept MNS's own version-2 CloudEvent examples and refuse the legacy version-1 ones", () => {
    const examples = join(SHARED, "cloudevents", "examples");
    const verdicts = Object.fromEntries(
      readdirSync(examples).map((f) => [f, mnsValidators().cloudEvent(readJson(join(examples, f)))]),
    );
    expect(verdicts).toMatchObject({
      "pdsDeath2Signal.json": true,
      "pdsChangeOfGp2Signal.json": true,
      "nhsNumberChange2Signal.json": true,
      "pdsDeathSignal.json": false,
      "pdsChangeOfGpSignal.json": false,
      "nhsNumberChangeSignal.json": false,
    });
  });

  it("accept every example FHIR signal MNS publishes", () => {
    const examples = join(SHARED, "examples");
    for (const type of readdirSync(examples))
      expect([type, mnsValidators().fhirSignal(readJson(join(examples, type, "signal.json")))]).toEqual([
        type,
        true,
      ]);
  });

  it("refuse a Bundle that is not a history of one subscription notification", () => {
    const signal = readJson(join(SHARED, "examples", "pds-death-notification-2", "signal.json")) as Record<
      string,
      unknown
    >;
    expect(mnsValidators().fhirSignal({ ...signal, type: "message" })).toBe(false);
    expect(mnsValidators().fhirSignal({ ...signal, entry: [] })).toBe(false);
    expect(mnsValidators().cloudEvent(signal)).toBe(false);
  });
});
