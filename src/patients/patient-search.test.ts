import { describe, expect, it } from "vitest";
import { AppError } from "../platform/errors.ts";
import { parseSearch } from "./patient-search.ts";

describe("the patient search box", () => {
  it.each([
    ["943 476 5919", { kind: "nhs_number", value: "9434765919" }],
    ["9434765919", { kind: "nhs_number", value: "9434765919" }],
    ["14/03/1984", { kind: "birth_date", value: "1984-03-14" }],
    ["4/3/1984", { kind: "birth_date", value: "1984-03-04" }],
    ["1984-03-14", { kind: "birth_date", value: "1984-03-14" }],
    ["rx1-000123", { kind: "mrn", value: "RX1-000123" }],
    ["Hartley", { kind: "name", terms: ["hartley"] }],
    ["  amelia   HARTLEY ", { kind: "name", terms: ["amelia", "hartley"] }],
    ["O'Neill", { kind: "name", terms: ["o'neill"] }],
  ])("reads %j", (input, query) => {
    expect(parseSearch(input)).toEqual(query);
  });

  it.each([
    ["", "patient.search_empty"],
    ["   ", "patient.search_empty"],
    ["9434765918", "patient.search_check_digit"],
    ["943 476 5918", "patient.search_check_digit"],
    ["31/02/1984", "patient.search_invalid"],
    ["x".repeat(101), "patient.search_invalid"],
    ["!!!", "patient.search_invalid"],
    ["a b c d e", "patient.search_invalid"],
  ])("refuses %j with %s", (input, code) => {
    expect(() => parseSearch(input)).toThrow(AppError);
    expect(() => parseSearch(input)).toThrow(expect.objectContaining({ code }));
  });
});
