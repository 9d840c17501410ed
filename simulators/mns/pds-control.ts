/**
 * Client for the PDS simulator's control API. MNS only announces changes that have happened on
 * PDS, so every event first makes its change there; the change's answer carries the record's new
 * `meta.versionId`, which the event then reports.
 */
import { z } from "zod";
import { ControlError } from "./control-error.ts";

/** The demographic change body `PATCH /_sim/patients/{nhs}` accepts (validated by PDS). */
export type PdsChange = Record<string, unknown>;

export interface PdsRecord {
  nhsNumber: string;
  status: "active" | "superseded" | "invalidated";
  survivor?: string;
  /** `meta.versionId` of the stored record. */
  versionId: string;
}

/** PDS refused a change or a read (status is PDS's, or 502 when PDS could not be reached). */
export class PdsControlError extends ControlError {}

const recordShape = z.looseObject({
  nhsNumber: z.string(),
  status: z.enum(["active", "superseded", "invalidated"]),
  survivor: z.string().optional(),
  patient: z.looseObject({ meta: z.looseObject({ versionId: z.string() }) }),
});

function toRecord(body: unknown): PdsRecord {
  const parsed = recordShape.parse(body);
  const record: PdsRecord = {
    nhsNumber: parsed.nhsNumber,
    status: parsed.status,
    versionId: parsed.patient.meta.versionId,
  };
  if (parsed.survivor !== undefined) record.survivor = parsed.survivor;
  return record;
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; details?: unknown };
    return [body.error, body.details].filter((part) => typeof part === "string").join(": ") || text;
  } catch {
    return text;
  }
}

/** Talks to `{pdsOrigin}/_sim/patients/…`. */
export class PdsControl {
  readonly #origin: string;

  constructor(origin: string) {
    this.#origin = origin.replace(/\/+$/, "");
  }

  /** The stored record whatever its state, or undefined when PDS holds no such number. */
  async get(nhsNumber: string): Promise<PdsRecord | undefined> {
    const response = await this.#call("GET", nhsNumber, "");
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    return this.#record(response, nhsNumber);
  }

  /** Applies a demographic change; PDS bumps the version. */
  async patch(nhsNumber: string, change: PdsChange): Promise<PdsRecord> {
    return this.#record(await this.#call("PATCH", nhsNumber, "", change), nhsNumber);
  }

  /** Merges `nhsNumber` into `survivor`. */
  async supersede(nhsNumber: string, survivor: string): Promise<PdsRecord> {
    return this.#record(await this.#call("POST", nhsNumber, "/supersede", { survivor }), nhsNumber);
  }

  /** Invalidates `nhsNumber`. */
  async invalidate(nhsNumber: string): Promise<PdsRecord> {
    return this.#record(await this.#call("POST", nhsNumber, "/invalidate"), nhsNumber);
  }

  async #call(method: string, nhsNumber: string, suffix: string, body?: unknown): Promise<Response> {
    const url = `${this.#origin}/_sim/patients/${encodeURIComponent(nhsNumber)}${suffix}`;
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json" };
    }
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new PdsControlError(502, `PDS simulator unreachable at ${this.#origin}: ${String(error)}`);
    }
  }

  async #record(response: Response, nhsNumber: string): Promise<PdsRecord> {
    if (!response.ok) {
      throw new PdsControlError(response.status, `PDS refused ${nhsNumber}: ${await errorText(response)}`);
    }
    return toRecord(await response.json());
  }
}
