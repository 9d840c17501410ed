import { describe, expect, it } from "vitest";
import {
  type AuditRecordContent,
  AuditRecordError,
  assertSealable,
  detailsText,
  recordCanonical,
} from "./audit-record.ts";
import { canonicalJson } from "./canonical-json.ts";

function record(overrides: Partial<AuditRecordContent> = {}): AuditRecordContent {
  return {
    v: 1,
    id: "2b1f0c4e-8f1a-4c7e-9d6b-0a1b2c3d4e5f",
    time: 1_767_225_600_000,
    type: "patient.verified",
    outcome: "verified",
    userId: "555000000001",
    userName: 'Dr Jane "JJ" Smith\u00e9 \u2028',
    roleId: null,
    roleCode: "S8000:G8000:R8000",
    orgCode: "RX1",
    sessionId: "s",
    workstationId: null,
    nhsNumber: "k1.aaa.bbb",
    nhsNumberIndex: "i1.ccc",
    previousNhsNumber: null,
    previousNhsNumberIndex: null,
    source: "patient-check",
    encounterId: null,
    correlationId: "c-1",
    durationMs: 42,
    details: detailsText({ z: 1, a: "x", é: true, Z: null }),
    ...overrides,
  };
}

describe("a record's canonical text", () => {
  it("is exactly canonical JSON of the record, details and all", () => {
    for (const r of [
      record(),
      record({ userName: null, durationMs: null, details: "{}" }),
      record({ userName: "😀 \\ / \u0000" }),
      record({ source: ',"details":0,', correlationId: '"details":0' }),
    ]) {
      expect(recordCanonical(r)).toBe(canonicalJson({ ...r, details: JSON.parse(r.details) }));
    }
  });

  it("changes when any field changes", () => {
    const base = recordCanonical(record());
    expect(recordCanonical(record({ orgCode: "RX2" }))).not.toBe(base);
    expect(recordCanonical(record({ details: detailsText({ z: 2, a: "x", é: true, Z: null }) }))).not.toBe(
      base,
    );
  });

  it("refuses what has no single faithful text", () => {
    expect(() => assertSealable(record({ userName: "\ud800" }))).toThrow(AuditRecordError);
    expect(() => assertSealable(record({ durationMs: 1.5 }))).toThrow(/whole number/);
    expect(() => assertSealable(record({ details: "[]" }))).toThrow(/object/);
    expect(() => detailsText({ nested: { a: 1 } as never })).toThrow(/details.nested/);
    expect(() => assertSealable(record())).not.toThrow();
  });
});
