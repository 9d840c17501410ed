/**
 * Starts what a simulator test needs, all on port 0 and over real HTTP: the PDS simulator (whose
 * control API the MNS simulator changes), a receiver standing in for the product's intake, and
 * the MNS simulator delivering to it.
 */
import { type PdsSimulator, startPdsSimulator } from "../../pds/server.ts";
import { type MnsSimulator, type MnsSimulatorOptions, startMnsSimulator } from "../server.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

export const TEST_SECRET = "test-shared-secret";

export interface Harness {
  pds: PdsSimulator;
  mns: MnsSimulator;
  receiver: Receiver;
  /** Calls the MNS control API; answers status and parsed JSON. */
  control(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Calls the PDS control API. */
  pdsControl(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Resets both simulators and the receiver between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function call(origin: string, method: string, path: string, body?: unknown) {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const response = await fetch(`${origin}/_sim${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Starts PDS, a receiver and MNS; retries wait 1 ms so failure tests stay quick. */
export async function startHarness(options: Partial<MnsSimulatorOptions> = {}): Promise<Harness> {
  const pds = await startPdsSimulator({ port: 0, rateLimitPerSecond: 0 });
  const receiver = await startReceiver();
  const mns = await startMnsSimulator({
    port: 0,
    endpoint: receiver.url,
    secret: TEST_SECRET,
    pdsOrigin: pds.origin,
    retryDelayMs: 1,
    ...options,
  });
  return {
    pds,
    mns,
    receiver,
    control: (method, path, body) => call(mns.origin, method, path, body),
    pdsControl: (method, path, body) => call(pds.origin, method, path, body),
    async reset() {
      await call(mns.origin, "POST", "/reset");
      await call(pds.origin, "POST", "/reset");
      receiver.clear();
    },
    async close() {
      await mns.close();
      await receiver.close();
      await pds.close();
    },
  };
}

/** The stored `meta.versionId` of a patient at PDS. */
export async function pdsVersion(harness: Harness, nhsNumber: string): Promise<number> {
  const { body } = await harness.pdsControl("GET", `/patients/${nhsNumber}`);
  const patient = body["patient"] as { meta?: { versionId?: string } } | undefined;
  return Number(patient?.meta?.versionId);
}
