import { describe, expect, it } from "vitest";
import { grantedScopes, grantsRead, requestedScopes } from "./smart-scopes.ts";

describe("SMART scopes", () => {
  it("asks for launch, openid, fhirUser and the Patient read; the Encounter only when configured", () => {
    expect(requestedScopes({ encounter: false })).toEqual([
      "launch",
      "openid",
      "fhirUser",
      "patient/Patient.rs",
    ]);
    expect(requestedScopes({ encounter: true })).toContain("patient/Encounter.rs");
  });

  it.each([
    ["patient/Patient.rs"],
    ["patient/Patient.r"],
    ["patient/Patient.read"],
    ["patient/Patient.cruds"],
    ["patient/*.rs"],
    ["patient/*.read"],
    ["patient/Patient.*"],
  ])("reads the Patient with %s", (scope) => {
    expect(grantsRead(["launch", "openid", scope], "Patient")).toBe(true);
  });

  it.each([
    ["patient/Patient.s"],
    ["patient/Patient.write"],
    ["patient/Patient.c"],
    ["patient/Patient.sr"],
    ["patient/Observation.rs"],
    ["user/Patient.rs"],
    ["patient/Patient.rs?identifier=x"],
    ["Patient.rs"],
    ["launch/patient"],
  ])("does not read the Patient with only %s", (scope) => {
    expect(grantsRead(["launch", scope], "Patient")).toBe(false);
  });

  it("reads granted scopes in any order, and takes an absent scope as what was asked", () => {
    expect(grantsRead(grantedScopes("patient/Patient.read openid launch", []), "Patient")).toBe(true);
    expect(grantedScopes(undefined, ["launch", "patient/Patient.rs"])).toEqual([
      "launch",
      "patient/Patient.rs",
    ]);
    expect(grantedScopes("a  b", [])).toEqual(["a", "b"]);
  });
});
