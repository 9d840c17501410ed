/**
 * "Records held elsewhere" for a patient page: what NRL says exists, from a fresh cache or asked
 * anew without stalling the page, filtered to the types this role and organisation may see, and
 * which of the pointers are new to this user (or organisation) since they last looked. Every
 * search of NRL is a domain event (and so an audit record); so is a "New document available"
 * shown.
 */
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import type { NhsNumber } from "../patients/nhs-number.ts";
import type { Patient } from "../patients/patient.types.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { type ExpiryRules, expiresAt } from "./cache-expiry.ts";
import type { NewDocumentHub } from "./new-document-hub.ts";
import { isVisible, type VisibilityRule, visibleTypes } from "./pointer-visibility.ts";
import type { RecordLocator, RecordPointer } from "./record-pointer.ts";
import { recordsErrors } from "./records.errors.ts";
import type { CachedPointers, NewPointer, PointerCacheStore, SeenPointerStore } from "./records.ports.ts";

export interface RecordsElsewhereDeps {
  readonly locator: RecordLocator;
  readonly cache: PointerCacheStore;
  readonly seen: SeenPointerStore;
  readonly events: Events;
  readonly clock: Clock;
  readonly expiry: ExpiryRules;
  readonly visibility: readonly VisibilityRule[];
  /** Whose "seen" decides what is new: the user's own, or anyone's in their organisation. */
  readonly seenBy: "user" | "organisation";
  /** For the audit record: how the adapter searches. */
  readonly searchMethod: "POST" | "GET";
  readonly hub: NewDocumentHub;
  /** Tells of a failure that happened after the page stopped waiting. */
  readonly onBackgroundFailure?: (error: unknown) => void;
}

export interface PanelOptions {
  readonly correlationId: string;
  /** `refresh`: the user asked; the cache is skipped. */
  readonly reason: "page" | "refresh";
  /** How long to wait for NRL before answering `pending`; absent: until NRL answers or fails. */
  readonly waitMs?: number;
}

export type Panel =
  | { readonly state: "not_verified" }
  | { readonly state: "no_organisation" }
  | { readonly state: "pending" }
  | { readonly state: "failed"; readonly error: AppError }
  | {
      readonly state: "listed";
      readonly pointers: readonly RecordPointer[];
      /** Pointers held but of types this role and organisation may not see. */
      readonly hidden: number;
      readonly refused: number;
      readonly noneForOrganisation: boolean;
      readonly checkedAt: Date;
      readonly expiresAt: Date;
      /** Pending "New document available" notifications among the listed pointers. */
      readonly news: readonly NewPointer[];
      /** Set when NRL could not be asked again: the list is the last one NRL gave. */
      readonly staleBecause: AppError | null;
    };

const PENDING = Symbol("pending");

function byDateDescending(a: RecordPointer, b: RecordPointer): number {
  return (b.updated ?? b.created ?? "").localeCompare(a.updated ?? a.created ?? "");
}

export class RecordsElsewhereService {
  readonly #deps: RecordsElsewhereDeps;
  /** Searches in flight, by patient and organisation: concurrent pages share one. */
  readonly #inFlight = new Map<string, Promise<CachedPointers>>();

  constructor(deps: RecordsElsewhereDeps) {
    this.#deps = deps;
  }

  /** The panel for this session and patient. Never throws for an NRL failure: says it. */
  async panel(session: Session, patient: Patient, options: PanelOptions): Promise<Panel> {
    if (patient.nhsNumber.kind !== "valid" || patient.verification.status !== "verified")
      return { state: "not_verified" };
    const odsCode = session.role?.orgCode;
    if (!odsCode) return { state: "no_organisation" };
    const nhsNumber = patient.nhsNumber.value;
    const cached = await this.#deps.cache.get(patient.id, odsCode);
    const now = this.#deps.clock.now();
    if (options.reason === "page" && cached && cached.expiresAt > now)
      return this.#listed(session, patient, nhsNumber, cached, null, options.correlationId);
    const search = this.#search(session, patient.id, nhsNumber, odsCode, options);
    try {
      const fresh = options.waitMs === undefined ? await search : await this.#within(search, options.waitMs);
      if (fresh === PENDING) return { state: "pending" };
      return this.#listed(session, patient, nhsNumber, fresh, null, options.correlationId);
    } catch (error) {
      if (!(error instanceof AppError) || !error.code.startsWith("nrl.")) throw error;
      if (cached) return this.#listed(session, patient, nhsNumber, cached, error, options.correlationId);
      return { state: "failed", error };
    }
  }

  /** Dismisses this viewer's "New document available" for the patient (all tabs). */
  async dismiss(session: Session, patient: Patient, correlationId: string): Promise<number> {
    const scope = this.#scope(session);
    if (scope === null) return 0;
    const dismissed = await this.#deps.seen.dismiss(scope, patient.id, this.#deps.clock.now());
    if (dismissed > 0)
      await this.#deps.events.emit("nrl.new_document_dismissed", {
        ...actorOf(session),
        correlationId,
        patientId: patient.id,
        nhsNumber: patient.nhsNumber.kind === "valid" ? patient.nhsNumber.value : null,
        dismissed,
      });
    return dismissed;
  }

  /** Forgets the cached answers about a patient (a supersession or a death changed who they are). */
  invalidate(patientId: string): Promise<number> {
    return this.#deps.cache.invalidate(patientId);
  }

  /** Whether a pointer type is one this session may see (for live notifications). */
  visibleTo(session: Session, typeCode: string): boolean {
    const odsCode = session.role?.orgCode;
    if (!odsCode) return false;
    const visible = visibleTypes(
      { activityCodes: session.role?.activityCodes ?? [], odsCode },
      this.#deps.visibility,
    );
    return isVisible(typeCode, visible);
  }

  /** `user:<id>` or `org:<ODS>`, as configured. */
  scopeOf(session: Session): string | null {
    return this.#scope(session);
  }

  #scope(session: Session): string | null {
    if (this.#deps.seenBy === "user") return `user:${session.user.id}`;
    return session.role?.orgCode ? `org:${session.role.orgCode}` : null;
  }

  async #within<T>(promise: Promise<T>, ms: number): Promise<T | typeof PENDING> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<typeof PENDING>((resolve) => {
      timer = setTimeout(() => resolve(PENDING), ms);
    });
    try {
      const first = await Promise.race([promise, waited]);
      // The search goes on and fills the cache; its failure is reported, not thrown at nobody.
      if (first === PENDING) promise.catch((error: unknown) => this.#deps.onBackgroundFailure?.(error));
      return first;
    } finally {
      clearTimeout(timer);
    }
  }

  #search(
    session: Session,
    patientId: string,
    nhsNumber: NhsNumber,
    odsCode: string,
    options: PanelOptions,
  ): Promise<CachedPointers> {
    const key = `${patientId}|${odsCode}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const search = this.#searchOnce(session, patientId, nhsNumber, odsCode, options).finally(() =>
      this.#inFlight.delete(key),
    );
    this.#inFlight.set(key, search);
    return search;
  }

  async #searchOnce(
    session: Session,
    patientId: string,
    nhsNumber: NhsNumber,
    odsCode: string,
    options: PanelOptions,
  ): Promise<CachedPointers> {
    const started = performance.now();
    const audit = (outcome: string, status: number | null, pointers = 0, refused = 0) =>
      this.#deps.events.emit("nrl.searched", {
        ...actorOf(session),
        correlationId: options.correlationId,
        patientId,
        nhsNumber,
        odsCode,
        method: this.#deps.searchMethod,
        outcome,
        status,
        pointers,
        refused,
        durationMs: Math.round(performance.now() - started),
        reason: options.reason,
      });
    let result: Awaited<ReturnType<RecordLocator["search"]>>;
    try {
      result = await this.#deps.locator.search(nhsNumber, { correlationId: options.correlationId, odsCode });
    } catch (error) {
      const appError =
        error instanceof AppError ? error : new AppError(recordsErrors.unavailable, { cause: error });
      const status = typeof appError.details?.["status"] === "number" ? appError.details["status"] : null;
      await audit(appError.code, status);
      throw appError;
    }
    const checkedAt = result.provenance.retrievedAt;
    const entry: CachedPointers =
      result.kind === "found"
        ? {
            patientId,
            odsCode,
            outcome: "found",
            pointers: result.pointers,
            refused: result.refused,
            checkedAt,
            expiresAt: expiresAt(checkedAt, result.pointers, this.#deps.expiry),
          }
        : {
            patientId,
            odsCode,
            outcome: "none_for_organisation",
            pointers: [],
            refused: 0,
            checkedAt,
            expiresAt: expiresAt(checkedAt, [], this.#deps.expiry),
          };
    await audit(entry.outcome, result.kind === "found" ? 200 : 403, entry.pointers.length, entry.refused);
    await this.#deps.cache.put(entry);
    return entry;
  }

  async #listed(
    session: Session,
    patient: Patient,
    nhsNumber: NhsNumber,
    entry: CachedPointers,
    staleBecause: AppError | null,
    correlationId: string,
  ): Promise<Panel> {
    const visible = visibleTypes(
      { activityCodes: session.role?.activityCodes ?? [], odsCode: entry.odsCode },
      this.#deps.visibility,
    );
    const pointers = entry.pointers.filter((p) => isVisible(p.type.code, visible)).sort(byDateDescending);
    const news = await this.#news(session, patient.id, nhsNumber, pointers, correlationId);
    return {
      state: "listed",
      pointers,
      hidden: entry.pointers.length - pointers.length,
      refused: entry.refused,
      noneForOrganisation: entry.outcome === "none_for_organisation",
      checkedAt: entry.checkedAt,
      expiresAt: entry.expiresAt,
      news,
      staleBecause,
    };
  }

  /** Records this look; pending notifications among the listed pointers (announcing the new ones). */
  async #news(
    session: Session,
    patientId: string,
    nhsNumber: NhsNumber,
    pointers: readonly RecordPointer[],
    correlationId: string,
  ): Promise<readonly NewPointer[]> {
    const scope = this.#scope(session);
    if (scope === null) return [];
    const now = this.#deps.clock.now();
    const fresh = new Set(await this.#deps.seen.look(scope, patientId, pointers, now));
    const listed = new Set(pointers.map((p) => p.id));
    const pending = (await this.#deps.seen.pending(scope, patientId)).filter((n) => listed.has(n.pointerId));
    const announced = pending.filter((n) => fresh.has(n.pointerId));
    if (announced.length > 0) {
      await this.#deps.events.emit("nrl.new_document_shown", {
        ...actorOf(session),
        correlationId,
        patientId,
        nhsNumber,
        pointerIds: announced.map((n) => n.pointerId).join(","),
        types: announced.map((n) => n.typeCode).join(","),
        scope: this.#deps.seenBy,
      });
      this.#deps.hub.publish({ patientId, scope, pointers: announced });
    }
    return pending;
  }
}
