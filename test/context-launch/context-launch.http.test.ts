/**
 * The signed context launch over real HTTP on both databases, with the CIS2 and PDS simulators
 * behind: a point-of-care system's token, signed with jose by a key registered inline or served
 * from its JWKS URL, takes a signed-in user to our patient page (or its confirmation page), takes
 * a signed-out user through CIS2 sign-in and back, refuses a launch for another user, and refuses
 * every bad token with its own code, a page (never a 5xx) and an audit record. An address carries
 * only an encrypted token; neither the token nor the patient in it reaches the log.
 */
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeApiClient } from "../support/api-client.ts";
import { dialects } from "../support/databases.ts";
import { type AgentResponse, csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";
import {
  encryptTo,
  hartley,
  JwksServer,
  type LaunchOptions,
  type SigningKey,
  signingKey,
  signLaunch,
} from "./context-launch-support.ts";

const INLINE = makeApiClient("riverside-epr");
const REMOTE = makeApiClient("moorside-desktop");

describe.each(dialects)("the signed context launch (%s)", (dialect) => {
  let stack: Stack;
  let agent: HttpAgent;
  let inlineKey: SigningKey;
  let remoteKey: SigningKey;
  let jwks: JwksServer;
  let audience: string;
  const tokensSent: string[] = [];

  beforeAll(async () => {
    inlineKey = await signingKey("riverside-1");
    remoteKey = await signingKey("moorside-1", "PS256");
    jwks = await new JwksServer().start();
    jwks.keys = [remoteKey.publicJwk];
    stack = await startStack({
      dialect,
      env: {
        API_CLIENTS: JSON.stringify([
          { ...INLINE.entry, jwks: { keys: [inlineKey.publicJwk] } },
          { ...REMOTE.entry, jwksUri: jwks.url },
        ]),
        CONTEXT_LAUNCH_JWKS_COOLDOWN_SECONDS: "1",
        LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
      },
    });
    audience = `${stack.baseUrl}/context-launch`;
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
  });
  afterAll(async () => {
    await stack?.close();
    await jwks?.close();
  });

  const sign = async (options: LaunchOptions = {}, key = inlineKey, iss = INLINE.id) => {
    const token = await signLaunch(key, iss, audience, options);
    tokensSent.push(token);
    return token;
  };
  const post = (token: string, by = agent) =>
    by.postForm(`${stack.baseUrl}/context-launch`, { launch_token: token });
  const get = (token: string, by = agent) =>
    by.get(`${stack.baseUrl}/context-launch?${new URLSearchParams({ launch_token: token })}`);
  const lastRefusal = async () =>
    stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "user_id", "details"])
      .where("event_type", "=", "context_launch.refused")
      .orderBy("seq", "desc")
      .executeTakeFirst();
  const lastReceived = async () =>
    stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "details"])
      .where("event_type", "=", "patient_context.received")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();

  /** A refusal: its page (never a 5xx), its code on it, and its audit record naming the user. */
  async function expectRefused(response: AgentResponse, code: string, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.body).toContain(`data-testid="error-code">context_launch.${code}<`);
    const record = await lastRefusal();
    expect(record?.outcome).toBe("context_launch.refused");
    expect(record?.user_id).toBe(USERS.singleRole);
    expect(JSON.parse(String(record?.details)).code).toBe(`context_launch.${code}`);
    const correlationId = response.headers.get("x-correlation-id");
    expect(
      stack.logs.some((l) => l["correlationId"] === correlationId && l["code"] === `context_launch.${code}`),
    ).toBe(true);
  }

  it("a signed-in user's launch of a patient who agrees with PDS lands on our patient page, verified, audited as a signed launch", async () => {
    const arrived = await post(
      await sign({ claims: { window_id: "desk-1", encounter: { reference: "Encounter/e1" } } }),
    );
    expect(arrived.status).toBe(303);
    expect(arrived.location).toMatch(/\/context-launch\/continue\/[0-9a-f-]{36}$/);
    const continued = await agent.get(arrived.location ?? "");
    expect(continued.status).toBe(303);
    expect(continued.location).toMatch(/\/patient-context\/[A-Za-z0-9_-]+$/);
    const page = await agent.get(continued.location ?? "");
    expect(page.status).toBe(200);
    expect(page.body).toContain("HARTLEY");
    // Our page offers "Open in NCRS"; nothing opened NCRS for the user.
    expect(page.body).toContain("Open in NCRS");
    const received = await lastReceived();
    expect(received.outcome).toBe("handover.verified");
    expect(JSON.parse(String(received.details))).toMatchObject({
      handoverSource: "signed_launch",
      apiClientId: INLINE.id,
      encounter: "Encounter/e1",
    });
  });

  it("a launch whose demographics differ from PDS lands on the confirmation page", async () => {
    const token = await sign({
      claims: { patient: hartley("EPR-CL-2", { birthDate: "1984-03-15" }), window_id: "desk-2" },
    });
    const continued = await agent.get((await post(token)).location ?? "");
    expect(continued.location).toMatch(/\/patient-context\/[A-Za-z0-9_-]+\/checks\/[0-9a-f-]{36}$/);
    const confirmation = await agent.get(continued.location ?? "");
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toContain('data-testid="comparison"');
    expect((await lastReceived()).outcome).toBe("handover.needs_confirmation");
  });

  it("a signed-out user is sent through CIS2 sign-in and comes back to the patient page", async () => {
    const browser = new HttpAgent();
    const arrived = await post(await sign({ claims: { window_id: "desk-3" } }), browser);
    expect(arrived.status).toBe(303);
    const continued = await browser.get(arrived.location ?? "");
    expect(continued.status).toBe(303);
    const continuePath = new URL(arrived.location ?? "").pathname;
    expect(continued.location).toBe(
      `${stack.baseUrl}/auth/login?${new URLSearchParams({ return_to: continuePath })}`,
    );
    const page = await signIn(browser, stack.baseUrl, { user: USERS.singleRole, start: continuePath });
    expect(page.url).toMatch(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(page.body).toContain("HARTLEY");
  });

  it("a kept launch cannot be continued from another browser", async () => {
    const arrived = await post(await sign({ claims: { window_id: "desk-4" } }));
    const other = new HttpAgent();
    await signIn(other, stack.baseUrl, { user: USERS.singleRole });
    await expectRefused(await other.get(arrived.location ?? ""), "unknown_launch", 400);
  });

  it("a launch whose user hint names another user is refused, audited, and offers to sign in as the right user", async () => {
    const arrived = await post(await sign({ claims: { user_hint: USERS.multiRole, window_id: "desk-5" } }));
    const refused = await agent.get(arrived.location ?? "");
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("This launch is for another user");
    expect(refused.body).toContain("Sign in as the right user");
    const record = await lastRefusal();
    expect(JSON.parse(String(record?.details))).toMatchObject({
      code: "context_launch.other_user",
      apiClientId: INLINE.id,
    });
    expect(record?.user_id).toBe(USERS.singleRole);
    // The right user signs in on the same browser and the launch carries on for them.
    const action = /action="([^"]+switch-user)"/.exec(refused.body)?.[1] ?? "";
    const switched = await agent.postForm(`${stack.baseUrl}${action}`, { _csrf: csrfTokenIn(refused.body) });
    expect(switched.status).toBe(303);
    expect(switched.location).toContain("/auth/login?return_to=");
    const page = await signIn(agent, stack.baseUrl, {
      user: USERS.multiRole,
      role: "555000000201",
      start: new URL(switched.location ?? "").pathname + new URL(switched.location ?? "").search,
    });
    expect(page.url).toMatch(/\/patient-context\/[A-Za-z0-9_-]+$/);
    expect(page.body).toContain("HARTLEY");
    // Back to the user the other tests expect.
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
  });

  it("a GET with an encrypted token (JWE) works, and a GET with a plain signed token is refused", async () => {
    const jws = await sign({ claims: { window_id: "desk-6" } });
    const jwe = await encryptTo(stack.baseUrl, jws);
    tokensSent.push(jwe);
    const arrived = await get(jwe);
    expect(arrived.status).toBe(303);
    expect(arrived.headers.get("referrer-policy")).toBe("no-referrer");
    const page = await agent.follow(await agent.get(arrived.location ?? ""));
    expect(page.body).toContain("HARTLEY");
    await expectRefused(await get(await sign()), "encryption_required", 400);
  });

  it("a POST with the encrypted token works too", async () => {
    const jwe = await encryptTo(stack.baseUrl, await sign({ claims: { window_id: "desk-7" } }));
    const arrived = await post(jwe);
    expect(arrived.status).toBe(303);
    expect((await agent.get(arrived.location ?? "")).location).toMatch(/\/patient-context\//);
  });

  it("a JWE not encrypted to our key is refused", async () => {
    const { publicKey } = await generateKeyPair("ECDH-ES+A256KW");
    const { CompactEncrypt } = await import("jose");
    const jwe = await new CompactEncrypt(new TextEncoder().encode(await sign()))
      .setProtectedHeader({ alg: "ECDH-ES+A256KW", enc: "A256GCM", cty: "JWT", kid: "not-ours" })
      .encrypt(publicKey);
    await expectRefused(await get(jwe), "bad_encryption", 400);
  });

  it("an expired launch is refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await post(await sign({ iat: now - 400, exp: now - 100 })), "expired", 401);
  });

  it("a launch used twice is refused as replayed", async () => {
    const token = await sign({ claims: { window_id: "desk-8" } });
    expect((await post(token)).status).toBe(303);
    await expectRefused(await post(token), "replayed", 401);
  });

  it("a launch for another audience is refused", async () => {
    await expectRefused(
      await post(await sign({ claims: { aud: "https://elsewhere.example/context-launch" } })),
      "wrong_audience",
      401,
    );
  });

  it("a launch from an unknown client is refused", async () => {
    await expectRefused(await post(await sign({}, inlineKey, "nobody-we-know")), "unknown_client", 401);
  });

  it("a launch signed with a key its client never registered is refused", async () => {
    const stranger = await signingKey("riverside-unknown");
    await expectRefused(await post(await sign({}, stranger)), "unknown_key", 401);
  });

  it("a launch with a bad signature is refused", async () => {
    const impostor = { ...(await signingKey("x")), kid: inlineKey.kid };
    await expectRefused(await post(await sign({}, impostor)), "bad_signature", 401);
  });

  it("a launch signed with an HMAC or with no signature (alg none) is refused as alg not allowed", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: INLINE.id,
      aud: audience,
      iat: now,
      exp: now + 60,
      jti: "j-hs",
      patient: hartley("X"),
    };
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: inlineKey.kid })
      .sign(new TextEncoder().encode("a shared secret of thirty-two bytes!"));
    await expectRefused(await post(hs), "alg_not_allowed", 400);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const none = `${b64({ alg: "none", kid: inlineKey.kid })}.${b64({ ...claims, jti: "j-none" })}.`;
    await expectRefused(await post(none), "alg_not_allowed", 400);
  });

  it("a launch whose header has no kid is refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: INLINE.id,
      aud: audience,
      iat: now,
      exp: now + 60,
      jti: "j-nokid",
    })
      .setProtectedHeader({ alg: "ES256" })
      .sign(inlineKey.privateKey);
    await expectRefused(await post(token), "kid_missing", 400);
  });

  it("a launch that would last more than 300 seconds is refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await post(await sign({ iat: now, exp: now + 301 })), "lifetime_too_long", 401);
  });

  it("a launch without iat is refused", async () => {
    await expectRefused(await post(await sign({ without: ["iat"] })), "missing_times", 401);
  });

  it("a launch without a jti is refused", async () => {
    await expectRefused(await post(await sign({ without: ["jti"] })), "jti_missing", 401);
  });

  it("a launch without a patient is refused", async () => {
    await expectRefused(await post(await sign({ without: ["patient"] })), "patient_missing", 400);
  });

  it("a launch with no token at all is refused", async () => {
    await expectRefused(await agent.postForm(`${stack.baseUrl}/context-launch`, {}), "missing_token", 400);
  });

  it("a refused launch with nobody signed in and no verified signature is counted, not recorded one by one", async () => {
    const before = await lastRefusal();
    const response = await post(await sign({}, await signingKey("x-anon")), new HttpAgent());
    expect(response.status).toBe(401);
    expect(response.body).toContain("context_launch.unknown_key");
    expect(await lastRefusal()).toEqual(before);
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /channel="context_launch"[^\n]*code="context_launch.unknown_key"|code="context_launch.unknown_key"[^\n]*channel="context_launch"/,
    );
  });

  it("a system rotates its keys at its JWKS URL: the new key id is fetched without a restart", async () => {
    const first = await agent.get(
      (await post(await sign({ claims: { window_id: "desk-9" } }, remoteKey, REMOTE.id))).location ?? "",
    );
    expect(first.location).toMatch(/\/patient-context\//);
    const rotated = await signingKey("moorside-2", "RS256");
    jwks.keys = [rotated.publicJwk];
    const fetchesBefore = jwks.fetches;
    // The per-system cooldown (1 s here) between fetches for unknown key ids.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await agent.get(
      (await post(await sign({ claims: { window_id: "desk-10" } }, rotated, REMOTE.id))).location ?? "",
    );
    expect(second.location).toMatch(/\/patient-context\//);
    expect(jwks.fetches).toBe(fetchesBefore + 1);
  });

  it("our JWKS publishes the encryption key as enc and keeps every signing key sig", async () => {
    const { keys } = (await (await fetch(`${stack.baseUrl}/.well-known/jwks.json`)).json()) as {
      keys: { use?: string; alg?: string; d?: string }[];
    };
    expect(keys.filter((k) => k.use === "enc").map((k) => k.alg)).toEqual(["ECDH-ES+A256KW"]);
    expect(keys.every((k) => k.use === "sig" || k.use === "enc")).toBe(true);
    expect(keys.some((k) => k.use === "sig")).toBe(true);
    expect(keys.some((k) => k.d !== undefined)).toBe(false);
  });

  it("no NHS number, launch token or patient from a token reaches the log", () => {
    expect(tokensSent.length).toBeGreaterThan(10);
    const log = stack.logs.map((l) => JSON.stringify(l)).join("\n");
    expect(log).not.toContain("9991000054");
    for (const token of tokensSent) {
      for (const part of token.split(".").filter((p) => p.length > 20)) expect(log).not.toContain(part);
    }
    expect(log).not.toContain("launch_token=");
  });
});
