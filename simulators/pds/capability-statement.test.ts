/** `GET /metadata`: the CapabilityStatement, behind the same gateway checks as the Patient routes. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PdsSimulator, startPdsSimulator } from "./server.ts";

describe("PDS simulator: metadata", () => {
  let open: PdsSimulator;
  let guarded: PdsSimulator;
  beforeAll(async () => {
    [open, guarded] = await Promise.all([
      startPdsSimulator({ port: 0, rateLimitPerSecond: 0 }),
      startPdsSimulator({ port: 0, rateLimitPerSecond: 0, platform: { applications: [] } }),
    ]);
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });

  it("answers a CapabilityStatement naming Patient read and search", async () => {
    const response = await fetch(`${open.baseUrl}/metadata`, { headers: { "x-request-id": randomUUID() } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/fhir\+json/);
    const body = (await response.json()) as {
      resourceType: string;
      rest: { resource: { type: string; interaction: { code: string }[] }[] }[];
    };
    expect(body.resourceType).toBe("CapabilityStatement");
    expect(body.rest[0]?.resource[0]?.interaction.map((i) => i.code)).toEqual(["read", "search-type"]);
  });

  it("asks for a request id, and behind the platform for an issued token, as the Patient routes do", async () => {
    expect((await fetch(`${open.baseUrl}/metadata`)).status).toBe(400);
    const unissued = await fetch(`${guarded.baseUrl}/metadata`, {
      headers: { "x-request-id": randomUUID(), authorization: "Bearer never_issued" },
    });
    expect(unissued.status).toBe(401);
  });
});
