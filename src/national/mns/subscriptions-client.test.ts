/**
 * The MNS subscriptions client over real HTTP against the MNS simulator's subscription API, behind
 * the simulated API platform (its tokens from our signed JWTs): create, list across pages,
 * duplicates, delete, and each refusal in our catalogue.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MnsSimulator, startMnsSimulator } from "../../../simulators/mns/server.ts";
import { AppError } from "../../platform/errors.ts";
import {
  type PlatformHarness,
  startPlatformHarness,
  TEST_API_KEY,
} from "../apim/platform-simulator.test-support.ts";
import { MnsSubscriptionsClient } from "./subscriptions-client.ts";

const DESTINATION = { mailboxId: "x26abc1", workflowId: "NCRS_CONNECT_MNS" };
const APPROVED = ["pds-change-of-gp-2", "pds-death-notification-2", "pds-record-change-2"];

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("MNS subscriptions client", () => {
  let platform: PlatformHarness;
  let mns: MnsSimulator;
  let baseUrl: string;
  const client = (base = baseUrl) =>
    new MnsSubscriptionsClient({ baseUrl: base, tokens: platform.tokens(), timeoutMs: 2000 });

  beforeAll(async () => {
    platform = await startPlatformHarness();
    mns = await startMnsSimulator({
      port: 0,
      endpoint: "http://127.0.0.1:9/unused",
      secret: "unused",
      pdsOrigin: platform.pds.origin,
      subscriptions: {
        bearer: (token) => platform.pds.platform?.holderOf(token) ?? { state: "unknown", apiKey: null },
        approvals: [{ apiKey: TEST_API_KEY, eventTypes: APPROVED }],
        pageSize: 2,
      },
    });
    baseUrl = `${mns.origin}/multicast-notification-service`;
  });
  afterAll(async () => {
    await mns?.close();
    await platform?.close();
  });
  beforeEach(async () => {
    await fetch(`${mns.origin}/_sim/subscriptions/reset`, { method: "POST" });
    await platform.apim("POST", "/reset");
  });

  it("creates one FHIR Subscription per event type to our MESH mailbox, and lists them all across pages", async () => {
    const mns = client();
    const created = [];
    for (const type of APPROVED) created.push(await mns.create(type, DESTINATION));
    expect(created.every((c) => c.kind === "created")).toBe(true);
    const listed = await mns.list();
    expect(listed.map((s) => s.id)).toEqual(created.map((c) => c.id));
    expect(listed.map((s) => s.eventType)).toEqual(APPROVED);
    for (const s of listed) {
      expect(s.endpoint).toBe("mesh://X26ABC1?workflow_id=NCRS_CONNECT_MNS");
      expect(s.payload).toBe("application/fhir+json");
      expect(s.status).toBe("active");
    }
  });

  it("reports a duplicate (MNS's 409) as existing, with the id MNS names, rather than making a second", async () => {
    const first = await client().create("pds-change-of-gp-2", DESTINATION);
    const again = await client().create("pds-change-of-gp-2", DESTINATION);
    expect(again).toEqual({ kind: "exists", id: first.kind === "created" ? first.id : "" });
    expect(await client().list()).toHaveLength(1);
  });

  it("deletes a subscription by id, and says so when MNS has no such subscription", async () => {
    const created = await client().create("pds-change-of-gp-2", DESTINATION);
    const id = created.id ?? "";
    expect(await client().delete(id)).toBe("deleted");
    expect(await client().list()).toEqual([]);
    expect(await client().delete(id)).toBe("not_found");
  });

  it("refuses with mns.not_approved when the publisher has not approved the event type (403)", async () => {
    expect(await refusal(client().create("nhs-number-change-2", DESTINATION))).toBe("mns.not_approved");
  });

  it("refuses with mns.invalid_subscription naming the fields MNS refused (400)", async () => {
    const bad = client().create("pds-change-of-gp-2", { mailboxId: "X26ABC1", workflowId: "has space" });
    try {
      await bad;
      throw new Error("expected a refusal");
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("mns.invalid_subscription");
      expect((error as AppError).details).toEqual({ fields: ["channel.endpoint"] });
    }
  });

  it("after a 401 tries once more with a fresh token, then refuses with mns.unauthorised", async () => {
    await platform.apim("PUT", "/scenario", { scenario: "refuse-access-tokens" });
    expect(await refusal(client().list())).toBe("mns.unauthorised");
    const grants = (await platform.tokenRequests()).filter((r) => r.status === 200);
    expect(grants).toHaveLength(2);
  });

  it("refuses with mns.unreachable when nothing answers, and mns.bad_response at a wrong base path", async () => {
    expect(await refusal(client("http://127.0.0.1:9/multicast-notification-service").list())).toBe(
      "mns.unreachable",
    );
    expect(await refusal(client(`${mns.origin}/wrong-path`).list())).toBe("mns.bad_response");
  });
});
