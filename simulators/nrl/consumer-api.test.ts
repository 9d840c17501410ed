/**
 * The NRL simulator's own checks over HTTP: the consumer API's headers, parameters and errors,
 * and the control page adding and removing a pointer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type NrlSimulator, startNrlSimulator } from "./server.ts";

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON read loosely in assertions.
type Json = any;

let sim: NrlSimulator;
beforeAll(async () => {
  sim = await startNrlSimulator({ port: 0, checkAccessToken: (t) => (t === "good" ? "valid" : "unknown") });
});
afterAll(() => sim.close());
beforeEach(() => fetch(`${sim.origin}/_sim/reset`, { method: "POST" }));

const headers = {
  authorization: "Bearer good",
  "x-request-id": "5d6b2a1c-0a3e-4c1e-9a57-1f0e4f7c2b11",
  "nhsd-end-user-organisation-ods": "RX4",
};

async function searchPost(body: unknown, extra: Record<string, string> = {}) {
  const response = await fetch(`${sim.baseUrl}/DocumentReference/_search`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json", ...extra },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    json: (await response.json()) as Json,
  };
}

const subject = "https://fhir.nhs.uk/Id/nhs-number|9991000054";
const codeOf = (json: Json) => json.issue?.[0]?.details?.coding?.[0]?.code;

describe("NRL simulator consumer API", () => {
  it("answers a search with a searchset Bundle in NRL's media type, filtered by type", async () => {
    const all = await searchPost({ "subject:identifier": subject });
    expect(all.status).toBe(200);
    expect(all.type).toMatch(/^application\/fhir\+json;\s*version="?1/);
    expect(all.json).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 3 });
    const one = await searchPost({ "subject:identifier": subject, type: "http://snomed.info/sct|736253002" });
    expect(one.json.entry.map((e: Json) => e.resource.id)).toEqual(["RX4-1001"]);
    expect((await searchPost({ "subject:identifier": subject, _summary: "count" })).json).toEqual({
      resourceType: "Bundle",
      type: "searchset",
      total: 3,
    });
  });

  it.each([
    ["no token", { authorization: "" }, 401, "ACCESS_DENIED"],
    ["an unknown token", { authorization: "Bearer bad" }, 401, "ACCESS_DENIED"],
    ["no X-Request-ID", { "x-request-id": "" }, 400, "MISSING_OR_INVALID_HEADER"],
    ["no ODS code", { "nhsd-end-user-organisation-ods": "" }, 400, "PRECONDITION_FAILED"],
    ["an ODS code with no pointers", { "nhsd-end-user-organisation-ods": "XYZ" }, 403, "ACCESS_DENIED"],
  ])("refuses %s", async (_what, extra, status, code) => {
    const answer = await searchPost({ "subject:identifier": subject }, extra);
    expect([answer.status, codeOf(answer.json)]).toEqual([status, code]);
  });

  it.each([
    ["no subject", {}],
    ["an invalid NHS number", { "subject:identifier": "https://fhir.nhs.uk/Id/nhs-number|9000000000" }],
    ["a wrong identifier system", { "subject:identifier": "urn:x|9991000054" }],
    ["an unknown parameter", { "subject:identifier": subject, colour: "blue" }],
  ])("refuses a search with %s as INVALID_PARAMETER", async (_what, body) => {
    const answer = await searchPost(body);
    expect([answer.status, codeOf(answer.json)]).toEqual([400, "INVALID_PARAMETER"]);
  });

  it("answers HEAD with 405 and an unknown pointer read with 404 RESOURCE_NOT_FOUND", async () => {
    expect((await fetch(`${sim.baseUrl}/DocumentReference`, { method: "HEAD", headers })).status).toBe(405);
    const read = await fetch(`${sim.baseUrl}/DocumentReference/RX4-0`, { headers });
    expect([read.status, codeOf(await read.json())]).toEqual([404, "RESOURCE_NOT_FOUND"]);
  });

  it("the control page adds a pointer and removes it again", async () => {
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      body: new URLSearchParams(fields),
      redirect: "manual" as const,
    });
    const added = await fetch(
      `${sim.origin}/_sim/page/add`,
      form({ nhsNumber: "9991000003", type: "736373009", custodian: "RR8" }),
    );
    expect(added.status).toBe(303);
    const page = await (await fetch(`${sim.origin}${added.headers.get("location")}`)).text();
    const id = /Added pointer (RR8-\d+)/.exec(page)?.[1] ?? "";
    expect(page).toContain("End of life care plan");
    await fetch(`${sim.origin}/_sim/page/remove`, form({ id, nhsNumber: "9991000003" }));
    const after = await searchPost({ "subject:identifier": "https://fhir.nhs.uk/Id/nhs-number|9991000003" });
    expect(after.json.total).toBe(0);
  });
});
