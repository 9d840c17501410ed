/**
 * Helpers shared by the simulator's tests: start a simulator on port 0 and talk to it over real
 * HTTP, as the app will.
 */
import { randomUUID } from "node:crypto";
import { type PdsSimulator, type PdsSimulatorOptions, startPdsSimulator } from "./server.ts";

/** Starts a simulator with the rate limit off unless a test asks for it, so ordinary tests never trip it. */
export function startTestSimulator(options: Partial<PdsSimulatorOptions> = {}): Promise<PdsSimulator> {
  return startPdsSimulator({ port: 0, rateLimitPerSecond: 0, ...options });
}

/** Headers of a well-formed PDS request; pass `requestId` to model a retry of the same request. */
export function pdsHeaders(
  requestId: string = randomUUID(),
  extra: Record<string, string> = {},
): Record<string, string> {
  return { "X-Request-ID": requestId, accept: "application/fhir+json", ...extra };
}

/** `GET /Patient/{nhsNumber}` with the given headers (a fresh request id by default). */
export function readPatient(
  sim: PdsSimulator,
  nhsNumber: string,
  headers: Record<string, string> = pdsHeaders(),
): Promise<Response> {
  return fetch(`${sim.baseUrl}/Patient/${nhsNumber}`, { headers });
}

/** `GET /Patient?…` with the given query and headers. */
export function searchPatients(
  sim: PdsSimulator,
  query: string,
  headers: Record<string, string> = pdsHeaders(),
): Promise<Response> {
  return fetch(`${sim.baseUrl}/Patient?${query}`, { headers });
}

/** Calls the control API and returns status and parsed JSON body. */
export async function control(
  sim: PdsSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const response = await fetch(`${sim.origin}/_sim${path}`, init);
  return { status: response.status, body: await response.json() };
}

/** The Spine error code of an OperationOutcome response body. */
export async function spineCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { issue?: { details?: { coding?: { code?: string }[] } }[] };
  return body.issue?.[0]?.details?.coding?.[0]?.code;
}
