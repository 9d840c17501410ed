import { describe, expect, it } from "vitest";
import { describeFilters, parseAuditQuery, parseTime } from "./audit-query.ts";

describe("audit search parameters", () => {
  it("accepts every filter, normalising NHS numbers and ODS codes", () => {
    const parsed = parseAuditQuery({
      nhsNumber: "999 100 0054",
      userId: "555000000001",
      orgCode: "rx1",
      outcome: "blocked.unverified",
      type: "patient.selected",
      correlationId: "abc-123",
      from: "2026-05-01",
      to: "2026-05-01",
      before: "99",
      limit: "20",
    });
    expect(parsed).toEqual({
      ok: true,
      query: {
        nhsNumber: "9991000054",
        userId: "555000000001",
        orgCode: "RX1",
        outcome: "blocked.unverified",
        type: "patient.selected",
        correlationId: "abc-123",
        from: Date.parse("2026-05-01T00:00:00Z"),
        to: Date.parse("2026-05-01T23:59:59.999Z"),
        before: 99,
        limit: 20,
      },
    });
  });

  it("treats empty values as absent and defaults the page size", () => {
    expect(parseAuditQuery({ nhsNumber: " ", outcome: "" })).toEqual({ ok: true, query: { limit: 50 } });
  });

  it("names every wrong parameter at once", () => {
    const parsed = parseAuditQuery({ outcome: "fine", limit: "0", from: "2026-13-01", sort: "x" });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((p) => p.field).sort()).toEqual([
      "from",
      "limit",
      "outcome",
      "sort",
    ]);
  });

  it("reads times as ISO 8601, with or without a zone", () => {
    expect(parseTime("2026-05-01T09:30", false)).toBe(Date.parse("2026-05-01T09:30:00Z"));
    expect(parseTime("2026-05-01T09:30:00+01:00", false)).toBe(Date.parse("2026-05-01T08:30:00Z"));
    expect(parseTime("2026-02-29", false)).toBeUndefined();
    expect(parseTime("1 May", false)).toBeUndefined();
  });

  it("describes filters for the audit of reads without the NHS number", () => {
    const parsed = parseAuditQuery({ nhsNumber: "9991000054", orgCode: "RX1" });
    expect(parsed.ok && describeFilters(parsed.query)).toBe("orgCode=RX1");
  });
});
