/**
 * The simulated MNS subscription API over real HTTP, behind the simulated API platform (mounted on
 * the PDS simulator, as INT serves both from one host): each refusal MNS documents, and the
 * subscriptions of one application kept from another.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  assertion,
  clientCredentials,
  postToken,
  startTestApplication,
  type TestApplication,
} from "../../apim/test-support.ts";
import { type PdsSimulator, startPdsSimulator } from "../../pds/server.ts";
import { type MnsSimulator, startMnsSimulator } from "../server.ts";
import { SUBSCRIPTIONS_PATH } from "./subscription-api.ts";

const MESH = "mesh://X26ABC1?workflow_id=NCRS_CONNECT_MNS";

function body(eventType: string, overrides: Record<string, unknown> = {}, channel: object = {}) {
  return {
    resourceType: "Subscription",
    status: "requested",
    reason: "NCRS Connect: re-read PDS on change",
    criteria: `eventType=${eventType}`,
    channel: { type: "message", endpoint: MESH, payload: "application/fhir+json", ...channel },
    ...overrides,
  };
}

describe("MNS simulator: subscription API", () => {
  let app: TestApplication;
  let other: TestApplication;
  let pds: PdsSimulator;
  let mns: MnsSimulator;
  let base: string;
  const tokens = new Map<string, string>();

  async function tokenOf(application: TestApplication): Promise<string> {
    const cached = tokens.get(application.apiKey);
    if (cached) return cached;
    const tokenUrl = pds.tokenUrl ?? "";
    const answer = await postToken(tokenUrl, clientCredentials(await assertion(application, tokenUrl)));
    expect(answer.status).toBe(200);
    tokens.set(application.apiKey, answer.body["access_token"] as string);
    return answer.body["access_token"] as string;
  }

  async function call(method: string, path = "", payload?: unknown, who: TestApplication | null = app) {
    const headers: Record<string, string> = { "x-correlation-id": randomUUID() };
    if (who) headers["authorization"] = `Bearer ${await tokenOf(who)}`;
    if (payload !== undefined) headers["content-type"] = "application/fhir+json";
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    [app, other] = await Promise.all([startTestApplication(), startTestApplication()]);
    pds = await startPdsSimulator({
      port: 0,
      rateLimitPerSecond: 0,
      platform: { applications: [app, other].map((a) => ({ apiKey: a.apiKey, jwksUrl: a.jwksUrl })) },
    });
    mns = await startMnsSimulator({
      port: 0,
      endpoint: "http://127.0.0.1:9/unused",
      secret: "unused",
      pdsOrigin: pds.origin,
      subscriptions: {
        bearer: (token) => pds.platform?.holderOf(token) ?? { state: "unknown", apiKey: null },
        approvals: [
          { apiKey: app.apiKey, eventTypes: ["pds-change-of-gp-2", "pds-death-notification-2"] },
          { apiKey: other.apiKey, eventTypes: ["pds-change-of-gp-2"] },
        ],
        pageSize: 2,
      },
    });
    base = `${mns.origin}${SUBSCRIPTIONS_PATH}`;
  });
  afterAll(async () => {
    await mns?.close();
    await pds?.close();
    await Promise.all([app?.close(), other?.close()]);
  });
  beforeEach(async () => {
    await fetch(`${mns.origin}/_sim/subscriptions/reset`, { method: "POST" });
  });

  it("creates a subscription (201 with its id), reads it back as an active FHIR Subscription, and deletes it (204, then 404)", async () => {
    const created = await call("POST", "", body("pds-change-of-gp-2"));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const read = await call("GET", `/${id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get("content-type")).toMatch(/application\/fhir\+json/);
    expect(read.body).toMatchObject({
      resourceType: "Subscription",
      id,
      status: "active",
      criteria: "eventType=pds-change-of-gp-2",
      channel: { type: "message", endpoint: MESH, payload: "application/fhir+json" },
    });
    expect((await call("DELETE", `/${id}`)).status).toBe(204);
    expect(await call("GET", `/${id}`)).toMatchObject({ status: 404, body: { errors: "Not found" } });
    expect((await call("DELETE", `/${id}`)).status).toBe(404);
  });

  it("answers 401 in the API platform's fault shape without a token, with one never issued, and with an expired one", async () => {
    const none = await call("GET", "", undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.fault.detail.errorcode).toBe("oauth.v2.MissingAccessToken");
    const forged = await fetch(base, {
      headers: { authorization: "Bearer not-a-token-the-platform-issued", "x-correlation-id": randomUUID() },
    });
    expect(forged.status).toBe(401);
    expect(
      ((await forged.json()) as { fault: { detail: { errorcode: string } } }).fault.detail.errorcode,
    ).toBe("oauth.v2.InvalidAccessToken");
    await fetch(`${pds.origin}/_sim/apim/expire-tokens`, { method: "POST" });
    const expired = await call("POST", "", body("pds-change-of-gp-2"));
    tokens.clear();
    expect(expired.status).toBe(401);
    expect(expired.body.fault.detail.errorcode).toBe("keymanagement.service.access_token_expired");
    expect((await call("GET", "")).status).toBe(200);
  });

  it("answers 403 when the publisher has not approved the application for the event type, and 201 once approved", async () => {
    const refused = await call("POST", "", body("nhs-number-change-2"));
    expect(refused).toMatchObject({ status: 403, body: { errors: "Unauthorised" } });
    const approval = { apiKey: app.apiKey, eventTypes: ["pds-change-of-gp-2", "nhs-number-change-2"] };
    await fetch(`${mns.origin}/_sim/subscriptions/approvals`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(approval),
    });
    expect((await call("POST", "", body("nhs-number-change-2"))).status).toBe(201);
  });

  it("answers 403 to every call of an application MNS has not onboarded", async () => {
    await fetch(`${mns.origin}/_sim/subscriptions/approvals/${other.apiKey}`, { method: "DELETE" });
    expect(await call("GET", "", undefined, other)).toMatchObject({
      status: 403,
      body: { errors: "Unauthorised" },
    });
    expect((await call("POST", "", body("pds-change-of-gp-2"), other)).status).toBe(403);
    expect((await call("GET", "")).status).toBe(200);
  });

  it("answers 409 for a duplicate, naming the subscription that already exists", async () => {
    const first = await call("POST", "", body("pds-change-of-gp-2"));
    const again = await call("POST", "", body("pds-change-of-gp-2"));
    expect(again.status).toBe(409);
    expect(again.body.errors).toBe(`A matching MESH subscription already exists with id: ${first.body.id}`);
    const queue = { endpoint: "arn:aws:sqs:eu-west-2:123456789012:events" };
    expect((await call("POST", "", body("pds-change-of-gp-2", {}, queue))).status).toBe(201);
    const sameQueue = await call("POST", "", body("pds-change-of-gp-2", {}, queue), other);
    expect(sameQueue.status).toBe(409);
    expect(sameQueue.body.errors).toMatch(/^A matching SQS subscription already exists with id: /);
  });

  it.each([
    ["resourceType", { resourceType: "Patient" }, {}],
    ["status", { status: "active" }, {}],
    ["reason", { reason: undefined }, {}],
    ["criteria", { criteria: "type=pds-change-of-gp-2" }, {}],
    ["criteria", { criteria: "eventType=pds-change-of-address-1" }, {}],
    ["channel.type", {}, { type: "rest-hook" }],
    ["channel.endpoint", {}, { endpoint: "X26ABC1" }],
    ["channel.endpoint", {}, { endpoint: "arn:aws:sqs:us-east-1:123456789012:events" }],
    ["channel.payload", {}, { payload: "application/json+fhir" }],
    ["channel.payload", {}, { payload: "application/json" }],
  ])("answers 400 naming %s for an invalid body (%j %j)", async (field, overrides, channel) => {
    const refused = await call("POST", "", body("pds-change-of-gp-2", overrides, channel));
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.validationErrors)).toContain(field);
    expect((await fetch(`${mns.origin}/_sim/subscriptions`).then((r) => r.json())).subscriptions).toEqual([]);
  });

  it("requires an X-Correlation-ID and echoes it back", async () => {
    const token = await tokenOf(app);
    const without = await fetch(base, { headers: { authorization: `Bearer ${token}` } });
    expect(without.status).toBe(400);
    const id = randomUUID();
    const echoed = await fetch(base, {
      headers: { authorization: `Bearer ${token}`, "x-correlation-id": id },
    });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get("x-correlation-id")).toBe(id);
  });

  it("searches only the calling application's subscriptions, as a searchset Bundle paged with continue_from", async () => {
    const criteria = [
      "eventType=pds-change-of-gp-2",
      "eventType='pds-change-of-gp-2' AND generalpractitioner='Y91001'",
    ];
    const ids: string[] = [];
    for (const c of criteria)
      ids.push((await call("POST", "", body("pds-change-of-gp-2", { criteria: c }))).body.id);
    ids.push((await call("POST", "", body("pds-death-notification-2"))).body.id);
    await call("POST", "", body("pds-change-of-gp-2"), other);
    const first = await call("GET", "");
    expect(first.body).toMatchObject({ resourceType: "Bundle", type: "searchset" });
    expect(first.body.entry.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2));
    const next = first.body.link.find((l: { relation: string }) => l.relation === "next").url as string;
    const second = await call("GET", next.slice(base.length));
    expect(second.body.entry.map((s: { id: string }) => s.id)).toEqual(ids.slice(2));
    expect(second.body.link.some((l: { relation: string }) => l.relation === "next")).toBe(false);
    expect((await call("GET", "?continue_from=nonsense")).status).toBe(400);
    expect((await call("GET", `/${ids[0]}`, undefined, other)).status).toBe(404);
    expect((await call("DELETE", `/${ids[0]}`, undefined, other)).status).toBe(404);
    expect((await call("GET", "/not-a-uuid")).status).toBe(400);
  });
});
