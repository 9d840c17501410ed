/**
 * A point-of-care system acting for a signed-in user, over real HTTP on both databases: the user's
 * browser passes through /oauth/authorize (signing in first if needed) and comes back to the
 * system with a code; the system's server exchanges it, with its secret and the PKCE verifier, for
 * a bearer token; the token launches NCRS with the same checks and audit as the button, without a
 * CSRF token, and stops working when the user's session ends. Every way to get it wrong is refused.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../support/databases.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { verifiedPatientPage } from "../support/launch.ts";
import { contextIdOf } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const CLIENT = "riverside-epr";
// As the service's operators make it: a secret for the system, and its hash for API_CLIENTS.
const made = execFileSync(process.execPath, ["src/cli.ts", "api-client", "secret"], { encoding: "utf8" });
const SECRET = /secret \(give it to the system, once\): (\S+)/.exec(made)?.[1] ?? "";
const SECRET_SHA256 = /secretSha256 \(for API_CLIENTS\): ([0-9a-f]{64})/.exec(made)?.[1] ?? "";
let REDIRECT = "";

describe.each(dialects)("API clients acting for a user (%s)", (dialect) => {
  let stack: Stack;
  let callback: Server;
  beforeAll(async () => {
    // The system's own callback page, where the user's browser lands with the code.
    callback = createServer((_request, response) => response.end("callback"));
    await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
    REDIRECT = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/ncrs/callback`;
    stack = await startStack({
      dialect,
      env: {
        LAUNCH_DUPLICATE_WINDOW_SECONDS: "0",
        API_CLIENTS: JSON.stringify([
          {
            id: CLIENT,
            secretSha256: SECRET_SHA256,
            redirectUris: [REDIRECT],
          },
        ]),
      },
    });
  });
  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => callback.close(resolve));
  });

  const pkce = () => {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  };
  const authorizeUrl = (params: Record<string, string>) =>
    `${stack.baseUrl}/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_challenge_method: "S256",
      state: "state-123",
      ...params,
    })}`;
  const basic = (id = CLIENT, secret = SECRET) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
  const token = (form: Record<string, string>, authorization = basic()) =>
    fetch(`${stack.baseUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization },
      body: new URLSearchParams({ grant_type: "authorization_code", redirect_uri: REDIRECT, ...form }),
    });
  const launch = (bearer: string, patientContextId: string) =>
    fetch(`${stack.baseUrl}/api/v1/launches`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${bearer}`,
      },
      body: JSON.stringify({ patientContextId, encounterId: "enc-7" }),
    });

  /** A clinician with Hartley verified, and a code for the client. */
  async function authorized(tab: string) {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const page = await verifiedPatientPage(agent, stack.baseUrl, "999 100 0054", "RX1-000101", tab);
    const { verifier, challenge } = pkce();
    const back = await agent.get(authorizeUrl({ code_challenge: challenge }));
    expect(back.status).toBe(303);
    const location = new URL(back.location ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("state-123");
    return { agent, page, verifier, code: location.searchParams.get("code") ?? "" };
  }

  it("gives the system a token that launches for the user, audited, without a CSRF token", async () => {
    const { agent, page, verifier, code } = await authorized("apiclienttab00000001");
    const issued = await token({ code, code_verifier: verifier });
    expect(issued.status).toBe(200);
    expect(issued.headers.get("cache-control")).toBe("no-store");
    const body = (await issued.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const launched = await launch(body.access_token, contextIdOf(page));
    expect(launched.status).toBe(201);
    expect(await launched.json()).toMatchObject({ launchUrl: expect.stringContaining("9991000054") });

    const sessionId = (
      await stack.built.database.db
        .selectFrom("audit_records")
        .select("session_id")
        .where("outcome", "=", "granted")
        .where("source", "=", "api-access")
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow()
    ).session_id;
    const records = await stack.built.database.db
      .selectFrom("audit_records")
      .select(["outcome", "source", "encounter_id", "details"])
      .where("session_id", "=", sessionId)
      .where("event_type", "like", "launch.%")
      .execute();
    expect(records.find((r) => r.outcome === "launched")).toMatchObject({
      source: "api",
      encounter_id: "enc-7",
    });
    // Each launch record names the system that asked.
    expect(records.map((r) => JSON.parse(String(r.details)).apiClientId)).toEqual(records.map(() => CLIENT));

    // The same token is refused once the user logs out.
    const home = await agent.get(`${stack.baseUrl}/home`);
    await agent.postForm(`${stack.baseUrl}/auth/logout`, { _csrf: csrfTokenIn(home.body) });
    const after = await launch(body.access_token, contextIdOf(page));
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain("invalid_token");
    expect(await after.json()).toMatchObject({ error: { code: "api_access.token_invalid" } });
  });

  it("refuses a code presented twice, and revokes the token it gave", async () => {
    const { page, verifier, code } = await authorized("apiclienttab00000002");
    const first = (await (await token({ code, code_verifier: verifier })).json()) as { access_token: string };
    const second = await token({ code, code_verifier: verifier });
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: "invalid_grant" });
    expect((await launch(first.access_token, contextIdOf(page))).status).toBe(401);
  });

  it("refuses a wrong secret, a wrong verifier, another redirect URI and a wrong grant type", async () => {
    const { verifier, code } = await authorized("apiclienttab00000003");
    const wrongSecret = await token({ code, code_verifier: verifier }, basic(CLIENT, "not-the-secret"));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get("www-authenticate")).toContain("Basic");
    expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client" });
    expect((await token({ code, code_verifier: verifier }, basic("someone-else"))).status).toBe(401);
    const malformed = `Basic ${Buffer.from(`${CLIENT}:%zz`).toString("base64")}`;
    expect(await (await token({ code, code_verifier: verifier }, malformed)).json()).toMatchObject({
      error: "invalid_client",
    });
    expect(await (await token({ code, code_verifier: pkce().verifier })).json()).toMatchObject({
      error: "invalid_grant",
    });
    const other = await authorized("apiclienttab00000004");
    expect(
      await (
        await token({ code: other.code, code_verifier: other.verifier, redirect_uri: `${REDIRECT}/x` })
      ).json(),
    ).toMatchObject({ error: "invalid_grant" });
    expect(
      await (await token({ grant_type: "password", code: "x", code_verifier: verifier })).json(),
    ).toMatchObject({ error: "unsupported_grant_type" });
    // The form may carry the credentials instead of HTTP Basic.
    const third = await authorized("apiclienttab00000005");
    const posted = await fetch(`${stack.baseUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        redirect_uri: REDIRECT,
        code: third.code,
        code_verifier: third.verifier,
        client_id: CLIENT,
        client_secret: SECRET,
      }),
    });
    expect(posted.status).toBe(200);
  });

  it("never sends the browser to an unregistered address, and says why PKCE is missing", async () => {
    const agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const { challenge } = pkce();
    const unknown = await agent.get(authorizeUrl({ client_id: "nobody", code_challenge: challenge }));
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeNull();
    expect(unknown.body).toContain("This system is not registered to open NCRS for you");
    const elsewhere = await agent.get(
      authorizeUrl({ redirect_uri: "https://evil.example/cb", code_challenge: challenge }),
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBeNull();
    const noPkce = new URL((await agent.get(authorizeUrl({}))).location ?? "");
    expect(noPkce.searchParams.get("error")).toBe("invalid_request");
    expect(noPkce.searchParams.get("state")).toBe("state-123");
    expect(noPkce.searchParams.get("code")).toBeNull();
  });

  it("asks a signed-out browser to sign in first, then carries on to the system", async () => {
    const agent = new HttpAgent();
    const { challenge } = pkce();
    const start = await agent.get(authorizeUrl({ code_challenge: challenge }));
    expect(start.status).toBe(303);
    expect(start.location).toContain("return_to=%2Foauth%2Fauthorize");
    const returnTo = new URL(start.location ?? "", stack.baseUrl).searchParams.get("return_to") ?? "";
    const landed = await signIn(agent, stack.baseUrl, {
      user: USERS.singleRole,
      start: `/auth/login?return_to=${encodeURIComponent(returnTo)}`,
    });
    const url = new URL(landed.url);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(url.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(landed.body).toBe("callback");
  });

  it("refuses a bearer token it never issued, and a real one opens no page", async () => {
    const forged = await launch("forged-token", "00000000-0000-4000-8000-000000000000");
    expect(forged.status).toBe(401);
    expect((await launch("", "00000000-0000-4000-8000-000000000000")).status).toBe(401);
    const { verifier, code } = await authorized("apiclienttab00000006");
    const { access_token } = (await (await token({ code, code_verifier: verifier })).json()) as {
      access_token: string;
    };
    const page = await fetch(`${stack.baseUrl}/patients`, {
      headers: { authorization: `Bearer ${access_token}`, accept: "text/html" },
      redirect: "manual",
    });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toMatch(/^\/\?return_to=/);
  });

  it("documents the flow in the OpenAPI description", async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/api/v1/openapi.json`)).json()) as {
      components: {
        securitySchemes: Record<string, { flows?: { authorizationCode?: { tokenUrl: string } } }>;
      };
      paths: { "/api/v1/launches": { post: { security: Record<string, unknown>[] } } };
    };
    expect(doc.components.securitySchemes["pointOfCareSystem"]?.flows?.authorizationCode?.tokenUrl).toBe(
      "/oauth/token",
    );
    expect(doc.paths["/api/v1/launches"].post.security).toContainEqual({ pointOfCareSystem: ["launch"] });
  });
});
