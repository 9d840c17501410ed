/**
 * NCRS Connect as a confidential SMART app (SMART App Launch 2.x, EHR launch; docs/adr/0018). An
 * EHR opens `/smart/launch?iss&launch`: only a registered `iss` is followed (an unknown one is
 * never fetched), and the browser goes to the EHR's authorization endpoint with PKCE S256, `aud`
 * and a fresh `state` kept sealed for this browser. The EHR's answer comes back with that state
 * (single use); the code is traded for a token, the patient (and encounter, and the EHR's user) are
 * read with it, and the token is dropped. What was read waits, sealed, for the user to be signed in
 * to NCRS Connect; then an EHR user other than the signed-in one is refused (the shared-workstation
 * hazard), and the patient is handed over like any other system's (source `smart`). Every refusal
 * is recorded as `smart_launch.refused`, or counted when nobody and no EHR can be named for it.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Session } from "../identity/identity.types.ts";
import { actorOf } from "../identity/session.service.ts";
import { readFhirPatient } from "../patients/fhir-patient.ts";
import { handoverErrors } from "../patients/handover.errors.ts";
import type { PatientHandoverService } from "../patients/patient-handover.service.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError, type ErrorDefinition } from "../platform/errors.ts";
import { platformErrors } from "../platform/platform.errors.ts";
import { randomToken } from "../platform/secrets.ts";
import type { AnonymousRefusals, PendingLaunchStore, Sealer } from "./context-launch.ports.ts";
import type { Continued } from "./context-launch.service.ts";
import { type SmartLaunchProblem, smartLaunchErrors } from "./smart-launch.errors.ts";
import type { SmartLaunchRefused } from "./smart-launch.events.ts";
import type { SmartEhr, SmartEhrClient } from "./smart-launch.ports.ts";
import { type LaunchedContext, readLaunchedContext } from "./smart-launch-context.ts";
import { requestedScopes } from "./smart-scopes.ts";

export interface SmartLaunchDeps {
  readonly ehrs: readonly SmartEhr[];
  readonly client: SmartEhrClient;
  /** States waiting for the EHR's answer and launches waiting for sign-in, sealed, by digest. */
  readonly pending: PendingLaunchStore;
  readonly sealer: Sealer;
  readonly handover: PatientHandoverService;
  readonly anonymous: AnonymousRefusals;
  readonly events: Events;
  readonly clock: Clock;
  /** How long a state, and then a read launch, may wait. */
  readonly waitSeconds: number;
}

export interface SmartArrival {
  readonly session: Session | null;
  /** The browser's own random binding (a cookie): only it can carry the launch on. */
  readonly browser: string;
  readonly address: string;
  readonly correlationId: string;
}

interface KeptState {
  readonly ehrId: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly scopes: readonly string[];
}

interface KeptLaunch extends LaunchedContext {
  readonly ehrId: string;
}

type Step = SmartLaunchRefused["step"];
const CHANNEL = "smart_launch";
const MAX_PARAMETER = 2048;
const digest = (kind: string, id: string) => createHash("sha256").update(`${kind}\n${id}`).digest("hex");
const base64url = (bytes: Buffer) => bytes.toString("base64url");

export class SmartLaunchService {
  readonly #deps: SmartLaunchDeps;
  readonly #byIss: ReadonlyMap<string, SmartEhr>;

  constructor(deps: SmartLaunchDeps) {
    this.#deps = deps;
    this.#byIss = new Map(deps.ehrs.map((ehr) => [ehr.iss, ehr]));
  }

  /** The EHR's launch: where to send the browser to be authorized. Throws refusals. */
  async begin(arrival: SmartArrival, iss: unknown, launch: unknown): Promise<URL> {
    if (!isParameter(iss) || !isParameter(launch))
      return this.#refuse(arrival, "launch", "missing_parameters", null);
    const ehr = this.#byIss.get(iss.replace(/\/+$/, ""));
    if (!ehr) return this.#refuse(arrival, "launch", "unknown_ehr", null);
    const state = randomToken();
    const codeVerifier = randomToken();
    const nonce = randomToken();
    const scopes = requestedScopes({ encounter: ehr.encounter });
    const url = await this.#deps.client.authorizationUrl(ehr, {
      launch,
      scopes,
      state,
      nonce,
      codeChallenge: base64url(createHash("sha256").update(codeVerifier).digest()),
    });
    if (!url.ok) return this.#refuse(arrival, "launch", url.problem, ehr);
    const kept: KeptState = { ehrId: ehr.id, codeVerifier, nonce, scopes };
    await this.#keep("state", state, arrival.browser, kept);
    return url.value;
  }

  /** The EHR's authorization answer: reads the launch's patient and keeps it for its user. */
  async callback(arrival: SmartArrival, answer: URLSearchParams): Promise<{ readonly id: string }> {
    const state = answer.get("state");
    const kept = state ? await this.#take<KeptState>("state", state, arrival.browser) : undefined;
    const ehr = kept ? this.#deps.ehrs.find((e) => e.id === kept.ehrId) : undefined;
    if (!kept || !ehr || !state) return this.#refuse(arrival, "callback", "unknown_state", null);
    const error = answer.get("error");
    if (error !== null)
      return this.#refuse(
        arrival,
        "callback",
        error === "access_denied" ? "access_denied" : "authorize_error",
        ehr,
        error,
      );
    const grant = await this.#deps.client.exchange(ehr, answer, {
      state,
      codeVerifier: kept.codeVerifier,
      nonce: kept.nonce,
    });
    if (!grant.ok) return this.#refuse(arrival, "callback", grant.problem, ehr, grant.ehrError);
    const context = await readLaunchedContext(this.#deps.client, ehr, grant.value, kept.scopes);
    if (!context.ok) return this.#refuse(arrival, "callback", context.problem, ehr);
    const reading = readFhirPatient(context.value.patient);
    if (!reading.ok) return this.#refuse(arrival, "callback", handoverErrors[reading.problem], ehr);
    const id = randomUUID();
    await this.#keep("launch", id, arrival.browser, { ...context.value, ehrId: ehr.id } satisfies KeptLaunch);
    return { id };
  }

  /** Carries a read launch on for the signed-in user. Throws refusals (the hand-over's too). */
  async continue(id: string, browser: string, session: Session, correlationId: string): Promise<Continued> {
    const arrival = { session, browser, address: "", correlationId };
    const kept = await this.#find<KeptLaunch>("launch", id, browser);
    const ehr = kept ? this.#deps.ehrs.find((e) => e.id === kept.ehrId) : undefined;
    if (!kept || !ehr) return this.#refuse(arrival, "continue", "unknown_launch", null);
    if (kept.userId !== null && kept.userId !== session.user.id) {
      await this.#record(arrival, "continue", smartLaunchErrors.other_user, ehr, null);
      return { kind: "other_user" };
    }
    if (!(await this.#deps.pending.claim(digest("launch", id))))
      return this.#refuse(arrival, "continue", "unknown_launch", ehr);
    const answer = await this.#deps.handover.receive(session, {
      patient: kept.patient,
      encounter: kept.encounter,
      windowId: `smart.${id}`,
      clientId: ehr.id,
      source: "smart",
      idempotencyKey: null,
      correlationId,
    });
    return {
      kind: "handed_over",
      contextId: answer.contextId,
      checkId: answer.checkId,
      mustConfirm: answer.mustConfirm,
    };
  }

  async #keep(kind: string, id: string, browser: string, value: object): Promise<void> {
    const now = this.#deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.#deps.waitSeconds * 1000);
    const sealed = this.#deps.sealer.seal(JSON.stringify(value), `${kind}\n${browser}`, expiresAt);
    await this.#deps.pending.save(digest(kind, id), sealed, now, expiresAt);
  }

  async #find<T>(kind: string, id: string, browser: string): Promise<T | undefined> {
    if (id.length > MAX_PARAMETER) return undefined;
    const now = this.#deps.clock.now();
    const sealed = await this.#deps.pending.find(digest(kind, id), now);
    const opened =
      sealed === undefined ? undefined : this.#deps.sealer.open(sealed, `${kind}\n${browser}`, now);
    return opened === undefined ? undefined : (JSON.parse(opened) as T);
  }

  /** Finds and removes: a state answers one authorization response, once, in its own browser. */
  async #take<T>(kind: string, id: string, browser: string): Promise<T | undefined> {
    const found = await this.#find<T>(kind, id, browser);
    if (found === undefined || !(await this.#deps.pending.claim(digest(kind, id)))) return undefined;
    return found;
  }

  async #refuse(
    arrival: SmartArrival,
    step: Step,
    problem: SmartLaunchProblem | ErrorDefinition,
    ehr: SmartEhr | null,
    said: string | null = null,
  ): Promise<never> {
    const error = typeof problem === "string" ? smartLaunchErrors[problem] : problem;
    // The EHR's error code, only when it is one (RFC 6749 codes are short ASCII words).
    const ehrError =
      said !== null && /^[A-Za-z0-9_.-]{1,64}$/.test(said) ? said : said === null ? null : "unreadable";
    if (!arrival.session && !ehr) {
      if (!this.#deps.anonymous.allow(arrival.address)) throw new AppError(platformErrors.rate_limited);
      this.#deps.anonymous.count({
        channel: CHANNEL,
        outcome: "smart_launch.refused",
        code: error.code,
        correlationId: arrival.correlationId,
      });
    } else await this.#record(arrival, step, error, ehr, ehrError);
    throw new AppError(error, ehrError ? { details: { ehrError } } : {});
  }

  async #record(
    arrival: SmartArrival,
    step: Step,
    error: ErrorDefinition,
    ehr: SmartEhr | null,
    ehrError: string | null,
  ): Promise<void> {
    await this.#deps.events.emit("smart_launch.refused", {
      correlationId: arrival.correlationId,
      by: arrival.session ? actorOf(arrival.session) : null,
      ehrId: ehr?.id ?? null,
      code: error.code,
      step,
      ehrError,
    });
  }
}

function isParameter(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_PARAMETER;
}
