/**
 * "Open in NCRS". A launch id is issued with the patient page (opaque, single-use, short-lived,
 * bound to the session, the tab's patient context and the patient); the click presents it and the
 * checks run as named steps. Only when every step passes is the launch durably audited (the id
 * spent, the outcome and the audit record in one commit) and the browser sent to NCRS with the NHS
 * number that was verified. Fail closed: a failed step never
 * redirects, and no number other than the verified one is ever used.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import { effectiveVerification, type Patient } from "../patients/patient.types.ts";
import type { PatientContextService } from "../patients/patient-context.service.ts";
import type { PatientContext } from "../patients/patients.ports.ts";
import type { AtomicWrite } from "../platform/atomic-write.ts";
import type { ClientInfo } from "../platform/client-info.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { digest } from "../platform/secrets.ts";
import { runSteps, type Step, StepFailed } from "../platform/steps.ts";
import { type IssuedLaunchId, IssuedLaunchIds, type IssueScope } from "./issued-launch-ids.ts";
import { blockedOutcome, type LaunchBlockReason, launchErrors } from "./launch.errors.ts";
import { type LaunchEventBase, launchEventBase } from "./launch.events.ts";
import type { LaunchIntentRepository, RefusalCounter } from "./launch.ports.ts";
import type {
  BrowserOutcome,
  LaunchActor,
  LaunchIntent,
  LaunchSettings,
  LaunchSource,
} from "./launch.types.ts";
import { type Attempt, deepLinkFor, type LaunchRequest, launchChecks, reasonOf } from "./launch-checks.ts";

export interface LaunchDeps {
  readonly intents: LaunchIntentRepository;
  /** Where refusals of ids never issued, presented without a session, are counted. */
  readonly anonymousRefusals: RefusalCounter;
  readonly contexts: PatientContextService;
  readonly events: Events;
  readonly clock: Clock;
  readonly settings: LaunchSettings;
}

export type LaunchResult = { readonly url: string; readonly ref: string; readonly replay: boolean };

const REPLAY_WAIT_MS = 3000;

/** Where a launch id was asked for: the patient page's button, or the API (with its encounter and system). */
export interface LaunchOrigin {
  readonly source: LaunchSource;
  readonly encounterId: string | null;
  readonly apiClientId: string | null;
}

const PATIENT_PAGE: LaunchOrigin = { source: "patient_page", encounterId: null, apiClientId: null };

export class LaunchService {
  readonly #deps: LaunchDeps;
  readonly #shown = new IssuedLaunchIds();

  readonly #checks: readonly Step<Attempt>[];

  constructor(deps: LaunchDeps) {
    this.#deps = deps;
    this.#checks = launchChecks(deps);
  }

  /** Issues a new launch id for the patient in this (current) context. */
  async issue(
    session: Session,
    contextId: string,
    origin: LaunchOrigin = PATIENT_PAGE,
  ): Promise<IssuedLaunchId> {
    const { context, patient } = await this.#deps.contexts.current(session, contextId);
    return this.#issueFor(session, context, patient, origin, false);
  }

  /**
   * The id for a patient page being shown, whose context the page has just found current (so it
   * is not looked up again). The id this process last showed for the same session, context,
   * patient and number is given again while it is unused and has at least half its life left, so
   * showing a page again writes nothing.
   */
  issueForPage(session: Session, context: PatientContext, patient: Patient): Promise<IssuedLaunchId> {
    return this.#issueFor(session, context, patient, PATIENT_PAGE, true);
  }

  async #issueFor(
    session: Session,
    context: PatientContext,
    patient: Patient,
    origin: LaunchOrigin,
    reuse: boolean,
  ): Promise<IssuedLaunchId> {
    if (patient.nhsNumber.kind !== "valid") throw new AppError(launchErrors.invalid_nhs_number);
    // Issued only for a launch that could go ahead now; the click re-checks everything regardless.
    if (
      effectiveVerification(
        patient.verification,
        this.#deps.clock.now(),
        this.#deps.settings.verificationStaleSeconds,
      ).status !== "verified"
    ) {
      throw new AppError(launchErrors.unverified);
    }
    const scope = {
      sessionId: session.id,
      contextId: context.id,
      patientId: patient.id,
      nhsNumber: patient.nhsNumber.value,
    };
    if (reuse) {
      const shown = await this.#unusedShown(scope);
      if (shown) return shown;
    }
    const launchId = randomBytes(18).toString("base64url");
    const now = this.#deps.clock.now();
    const intent: LaunchIntent = {
      ref: randomUUID(),
      tokenHash: digest(launchId),
      actor: launchActorOf(session),
      contextId: context.id,
      patientId: patient.id,
      nhsNumber: patient.nhsNumber.value,
      source: origin.source,
      encounterId: origin.encounterId,
      apiClientId: origin.apiClientId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.#deps.settings.launchIdTtlSeconds * 1000),
      usedAt: null,
      outcome: null,
      browserOutcome: null,
    };
    await this.#deps.intents.insert(intent);
    const issued = { launchId, ref: intent.ref, expiresAt: intent.expiresAt };
    if (origin.source === "patient_page" && origin.encounterId === null) this.#shown.remember(scope, issued);
    return issued;
  }

  async #unusedShown(scope: IssueScope): Promise<IssuedLaunchId | undefined> {
    const minLifeMs = (this.#deps.settings.launchIdTtlSeconds * 1000) / 2;
    const shown = this.#shown.find(scope, this.#deps.clock.now(), minLifeMs);
    if (!shown) return undefined;
    // Another tab or instance may have used it since: only an id still unused is shown again.
    const intent = await this.#deps.intents.findByTokenHash(digest(shown.launchId));
    if (intent && intent.usedAt === null) return shown;
    this.#shown.forget(scope);
    return undefined;
  }

  /** Runs the checks; returns where to send the browser, or throws StepFailed with a launch error. */
  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const started = this.#deps.clock.now().getTime();
    const intent = await this.#deps.intents.findByTokenHash(digest(request.launchId));
    if (!intent && !request.session) return this.#anonymous(request);
    if (!intent) return this.#refuse(request, null, "launch_id", launchErrors.unknown_launch, started);
    if (intent.usedAt) return this.#replay(request, intent, started);
    const attempt: Attempt = { ...request, intent };
    const failure = await runSteps(this.#checks, attempt).then(
      () => null,
      (error: unknown) => error,
    );
    if (failure !== null) {
      if (!(failure instanceof StepFailed)) throw failure;
      // Only the owner's own attempt decides the launch's outcome: anyone else presenting the id
      // (a stranger, a colleague, a browser after sign-out) is refused and recorded, and the
      // owner's launch, and its double click, stay as they were.
      const owner = request.session?.id === intent.actor.sessionId;
      const outcome = owner
        ? this.#deps.intents.refusedWrite(intent.tokenHash, blockedOutcome(reasonOf(failure)))
        : undefined;
      return this.#blocked(request, intent, failure, started, outcome);
    }
    // One commit: the id spent, the launch recorded as launched, and its audit record (which says
    // the attempt, every check it passed and its outcome). Only the request that spends the id
    // first is recorded; any other is a replay.
    const url = attempt.url as string;
    const launched = await this.#deps.events.emit(
      "launch.redirected",
      {
        ...this.#eventBase(request, intent),
        outcome: "launched",
        checks: this.#checks.map((step) => step.name),
        ncrsOrigin: this.#deps.settings.template.origin,
        durationMs: this.#deps.clock.now().getTime() - started,
      },
      this.#deps.intents.launchedWrite(intent.tokenHash, this.#deps.clock.now()),
    );
    if (!launched) return this.#replay(request, intent, started);
    this.#shown.forget({
      sessionId: intent.actor.sessionId,
      contextId: intent.contextId,
      patientId: intent.patientId,
      nhsNumber: intent.nhsNumber,
    });
    return { url, ref: intent.ref, replay: false };
  }

  /**
   * Issues and launches in one go, for API clients and the embedded button: the same checks and
   * audit as our own button. A refusal at issue time (stale context, unverified number) is audited
   * as a blocked launch too.
   */
  async launchNow(
    session: Session,
    contextId: string,
    encounterId: string | null,
    correlationId: string,
    client: ClientInfo,
    apiClientId: string | null = null,
    source: LaunchSource = "api",
  ): Promise<LaunchResult> {
    const started = this.#deps.clock.now().getTime();
    let issued: IssuedLaunchId;
    try {
      issued = await this.issue(session, contextId, { source, encounterId, apiClientId });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const reason: LaunchBlockReason = error.code.startsWith("patient.") ? "stale_context" : reasonOf(error);
      const request = { launchId: "", session, correlationId, client };
      return this.#refuse(
        request,
        null,
        reason === "stale_context" ? "patient_context_current" : "nhs_number_verified",
        launchErrors[reason],
        started,
      );
    }
    return this.launch({ launchId: issued.launchId, session, correlationId, client });
  }

  /**
   * Whether the launch `ref` of this session has reached us from its tab yet: the page script asks
   * after the click, and a tab that never arrives was most likely blocked by the browser.
   */
  async presented(session: Session, ref: string): Promise<boolean> {
    const presented = await this.#deps.intents.presented(ref, session.id);
    if (presented === undefined) throw new AppError(launchErrors.unknown_launch);
    return presented;
  }

  /** Records what the page script saw after the click (pop-up opened or blocked), once. */
  async browserOutcome(
    session: Session,
    ref: string,
    outcome: BrowserOutcome,
    correlationId: string,
    client: ClientInfo,
  ): Promise<boolean> {
    const recorded = await this.#deps.intents.recordBrowserOutcome(ref, session.id, outcome);
    if (!recorded) return false;
    await this.#deps.events.emit("launch.browser_outcome", {
      ...launchEventBase(correlationId, launchActorOf(session), null, ref, client),
      outcome: `browser.${outcome}`,
    });
    return true;
  }

  /**
   * The same launch id presented again (a double click, or the browser retrying): within the
   * duplicate window the first launch's answer is given again, once it is durable, with no new record.
   */
  async #replay(request: LaunchRequest, intent: LaunchIntent, started: number): Promise<LaunchResult> {
    const deadline = started + REPLAY_WAIT_MS;
    let current: LaunchIntent | undefined = intent;
    while (current && current.outcome === null && this.#deps.clock.now().getTime() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      current = await this.#deps.intents.findByTokenHash(intent.tokenHash);
    }
    const withinWindow =
      this.#deps.clock.now().getTime() - (current?.usedAt?.getTime() ?? 0) <=
      this.#deps.settings.duplicateWindowSeconds * 1000;
    const sameSession = request.session?.id === intent.actor.sessionId;
    if (current?.outcome === "launched" && withinWindow && sameSession)
      return { url: deepLinkFor(this.#deps.settings.template, intent), ref: intent.ref, replay: true };
    return this.#refuse(request, intent, "launch_id", launchErrors.unknown_launch, started);
  }

  /**
   * An id never issued, presented by nobody signed in: nothing links it to a user or a patient, so
   * it is counted (one record per period) rather than recorded alone, and still refused.
   */
  #anonymous(request: LaunchRequest): never {
    this.#deps.anonymousRefusals.count({
      channel: "launch",
      outcome: blockedOutcome("unknown_launch"),
      code: launchErrors.unknown_launch.code,
      correlationId: request.correlationId,
    });
    throw new StepFailed("launch_id", new AppError(launchErrors.unknown_launch));
  }

  async #refuse(
    request: LaunchRequest,
    intent: LaunchIntent | null,
    step: string,
    definition: (typeof launchErrors)[LaunchBlockReason],
    started: number,
  ): Promise<never> {
    return this.#blocked(request, intent, new StepFailed(step, new AppError(definition)), started);
  }

  /** Records the refusal (with the owner's launch outcome, when given, in the same commit) and throws it. */
  async #blocked(
    request: LaunchRequest,
    intent: LaunchIntent | null,
    error: StepFailed,
    started: number,
    outcome?: AtomicWrite,
  ): Promise<never> {
    const base = intent
      ? this.#eventBase(request, intent)
      : launchEventBase(
          request.correlationId,
          request.session ? launchActorOf(request.session) : null,
          null,
          null,
          request.client,
        );
    await this.#deps.events.emit(
      "launch.blocked",
      {
        ...base,
        outcome: blockedOutcome(reasonOf(error)),
        step: error.step,
        durationMs: this.#deps.clock.now().getTime() - started,
      },
      outcome,
    );
    throw error;
  }

  /**
   * The fields of a record about this launch id. A signed-in user other than its owner who
   * presents it is recorded as themselves, never as the owner; without a session, the attempt is
   * recorded against the owner's launch (most often the owner, back after their session ended).
   */
  #eventBase(request: LaunchRequest, intent: LaunchIntent): LaunchEventBase {
    const someoneElse = request.session && request.session.id !== intent.actor.sessionId;
    const actor = someoneElse ? launchActorOf(request.session as Session) : intent.actor;
    return launchEventBase(request.correlationId, actor, intent, intent.ref, request.client);
  }
}

/** Who is launching, as recorded with each launch. */
function launchActorOf(session: Session): LaunchActor {
  return { ...actorOf(session), deviceProfile: session.deviceProfile };
}
