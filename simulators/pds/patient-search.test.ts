import type { Bundle, OperationOutcome, Patient } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PdsSimulator } from "./server.ts";
import { control, pdsHeaders, searchPatients, spineCode, startTestSimulator } from "./test-support.ts";

let sim: PdsSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

async function search(query: string): Promise<Bundle<Patient>> {
  const response = await searchPatients(sim, query);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/fhir+json");
  return (await response.json()) as Bundle<Patient>;
}

function ids(bundle: Bundle<Patient>): string[] {
  return (bundle.entry ?? []).map((entry) => entry.resource?.id ?? "");
}

describe("GET /Patient search", () => {
  it("finds a patient by family name and birth date, as a scored searchset bundle", async () => {
    const bundle = await search("family=Smith&birthdate=eq2010-10-22");
    expect(bundle.resourceType).toBe("Bundle");
    expect(bundle.type).toBe("searchset");
    expect(bundle.total).toBe(1);
    expect(ids(bundle)).toEqual(["9000000009"]);
    expect(bundle.entry?.[0]?.search?.score).toBe(1);
    expect(bundle.entry?.[0]?.fullUrl).toBe(`${sim.baseUrl}/Patient/9000000009`);
  });

  it("ignores case", async () => {
    expect(ids(await search("family=sMiTh&birthdate=eq2010-10-22"))).toEqual(["9000000009"]);
  });

  it("returns both twins, and never the superseded duplicate record", async () => {
    expect(ids(await search("family=Hartley&birthdate=eq1984-03-14")).sort()).toEqual([
      "9991000054",
      "9991000100",
    ]);
  });

  it("narrows by gender and by given names in order", async () => {
    expect(ids(await search("family=Hartley&birthdate=eq1984-03-14&gender=female"))).toEqual(["9991000100"]);
    expect(ids(await search("family=Hartley&birthdate=eq1984-03-14&given=Oscar&given=James"))).toEqual([
      "9991000054",
    ]);
    expect((await search("family=Hartley&birthdate=eq1984-03-14&given=James")).total).toBe(0);
  });

  it("supports a wildcard after the first two characters", async () => {
    expect(ids(await search("family=Har%2A&birthdate=eq1984-03-14")).sort()).toEqual([
      "9991000054",
      "9991000100",
    ]);
    expect(ids(await search("family=Hartley&given=Am*&birthdate=eq1984-03-14"))).toEqual(["9991000100"]);
  });

  it("supports a birth date range", async () => {
    expect(ids(await search("family=Iqbal&birthdate=ge1972-01-01&birthdate=le1972-12-31"))).toEqual([
      "9991000038",
    ]);
    expect((await search("family=Iqbal&birthdate=ge1973-01-01")).total).toBe(0);
  });

  it("answers no match with total 0 and no entries", async () => {
    const bundle = await search("family=Nobody&birthdate=eq1999-01-01");
    expect(bundle.total).toBe(0);
    expect(bundle.entry).toBeUndefined();
  });

  it("never returns an invalidated record", async () => {
    expect((await search("family=Thompson&birthdate=eq1990-07-01")).total).toBe(0);
  });

  it("returns restricted records without location data", async () => {
    const [entry] = (await search("family=Smythe&birthdate=eq2010-10-22")).entry ?? [];
    expect(entry?.resource?.id).toBe("9000000025");
    expect(entry?.resource?.address).toBeUndefined();
    expect(entry?.resource?.telecom).toBeUndefined();
    expect(entry?.resource?.generalPractitioner).toBeUndefined();
    expect(entry?.resource?.contact).toBeUndefined();
  });

  it("cannot find a restricted record by the location data it withholds", async () => {
    const query = "family=Iqbal&birthdate=eq1972-11-30&address-postalcode=BD8%208NN";
    expect((await search(query)).total).toBe(1);
    try {
      await control(sim, "PATCH", "/patients/9991000038", { security: "R" });
      expect((await search(query)).total).toBe(0);
      expect((await search("family=Iqbal&birthdate=eq1972-11-30")).total).toBe(1);
    } finally {
      await control(sim, "POST", "/reset");
    }
  });

  it("answers more matches than _max-results with 200 TOO_MANY_MATCHES", async () => {
    const response = await searchPatients(sim, "family=Hartley&birthdate=eq1984-03-14&_max-results=1");
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as OperationOutcome;
    expect(outcome.resourceType).toBe("OperationOutcome");
    expect(outcome.issue[0]?.details?.coding?.[0]?.code).toBe("TOO_MANY_MATCHES");
  });
});

describe("search validation", () => {
  it.each([
    ["family without birth date", "family=Smith", "INVALID_SEARCH_DATA"],
    ["birth date without family", "birthdate=eq2010-10-22", "INVALID_SEARCH_DATA"],
    ["a wildcard in the first two characters", "family=S*&birthdate=eq2010-10-22", "INVALID_SEARCH_DATA"],
    ["a malformed birth date", "family=Smith&birthdate=eq2010-13-45", "INVALID_SEARCH_DATA"],
    ["an unknown gender", "family=Smith&birthdate=eq2010-10-22&gender=f", "INVALID_SEARCH_DATA"],
    ["an unknown parameter", "family=Smith&birthdate=eq2010-10-22&colour=blue", "ADDITIONAL_PROPERTIES"],
    ["_max-results above 50", "family=Smith&birthdate=eq2010-10-22&_max-results=51", "INVALID_VALUE"],
    ["no parameters at all", "", "UNSUPPORTED_SERVICE"],
  ])("rejects %s with 400", async (_label, query, code) => {
    const response = await searchPatients(sim, query);
    expect(response.status).toBe(400);
    expect(await spineCode(response)).toBe(code);
  });

  it("checks X-Request-ID on searches too", async () => {
    const response = await searchPatients(sim, "family=Smith&birthdate=eq2010-10-22", {});
    expect(response.status).toBe(400);
    expect(await spineCode(response)).toBe("MISSING_VALUE");
  });

  it("mirrors the request id", async () => {
    const headers = pdsHeaders();
    const response = await searchPatients(sim, "family=Smith&birthdate=eq2010-10-22", headers);
    expect(response.headers.get("x-request-id")).toBe(headers["X-Request-ID"]);
  });
});
