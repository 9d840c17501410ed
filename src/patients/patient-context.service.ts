/**
 * Patient context: selecting a patient makes an explicit, short-lived context bound to the
 * session and to the browser tab it was made in. Selecting another patient in the same tab
 * supersedes it; a context from another session is unknown; an expired one is refused. Anything that
 * acts for a patient (verification now, the NCRS launch later) goes through `current()`, so a
 * stale or foreign context can never be used.
 */
import { randomBytes } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import type { Patient } from "./patient.types.ts";
import { patientErrors } from "./patients.errors.ts";
import type { PatientContext, PatientContextRepository, PatientRepository } from "./patients.ports.ts";

export interface PatientContextDeps {
  readonly contexts: PatientContextRepository;
  readonly patients: PatientRepository;
  readonly events: Events;
  readonly clock: Clock;
  readonly ttlSeconds: number;
}

export type ResolvedContext =
  | { readonly kind: "current"; readonly context: PatientContext; readonly patient: Patient }
  | {
      readonly kind: "superseded";
      readonly context: PatientContext;
      readonly patient: Patient;
      readonly currentContextId: string | null;
    }
  | { readonly kind: "expired"; readonly context: PatientContext; readonly patient: Patient };

const TAB_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** A fresh tab id for a page that arrived without one. */
export function newTabId(): string {
  return randomBytes(12).toString("base64url");
}

export function isTabId(value: unknown): value is string {
  return typeof value === "string" && TAB_ID.test(value);
}

export class PatientContextService {
  readonly #deps: PatientContextDeps;

  constructor(deps: PatientContextDeps) {
    this.#deps = deps;
  }

  /** Selects a patient in a tab; returns the new context's id. */
  async select(session: Session, patientId: string, tabId: string, correlationId: string): Promise<string> {
    const patient = await this.#deps.patients.findById(patientId);
    if (!patient) throw new AppError(patientErrors.not_found);
    const now = this.#deps.clock.now();
    const context: PatientContext = {
      id: randomBytes(18).toString("base64url"),
      sessionId: session.id,
      tabId: isTabId(tabId) ? tabId : newTabId(),
      patientId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.#deps.ttlSeconds * 1000),
      supersededAt: null,
    };
    await this.#deps.contexts.create(context);
    await this.#deps.events.emit("patient.selected", {
      ...actorOf(session),
      correlationId,
      patientId,
      contextId: context.id,
      nhsNumber: patient.nhsNumber.kind === "valid" ? patient.nhsNumber.value : null,
    });
    return context.id;
  }

  /** Looks a context up for this session; unknown or foreign contexts are refused outright. */
  async resolve(session: Session, contextId: string): Promise<ResolvedContext> {
    const context = await this.#deps.contexts.find(contextId);
    if (!context || context.sessionId !== session.id) throw new AppError(patientErrors.context_unknown);
    const patient = await this.#deps.patients.findById(context.patientId);
    if (!patient) throw new AppError(patientErrors.context_unknown);
    if (context.supersededAt) {
      const current = await this.#deps.contexts.currentForTab(session.id, context.tabId);
      return { kind: "superseded", context, patient, currentContextId: current?.id ?? null };
    }
    if (context.expiresAt <= this.#deps.clock.now()) return { kind: "expired", context, patient };
    return { kind: "current", context, patient };
  }

  /** The context, only if it is this session's, this tab's latest, and unexpired; extends its life. */
  /**
   * The patient of a selection made in one of this user's earlier sessions (they signed out, or
   * timed out, with the patient open), so they can come back to it through the confirmation step;
   * null for anyone else's selection, or none. `sameUser` says whether a session was this user's.
   */
  async resumable(
    session: Session,
    contextId: string,
    sameUser: (sessionId: string) => Promise<boolean>,
  ): Promise<string | null> {
    const context = await this.#deps.contexts.find(contextId);
    if (!context || context.sessionId === session.id) return null;
    return (await sameUser(context.sessionId)) ? context.patientId : null;
  }

  async current(session: Session, contextId: string): Promise<{ context: PatientContext; patient: Patient }> {
    const resolved = await this.resolve(session, contextId);
    if (resolved.kind === "superseded") throw new AppError(patientErrors.context_superseded);
    if (resolved.kind === "expired") throw new AppError(patientErrors.context_expired);
    return { context: await this.keepAlive(resolved.context), patient: resolved.patient };
  }

  /**
   * Use of a current context extends its life. The write is skipped while most of the lifetime is
   * left, so a busy page costs no database write per view.
   */
  async keepAlive(context: PatientContext): Promise<PatientContext> {
    const now = this.#deps.clock.now().getTime();
    const ttlMs = this.#deps.ttlSeconds * 1000;
    const slackMs = Math.min(60_000, ttlMs / 4);
    if (context.expiresAt.getTime() - now > ttlMs - slackMs) return context;
    const expiresAt = new Date(now + ttlMs);
    await this.#deps.contexts.extend(context.id, expiresAt);
    return { ...context, expiresAt };
  }
}
