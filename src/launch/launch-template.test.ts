import { describe, expect, it } from "vitest";
import { fillLaunchTemplate, type LaunchTemplate, parseLaunchTemplate } from "./launch-template.ts";

function template(text: string, allowHttp = false): LaunchTemplate {
  const parsed = parseLaunchTemplate(text, allowHttp);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problem));
  return parsed.value;
}

describe("NCRS launch template", () => {
  it("fills a query placeholder with the NHS number", () => {
    const t = template("https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}");
    expect(fillLaunchTemplate(t, { nhsNumber: "9991000054" })).toEqual({
      ok: true,
      url: "https://ncrs.example.nhs.uk/launch?nhsNumber=9991000054",
    });
    expect(t.origin).toBe("https://ncrs.example.nhs.uk");
  });

  it("fills path and several query placeholders, encoding each value for where it stands", () => {
    const t = template(
      "https://ncrs.example.nhs.uk/patients/{nhsNumber}/summary?ods={odsCode}&role={roleId}",
    );
    const filled = fillLaunchTemplate(t, { nhsNumber: "9991000054", odsCode: "Y9&0=1#x", roleId: "a b/c" });
    expect(filled).toEqual({
      ok: true,
      url: "https://ncrs.example.nhs.uk/patients/9991000054/summary?ods=Y9%260%3D1%23x&role=a%20b%2Fc",
    });
  });

  it("never lets a value add a path segment", () => {
    const t = template("https://ncrs.example.nhs.uk/patients/{odsCode}/{nhsNumber}");
    const filled = fillLaunchTemplate(t, { nhsNumber: "9991000054", odsCode: "../admin" });
    expect(filled.ok && new URL(filled.url).pathname).toBe("/patients/..%2Fadmin/9991000054");
  });

  it("refuses to fill when a named parameter has no value, rather than leaving it empty", () => {
    const t = template("https://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}&ods={odsCode}");
    expect(fillLaunchTemplate(t, { nhsNumber: "9991000054" })).toEqual({ ok: false, missing: "odsCode" });
  });

  it.each([
    ["https://ncrs.example.nhs.uk/launch?nhs={nhs}", "unknown_placeholder"],
    ["https://ncrs.example.nhs.uk/launch", "no_nhs_number"],
    ["http://ncrs.example.nhs.uk/launch?nhsNumber={nhsNumber}", "not_https"],
    ["https://{odsCode}.example.nhs.uk/launch?nhsNumber={nhsNumber}", "placeholder_in_host"],
    ["not a url {nhsNumber}", "not_a_url"],
  ])("refuses %s (%s)", (text, kind) => {
    const parsed = parseLaunchTemplate(text, false);
    expect(parsed.ok ? null : parsed.problem.kind).toBe(kind);
  });

  it("allows plain http only for the local simulator", () => {
    expect(
      parseLaunchTemplate(
        "http://localhost:3103/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}",
        true,
      ).ok,
    ).toBe(true);
  });
});
