import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOMAIN_EVENT_NAMES, type DomainEventName, type DomainEvents } from "../domain-events.ts";
import type { AuditedAction } from "./audit.events.ts";
import { AUDIT_MAPPINGS, auditEntryOf, auditedAction } from "./audit-events.mapping.ts";
import { isOutcomeCode, OUTCOMES } from "./audit-outcomes.ts";
import { AuditRecordError } from "./audit-record.ts";

const actor = {
  userId: "555000000001",
  userName: "Dr Jane Smith",
  roleId: "555000001234",
  roleCode: "S8000:G8000:R8000",
  orgCode: "RX1",
  sessionId: "s-1",
  workstationId: "w-1",
};

const client = { address: "10.1.2.3", userAgent: "Chrome 131 on Windows 10", callerCorrelationId: null };

const launch = {
  ...actor,
  client,
  launchRef: "L1",
  deviceProfile: "shared" as const,
  patientId: "p",
  nhsNumber: "9991000054" as never,
  source: "patient_page" as const,
  encounterId: null,
  apiClientId: null,
};

/** One plausible payload per event; the type makes a new event without an example fail to compile. */
const EXAMPLES: { readonly [K in DomainEventName]: DomainEvents[K] } = {
  "sign_in.started": { correlationId: "c", purpose: "sign_in" },
  "refusals.tallied": {
    correlationId: "c",
    channel: "launch",
    outcome: "blocked.unknown_launch",
    code: "launch.unknown_launch",
    count: 12,
    firstAt: new Date("2026-12-07T10:00:00Z"),
    lastAt: new Date("2026-12-07T10:00:59Z"),
    samples: ["a", "b", "c"],
  },
  "sign_in.failed": { correlationId: "c", code: "identity.state", step: "state", userId: null, client },
  "session.started": {
    ...actor,
    client,
    correlationId: "c",
    authenticator: "smartcard",
    acr: "AAL3",
    deviceProfile: "shared",
    purpose: "change_role",
  },
  "session.ended": { ...actor, correlationId: "c", reason: "idle_timeout", durationMs: 1234.6 },
  "backchannel_logout.received": {
    correlationId: "c",
    outcome: "unknown_session",
    code: "x",
    sessionsEnded: 0,
  },
  "workstation.registered": {
    correlationId: "c",
    workstationId: "w-2",
    name: "Ward 7",
    profile: "shared",
    by: actor,
  },
  "workstation.revoked": { correlationId: "c", workstationId: "w-2", by: actor },
  "api_access.granted": { correlationId: "c", clientId: "riverside-epr", by: actor },
  "context_launch.refused": {
    correlationId: "c",
    by: actor,
    clientId: "riverside-epr",
    code: "context_launch.replayed",
    via: "POST",
    encrypted: false,
  },
  "smart_launch.refused": {
    correlationId: "c",
    by: null,
    ehrId: "riverside",
    code: "smart_launch.access_denied",
    step: "callback",
    ehrError: "access_denied",
  },
  "patient.selected": { ...actor, correlationId: "c", patientId: "p", contextId: "x", nhsNumber: null },
  "patient_context.received": {
    ...actor,
    correlationId: "c",
    source: "api",
    clientId: "riverside-epr",
    encounter: "Encounter/1",
    patientId: "p",
    contextId: "x",
    nhsNumber: "9991000054" as never,
    status: "needs_confirmation",
    problem: null,
    createdPatient: true,
    localDifferences: [],
    identityDifferences: ["birthDate", "name"],
  },
  "patient.verified": {
    ...actor,
    correlationId: "c",
    patientId: "p",
    nhsNumber: "9991000054" as never,
    pdsVersion: "2",
    updatedLocalDetails: false,
    identityDifferences: ["birthDate"],
    basis: "user_confirmed",
  },
  "patient.verification_failed": {
    ...actor,
    correlationId: "c",
    patientId: "p",
    nhsNumber: null,
    outcome: "mismatch",
    reason: "PDS says 999 100 0054",
  },
  "patient.rekeyed": {
    ...actor,
    correlationId: "c",
    patientId: "p",
    from: "9991000003" as never,
    to: "9991000100" as never,
  },
  "patient.national_change_applied": {
    correlationId: "c",
    patientId: "p",
    nhsNumber: "9991000054" as never,
    outcome: "applied",
    notable: ["deceased", "verification_needed"],
    pdsVersion: 3,
  },
  "launch.redirected": {
    ...launch,
    correlationId: "c",
    outcome: "launched",
    checks: ["launch_id", "session_active"],
    ncrsOrigin: "https://ncrs.example",
    durationMs: 4,
  },
  "launch.blocked": {
    ...launch,
    correlationId: "c",
    outcome: "blocked.unknown_launch",
    step: "launch_id",
    durationMs: 1,
  },
  "launch.browser_outcome": { ...launch, correlationId: "c", outcome: "browser.popup_blocked" },
  "event.received": {
    correlationId: "c",
    dedupeKey: "i-1/received",
    inboxId: "i-1",
    externalId: "e-1",
    source: "mns",
    eventType: "pds-death-notification-2",
    format: "cloudevent",
    channel: "http",
    nhsNumber: "9991000054" as never,
    pdsVersion: 4,
  },
  "event.duplicate_received": {
    correlationId: "c",
    externalId: "e-1",
    source: "mns",
    eventType: "pds-death-notification-2",
    channel: "http",
    nhsNumber: "9991000054" as never,
  },
  "event.rejected": { correlationId: "c", channel: "http", code: "events.signature_invalid" },
  "event.processed": {
    correlationId: "c",
    dedupeKey: "i-1/0",
    inboxId: "i-1",
    externalId: "e-1",
    eventType: "pds-death-notification-2",
    nhsNumber: "9991000054" as never,
    patientId: "p",
    outcome: "not_in_index",
    notable: [],
    pdsVersion: null,
    attempts: 1,
    generation: 0,
  },
  "event.retry_scheduled": {
    correlationId: "c",
    inboxId: "i-1",
    eventType: "pds-death-notification-2",
    nhsNumber: "9991000054" as never,
    attempts: 2,
    code: "pds.unavailable",
    retryAt: new Date(0),
  },
  "event.dead_lettered": {
    correlationId: "c",
    dedupeKey: "i-1/0",
    inboxId: "i-1",
    externalId: "e-1",
    eventType: "pds-death-notification-2",
    nhsNumber: "9991000054" as never,
    attempts: 10,
    reason: "PDS refused 999 100 0054",
  },
  "event.replayed": {
    correlationId: "c",
    scope: "dead",
    count: 3,
    inboxId: null,
    from: null,
    to: null,
    by: { cli: "ops" },
  },
  "audit.searched": {
    ...actor,
    correlationId: "c",
    view: "search",
    nhsNumber: null,
    filters: "",
    results: 0,
  },
  "audit.exported": { ...actor, correlationId: "c", from: "a", to: "b", filters: "" },
  "audit.pruned": {
    correlationId: "c",
    upToSequence: 256,
    records: 256,
    archive: "a.gz",
    archiveSha256: "ab12",
  },
  "nrl.searched": {
    ...actor,
    correlationId: "c",
    patientId: "p",
    nhsNumber: "9991000054" as never,
    odsCode: "RX1",
    method: "POST",
    outcome: "nrl.unavailable",
    status: 503,
    pointers: 0,
    refused: 0,
    durationMs: 12,
    reason: "page",
  },
  "nrl.new_document_shown": {
    ...actor,
    correlationId: "c",
    patientId: "p",
    nhsNumber: "9991000054" as never,
    pointerIds: "RX4-1",
    types: "736253002",
    scope: "user",
  },
  "nrl.new_document_dismissed": {
    ...actor,
    correlationId: "c",
    patientId: "p",
    nhsNumber: "9991000054" as never,
    dismissed: 1,
  },
};

describe("the event → audit record mapping", () => {
  it.each(DOMAIN_EVENT_NAMES)("maps %s to a record with an outcome from the controlled list", (name) => {
    expect(AUDIT_MAPPINGS[name], `no audit mapping for ${name}`).toBeTypeOf("function");
    const entry = auditEntryOf(name, EXAMPLES[name] as never);
    expect(entry.type).toBe(name);
    expect(isOutcomeCode(entry.outcome), entry.outcome).toBe(true);
    expect(entry.correlationId).toBe("c");
  });

  it("has a row for every event and no other", () => {
    expect(Object.keys(AUDIT_MAPPINGS).sort()).toEqual([...DOMAIN_EVENT_NAMES].sort());
  });

  it("keeps who, which patient and how long", () => {
    const rekey = auditEntryOf("patient.rekeyed", EXAMPLES["patient.rekeyed"]);
    expect(rekey).toMatchObject({ ...actor, nhsNumber: "9991000100", previousNhsNumber: "9991000003" });
    expect(auditEntryOf("session.ended", EXAMPLES["session.ended"])).toMatchObject({
      outcome: "ended.idle_timeout",
      durationMs: 1235,
    });
    expect(auditEntryOf("session.started", EXAMPLES["session.started"]).outcome).toBe("role_changed");
  });

  it("masks NHS numbers typed into free text", () => {
    const entry = auditEntryOf("patient.verification_failed", EXAMPLES["patient.verification_failed"]);
    expect(entry.details["reason"]).toBe("PDS says [nhs-number]");
  });

  it("maps an audited action (as launch events carry it) in one line, refusing outcomes off the list", () => {
    interface LaunchLike extends AuditedAction {
      readonly launchRef: string | null;
      readonly step: string;
    }
    const row = auditedAction<LaunchLike>({ details: (e) => ({ launchRef: e.launchRef, step: e.step }) });
    const blocked: LaunchLike = {
      ...actor,
      correlationId: "c",
      outcome: "blocked.stale_context",
      nhsNumber: "9991000054",
      source: "patient-page",
      encounterId: "E1",
      durationMs: 12,
      launchRef: "L1",
      step: "context_fresh",
    };
    expect(row(blocked)).toMatchObject({
      outcome: "blocked.stale_context",
      source: "patient-page",
      encounterId: "E1",
      durationMs: 12,
      workstationId: "w-1",
      details: { launchRef: "L1", step: "context_fresh" },
    });
    expect(() => row({ ...blocked, outcome: "launched-ish" })).toThrow(AuditRecordError);
  });

  it("gives an event that carries no outcome the row's, and takes nulls for what a refused action lacks", () => {
    const requested = auditedAction({ outcome: "requested" });
    const mapped = requested({
      correlationId: "c",
      userId: null,
      sessionId: null,
      nhsNumber: null,
      deviceId: "ipad-3",
    });
    expect(mapped).toMatchObject({
      outcome: "requested",
      userId: null,
      sessionId: null,
      nhsNumber: null,
      workstationId: "ipad-3",
    });
    expect(() => auditedAction()({ correlationId: "c" })).toThrow(/not in the controlled list/);
    const processed = auditedAction<AuditedAction & { readonly result: string }>({
      outcome: (e) => `event.${e.result}`,
    });
    expect(processed({ correlationId: "c", result: "stale", nhsNumber: "9991000054" }).outcome).toBe(
      "event.stale",
    );
  });
});

describe("facts reported at least once", () => {
  it("carry the reporter's dedupe key, so the trail can record each once", () => {
    expect(auditEntryOf("event.processed", EXAMPLES["event.processed"]).dedupeKey).toBe("i-1/0");
    expect(auditEntryOf("event.received", EXAMPLES["event.received"]).dedupeKey).toBe("i-1/received");
    expect(
      auditEntryOf("event.duplicate_received", EXAMPLES["event.duplicate_received"]).dedupeKey,
    ).toBeNull();
  });

  it("translate outcomes and keep NHS numbers out of free text", () => {
    expect(auditEntryOf("event.processed", EXAMPLES["event.processed"]).outcome).toBe("event.not_in_index");
    expect(auditEntryOf("event.duplicate_received", EXAMPLES["event.duplicate_received"]).outcome).toBe(
      "event.duplicate",
    );
    expect(auditEntryOf("event.dead_lettered", EXAMPLES["event.dead_lettered"]).details["reason"]).toBe(
      "PDS refused [nhs-number]",
    );
    expect(auditEntryOf("event.replayed", EXAMPLES["event.replayed"]).userName).toBe("cli:ops");
    // A launch's one record names the checks it passed beside its outcome.
    const launched = auditEntryOf("launch.redirected", EXAMPLES["launch.redirected"]);
    expect([launched.outcome, launched.details["checks"]]).toEqual(["launched", "launch_id,session_active"]);
  });
});

describe("the controlled outcome list", () => {
  it("is documented in src/audit/README.md, code for code and word for word", () => {
    const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| `([a-z_.]+)` \| (success|blocked|failure) \| (.+) \|$/gm)].map(
      (m) => [m[1], m[2], m[3]],
    );
    expect(rows).toEqual(Object.entries(OUTCOMES).map(([code, d]) => [code, d.kind, d.meaning]));
  });

  it("holds the launch and event-processing outcomes", () => {
    for (const code of [
      "launched",
      "blocked.unverified",
      "blocked.invalid_nhs_number",
      "blocked.no_session",
      "blocked.stale_context",
      "blocked.role",
      "browser.popup_blocked",
      "upstream.unavailable",
      "event.applied",
      "event.stale",
      "event.dead_lettered",
    ]) {
      expect(isOutcomeCode(code), code).toBe(true);
    }
  });
});
