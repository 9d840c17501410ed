/**
 * The EPR's pages over HTTP with NCRS Connect down (nothing listening): the patient list and each
 * case's page render, every page carries the EPR's own CSP, and the control API picks the user.
 * Also the cases themselves and the registration entry NCRS Connect is given.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fhirPatient, PATIENTS } from "./patients.ts";
import { mergeApiClients, registrationFor } from "./registration.ts";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { closedPort, EprClient } from "./test-support/client.ts";

let epr: EprSimulator;
let ncrs: string;

beforeAll(async () => {
  ncrs = `http://localhost:${await closedPort()}`;
  epr = await startEprSimulator({
    port: 0,
    ncrsConnectUrl: ncrs,
    clientSecret: "pages-test-secret-0123456789",
  });
});
afterAll(() => epr?.close());

/** Modulus 11, as the NHS number's check digit is defined. */
function checkDigitValid(nhsNumber: string): boolean {
  const sum = [...nhsNumber.slice(0, 9)].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(nhsNumber[9]);
}

describe("the cases", () => {
  it("has one patient per hand-over case, each with an MRN in the EPR's system", () => {
    expect(PATIENTS.map((p) => p.case).sort()).toEqual(
      [
        "different-birth-date",
        "invalid-nhs-number",
        "matches",
        "misspelt-name",
        "no-nhs-number",
        "restricted",
        "superseded",
        "user-hint-mismatch",
      ].sort(),
    );
    for (const patient of PATIENTS)
      expect(fhirPatient(patient)["identifier"]).toContainEqual({
        system: "https://riverside-epr.example/Id/mrn",
        value: patient.mrn,
      });
  });

  it("gives a bad check digit only to the invalid-number case", () => {
    for (const patient of PATIENTS.filter((p) => p.nhsNumber))
      expect(checkDigitValid(patient.nhsNumber ?? ""), patient.case).toBe(
        patient.case !== "invalid-nhs-number",
      );
    expect(PATIENTS.find((p) => p.case === "no-nhs-number")?.nhsNumber).toBeUndefined();
  });
});

describe("pages", () => {
  it("lists every patient with its MRN, NHS number and case, under the EPR's CSP", async () => {
    const page = await new EprClient(epr.origin).page("/");
    expect(page.status).toBe(200);
    expect(page.html.match(/data-testid="epr-patient-row"/g)).toHaveLength(PATIENTS.length);
    for (const patient of PATIENTS) {
      expect(page.html).toContain(`href="/patients/${patient.mrn}"`);
      expect(page.html).toContain(patient.expect.replaceAll("'", "&#39;"));
    }
    expect(page.html).toContain("999 100 0038");
    expect(page.html).toContain("Not recorded");
    expect(page.html).toContain("Not connected to NCRS Connect.");
  });

  it("sends a strict CSP that lets scripts and form posts go to itself and NCRS Connect only", async () => {
    const csp = (await new EprClient(epr.origin).page("/")).headers.get("content-security-policy") ?? "";
    const directives = new Map(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("script-src")).toEqual(["'self'", ncrs]);
    expect(directives.get("form-action")).toEqual(["'self'", ncrs]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp).not.toContain("unsafe-inline");
  });

  for (const patient of PATIENTS) {
    it(`renders ${patient.mrn} (${patient.case}) when not connected, with Connect and both desktop links`, async () => {
      const page = await new EprClient(epr.origin).page(`/patients/${patient.mrn}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain(`script-src 'self' ${ncrs}`);
      expect(page.html).toContain(
        `<h1>${[...patient.given, patient.family].join(" ").replaceAll("'", "&#39;")}</h1>`,
      );
      expect(page.html).toContain('data-testid="epr-not-connected"');
      expect(page.html).toContain(`href="/connect?returnTo=%2Fpatients%2F${patient.mrn}"`);
      expect(page.html).toContain(`href="/patients/${patient.mrn}/desktop-launch" target="_blank"`);
      expect(page.html).toContain('data-testid="epr-desktop-url"');
      expect(page.html).not.toContain("<ncrs-open-button");
      expect(page.html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    });
  }

  it("does not use NCRS Connect's stylesheet", async () => {
    const page = await new EprClient(epr.origin).page("/patients/RVR100001");
    expect(page.html.match(/<link rel="stylesheet" href="([^"]+)"/g)).toEqual([
      '<link rel="stylesheet" href="/assets/epr.css"',
    ]);
  });

  it("answers 404 for an unknown MRN and a malformed one", async () => {
    const client = new EprClient(epr.origin);
    expect((await client.page("/patients/RVR999999")).status).toBe(404);
    expect((await client.page("/patients/%E0%A4%A")).status).toBe(404);
    expect((await client.page("/nowhere")).status).toBe(404);
  });

  it("refuses an unknown EPR user and never redirects off the EPR", async () => {
    const client = new EprClient(epr.origin);
    expect((await client.post("/epr-user", { user: "999999999999", returnTo: "/" })).status).toBe(400);
    const moved = await client.post("/epr-user", { user: "555000000002", returnTo: "https://evil.example/" });
    expect(moved.headers.get("location")).toBe("/");
  });
});

describe("control API", () => {
  it("picks the EPR user for every session", async () => {
    const client = new EprClient(epr.origin);
    await client.page("/");
    const put = (sub: string) =>
      fetch(`${epr.origin}/_sim/api/user`, { method: "PUT", body: JSON.stringify({ sub }) });
    expect((await put("123")).status).toBe(400);
    expect((await put("555000000003")).status).toBe(200);
    expect((await client.page("/")).html).toContain('<option value="555000000003" selected>');
    expect((await new EprClient(epr.origin).page("/")).html).toContain(
      '<option value="555000000003" selected>',
    );
    expect((await put("555000000001")).status).toBe(200);
  });

  it("lists the calls made to NCRS Connect, an unreachable one with status 0", async () => {
    await fetch(`${epr.origin}/_sim/api/reset`, { method: "POST" });
    await new EprClient(epr.origin).page("/patients/RVR100001");
    const calls = (await (await fetch(`${epr.origin}/_sim/api/calls`)).json()) as {
      path: string;
      status: number;
    }[];
    expect(calls).toEqual([expect.objectContaining({ path: "/.well-known/jwks.json", status: 0 })]);
  });
});

describe("registration", () => {
  it("gives NCRS Connect the secret's SHA-256, the callback, the JWKS URL and the scopes", () => {
    expect(
      registrationFor({ origin: "http://localhost:3105", clientId: "riverside-epr", clientSecret: "s3cret" }),
    ).toEqual({
      id: "riverside-epr",
      secretSha256: createHash("sha256").update("s3cret").digest("hex"),
      redirectUris: ["http://localhost:3105/oauth/callback"],
      jwksUri: "http://localhost:3105/.well-known/jwks.json",
      scopes: ["patient-context", "launch"],
    });
    expect(epr.registration.redirectUris).toEqual([`${epr.origin}/oauth/callback`]);
  });

  it("adds itself to any API_CLIENTS given, replacing only its own entry", () => {
    const entry = registrationFor({ origin: "http://e", clientId: "riverside-epr", clientSecret: "x" });
    const other = { id: "gp-system", secretSha256: "0".repeat(64), redirectUris: ["https://gp/cb"] };
    const old = { ...entry, secretSha256: "f".repeat(64) };
    expect(JSON.parse(mergeApiClients(JSON.stringify([other, old]), entry))).toEqual([other, entry]);
    expect(JSON.parse(mergeApiClients(undefined, entry))).toEqual([entry]);
    expect(() => mergeApiClients("{}", entry)).toThrow(/array/);
  });
});
