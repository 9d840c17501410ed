/**
 * What the simulator sends, checked against MNS's own published schemas and examples (copied in
 * `fixtures/upstream/`): the FHIR signal against `fhirsignal.schema.json` (draft 2020-12) and the
 * CloudEvent against `mns-publish-cloudevent.yaml`, for each of the four event types.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { EVENT_TYPES, type EventType } from "./signal.ts";
import { type Harness, startHarness } from "./test-support/harness.ts";
import { jsonOf } from "./test-support/receiver.ts";

const UPSTREAM = join(import.meta.dirname, "fixtures", "upstream");
const readJson = (...path: string[]) =>
  JSON.parse(readFileSync(join(UPSTREAM, ...path), "utf8")) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats.default(ajv);
  // The CloudEvent schema is an OpenAPI schema object: `example` is documentation there.
  ajv.addKeyword("example");
  return ajv;
}

const ajv = validator();
const validateFhir = ajv.compile(readJson("fhirsignal.schema.json"));
const cloudEventSchema: unknown = parseYaml(
  readFileSync(join(UPSTREAM, "cloudevents", "mns-publish-cloudevent.yaml"), "utf8"),
  { uniqueKeys: true, strict: true },
);
const validateCloudEvent = ajv.compile(cloudEventSchema as object);

/** The CloudEvent example MNS gives for each type (none for record change: the generic one stands in). */
const CLOUDEVENT_EXAMPLES: Record<EventType, string> = {
  "pds-record-change-2": "baseMnsCloudEventSignal.json",
  "pds-death-notification-2": "pdsDeath2Signal.json",
  "pds-change-of-gp-2": "pdsChangeOfGp2Signal.json",
  "nhs-number-change-2": "nhsNumberChange2Signal.json",
};

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => harness.reset());

async function publishAndReceive(
  type: EventType,
  format: "cloudevent" | "fhir",
): Promise<Record<string, unknown>> {
  const request: Record<string, unknown> = { type, nhsNumber: "9991000038", format };
  if (type === "nhs-number-change-2") request["survivor"] = "9991000046";
  expect((await harness.control("POST", "/publish", request)).status).toBe(200);
  return jsonOf(harness.receiver.requests.at(-1));
}

/** Parameter and part names in document order. */
function namesIn(signal: Record<string, unknown>): string[] {
  return [...JSON.stringify(signal).matchAll(/"name":"([^"]+)"/g)].map((match) => match[1] ?? "");
}

function errorsOf(validate: { errors?: unknown }): string {
  return JSON.stringify(validate.errors ?? [], null, 1);
}

describe("the validators themselves", () => {
  it.each(EVENT_TYPES)("accept MNS's own FHIR example for %s", (type) => {
    expect(validateFhir(readJson("examples", type, "signal.json")), errorsOf(validateFhir)).toBe(true);
  });

  it("refuse a FHIR signal that is not a history Bundle", () => {
    expect(
      validateFhir({ ...readJson("examples", "pds-record-change-2", "signal.json"), type: "searchset" }),
    ).toBe(false);
  });

  it("read the CloudEvent schema's required attributes from the YAML", () => {
    expect((cloudEventSchema as { required: string[] }).required).toEqual([
      "id",
      "source",
      "specversion",
      "type",
      "time",
    ]);
  });

  it.each(Object.values(CLOUDEVENT_EXAMPLES))("accept MNS's CloudEvent example %s", (file) => {
    expect(validateCloudEvent(readJson("cloudevents", "examples", file)), errorsOf(validateCloudEvent)).toBe(
      true,
    );
  });

  it("refuse a version-1 event, whose subject is an object", () => {
    expect(validateCloudEvent(readJson("cloudevents", "examples", "pdsDeathSignal.json"))).toBe(false);
  });
});

describe.each(EVENT_TYPES)("%s", (type) => {
  it("as FHIR: validates against fhirsignal.schema.json and has the example's parameters", async () => {
    const bundle = await publishAndReceive(type, "fhir");
    expect(validateFhir(bundle), errorsOf(validateFhir)).toBe(true);
    // Every parameter and part name of MNS's example appears in ours, in the same order.
    const example = namesIn(readJson("examples", type, "signal.json"));
    const ours = namesIn(bundle);
    expect(example.length).toBeGreaterThanOrEqual(11);
    expect(ours.filter((name) => example.includes(name))).toEqual(example);
  });

  it("as a CloudEvent: validates against mns-publish-cloudevent.yaml with the example's attributes", async () => {
    const event = await publishAndReceive(type, "cloudevent");
    expect(validateCloudEvent(event), errorsOf(validateCloudEvent)).toBe(true);
    const example = readJson("cloudevents", "examples", CLOUDEVENT_EXAMPLES[type]);
    expect(Object.keys(event)).toEqual([...Object.keys(example), "versionid"]);
    expect(event["source"]).toBe(readJson("cloudevents", "examples", "pdsDeath2Signal.json")["source"]);
    expect(event["type"]).toBe(type);
  });
});
