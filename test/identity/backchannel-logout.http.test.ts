/**
 * CIS2 back-channel logout over real HTTP: the simulator's "remove smartcard" ends the session in
 * the app; forged, replayed and malformed logout tokens are refused with 400, unknown sessions get
 * 501, and none of them end anything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack, TEST_CLIENT_ID } from "../support/stack.ts";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack.close());

interface Cis2Session {
  sid: string;
  sub: string;
  client_ids: string[];
}

async function cis2Sessions(sub: string): Promise<Cis2Session[]> {
  const all = (await (await fetch(`${stack.cis2.baseUrl}/sim/api/sessions`)).json()) as Cis2Session[];
  return all.filter((s) => s.sub === sub);
}

async function mint(sid: string, variant = "valid", sub: string = USERS.singleRole): Promise<string> {
  const response = await fetch(`${stack.cis2.baseUrl}/sim/api/logout-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sid, sub, client_id: TEST_CLIENT_ID, variant }),
  });
  return ((await response.json()) as { logout_token: string }).logout_token;
}

async function deliver(body: string, contentType = "application/x-www-form-urlencoded") {
  const response = await fetch(`${stack.baseUrl}/auth/backchannel-logout`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return { status: response.status, body: (await response.text()) || "{}" };
}

async function signedInSid(agent: HttpAgent, user: string = USERS.singleRole): Promise<string> {
  const before = new Set((await cis2Sessions(user)).map((s) => s.sid));
  await signIn(agent, stack.baseUrl, { user });
  const session =
    (await cis2Sessions(user)).find((s) => !before.has(s.sid)) ?? (await cis2Sessions(user)).at(-1);
  if (!session) throw new Error("no CIS2 session");
  return session.sid;
}

describe("back-channel logout", () => {
  it("ends the session when the CIS2 session ends, and the open tab lands on the start page with a banner", async () => {
    const agent = new HttpAgent();
    const sid = await signedInSid(agent);
    const ended = await fetch(`${stack.cis2.baseUrl}/sim/api/sessions/end`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sid }),
    });
    const result = (await ended.json()) as { deliveries: { status: number; uri: string }[] };
    expect(result.deliveries).toEqual([
      expect.objectContaining({ status: 200, uri: `${stack.baseUrl}/auth/backchannel-logout` }),
    ]);

    const next = await agent.get(`${stack.baseUrl}/home`);
    expect(next.status).toBe(303);
    const start = await agent.follow(next);
    expect(start.url).toContain("signed_out=backchannel_logout");
    expect(start.body).toContain("Your NHS Care Identity session ended");
    expect(agent.cookie("localhost", "ncrs_session")).toBeUndefined();
  });

  it.each([
    ["bad-signature", "backchannel_logout.signature"],
    ["wrong-iss", "backchannel_logout.issuer"],
    ["wrong-aud", "backchannel_logout.audience"],
    ["missing-sid", "backchannel_logout.sid_missing"],
    ["with-nonce", "backchannel_logout.nonce_present"],
    ["missing-events", "backchannel_logout.events"],
    ["expired", "backchannel_logout.expired"],
  ])("refuses a %s logout token with 400 and leaves the session alone", async (variant, code) => {
    const agent = new HttpAgent();
    const sid = await signedInSid(agent);
    const response = await deliver(`logout_token=${await mint(sid, variant)}`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: "invalid_request", code });
    expect((await agent.get(`${stack.baseUrl}/home`)).status).toBe(200);
  });

  it("accepts a token once and refuses its replay", async () => {
    const agent = new HttpAgent();
    const token = await mint(await signedInSid(agent));
    expect((await deliver(`logout_token=${token}`)).status).toBe(200);
    const replay = await deliver(`logout_token=${token}`);
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body)).toMatchObject({ code: "backchannel_logout.replayed" });
  });

  it("answers 501 for a session it does not know", async () => {
    const response = await deliver(`logout_token=${await mint("unknown-sid")}`);
    expect(response.status).toBe(501);
    expect(JSON.parse(response.body)).toMatchObject({ code: "backchannel_logout.unknown_session" });
  });

  it.each([
    ["no body", ""],
    ["a token that is not a JWT", "logout_token=not-a-jwt"],
    ["two tokens", "logout_token=a.b.c&logout_token=d.e.f"],
  ])("refuses %s with 400", async (_name, body) => {
    const response = await deliver(body);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: "backchannel_logout.malformed" });
  });

  it("refuses an oversized body with 413 and a stable code", async () => {
    const response = await deliver(`logout_token=${"a".repeat(70_000)}`);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "request.body_too_large" } });
  });
});
