import { describe, expect, it } from "vitest";
import { parseLaunchTemplate } from "./launch-template.ts";

const at = (href: string) => new URL(href);

describe("launch template", () => {
  it("reads the NHS number from a query placeholder", () => {
    const template = parseLaunchTemplate(
      "http://localhost:3103/nationalcarerecordsservice/launch?nhsNumber={nhsNumber}",
    );
    expect(template.path).toBe("/nationalcarerecordsservice/launch");
    expect(template.names).toEqual(["nhsNumber"]);
    expect(template.read(at("http://x/nationalcarerecordsservice/launch?nhsNumber=9000000009"))).toEqual({
      nhsNumber: "9000000009",
    });
  });

  it("is not the route for other paths", () => {
    const template = parseLaunchTemplate("http://localhost/ncrs/launch?nhs={nhsNumber}");
    expect(template.read(at("http://x/ncrs/launch/extra?nhs=9000000009"))).toBeUndefined();
    expect(template.read(at("http://x/ncrs?nhs=9000000009"))).toBeUndefined();
  });

  it("reads path placeholders, one segment each, and query placeholders together", () => {
    const template = parseLaunchTemplate(
      "https://ncrs.example/app/patient/{nhsNumber}/summary?from={system}&org=ods-{odsCode}&v=2",
    );
    expect(template.names).toEqual(["nhsNumber", "system", "odsCode"]);
    const url = at("http://x/app/patient/9000000009/summary?from=poc%20app&org=ods-Y90001&v=2&extra=1");
    expect(template.read(url)).toEqual({ nhsNumber: "9000000009", system: "poc app", odsCode: "Y90001" });
    expect(template.read(at("http://x/app/patient/90/00/summary"))).toBeUndefined();
  });

  it("reports parameters the request lacks as null", () => {
    const template = parseLaunchTemplate("http://h/launch?nhsNumber={nhsNumber}&src={source}");
    expect(template.read(at("http://x/launch?src=poc"))).toEqual({ nhsNumber: null, source: "poc" });
  });

  it("reads a placeholder that is part of a path segment", () => {
    const template = parseLaunchTemplate("http://h/records/nhs-{nhsNumber}.html");
    expect(template.read(at("http://x/records/nhs-9000000009.html"))).toEqual({ nhsNumber: "9000000009" });
  });

  it("fills a template, encoding values", () => {
    const template = parseLaunchTemplate("http://h/p/{nhsNumber}?from={system}");
    expect(template.fill({ nhsNumber: "9000000009", system: "a&b" })).toBe(
      "http://h/p/9000000009?from=a%26b",
    );
  });

  it.each([
    ["no NHS number placeholder", "http://h/launch?patient={id}", /no \{nhsNumber\}/],
    ["a placeholder in the host", "http://{host}/launch?n={nhsNumber}", /host/],
    ["a placeholder in the fragment", "http://h/app#/patient/{nhsNumber}", /fragment/],
    ["a placeholder in a query name", "http://h/l?{key}={nhsNumber}", /query name/],
    ["a malformed placeholder", "http://h/l?n={nhs-number}", /malformed/],
    ["a relative URL", "/launch?n={nhsNumber}", /absolute/],
  ])("refuses a template with %s", (_why, template, message) => {
    expect(() => parseLaunchTemplate(template)).toThrow(message);
  });
});
