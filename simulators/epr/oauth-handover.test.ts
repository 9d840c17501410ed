/**
 * The EPR as an OAuth client and hand-over caller, against a tiny fake NCRS Connect written here
 * (a test of the simulator, not of src/): Connect's PKCE and state, the code exchange, the bearer
 * call to the hand-over API, and what the patient page makes of each answer.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EprSimulator, startEprSimulator } from "./server.ts";
import { attribute, EprClient } from "./test-support/client.ts";

const SECRET = "epr-test-secret-0123456789";
const SRI = "sha384-fakefakefakefakefakefakefakefakefakefakefakefakefakefake";

interface Seen {
  authorize: URLSearchParams[];
  token: { authorization: string | undefined; form: URLSearchParams }[];
  handovers: { headers: IncomingMessage["headers"]; body: Record<string, unknown> }[];
}

/** The fake's knobs, reset before each test. */
const fake = {
  seen: { authorize: [], token: [], handovers: [] } as Seen,
  challenges: new Map<string, string>(),
  manifest: true,
  handoverStatus: 201,
  handoverBody: {} as unknown,
};

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

function startFake(): Promise<Server> {
  let codes = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === "/oauth/authorize") {
      fake.seen.authorize.push(url.searchParams);
      const code = `code-${++codes}`;
      fake.challenges.set(code, url.searchParams.get("code_challenge") ?? "");
      const back = new URL(url.searchParams.get("redirect_uri") ?? "");
      back.search = new URLSearchParams({ code, state: url.searchParams.get("state") ?? "" }).toString();
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/oauth/token" && req.method === "POST") {
      const form = new URLSearchParams(await body(req));
      fake.seen.token.push({ authorization: req.headers.authorization, form });
      const challenge = fake.challenges.get(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      if (!challenge || createHash("sha256").update(verifier).digest("base64url") !== challenge)
        return json(400, { error: "invalid_grant" });
      return json(200, {
        access_token: "token-abc",
        token_type: "Bearer",
        expires_in: 600,
        scope: "patient-context launch",
      });
    }
    if (url.pathname === "/api/v1/patient-contexts" && req.method === "POST") {
      fake.seen.handovers.push({ headers: req.headers, body: JSON.parse(await body(req)) });
      if (req.headers.authorization !== "Bearer token-abc")
        return json(401, { error: { code: "api.unauthorized", message: "no" }, correlationId: "c-1" });
      return json(fake.handoverStatus, fake.handoverBody);
    }
    if (url.pathname === "/embed/v1/manifest.json" && fake.manifest)
      return json(200, { "ncrs-open-button.js": { url: "/embed/v1/ncrs-open-button.js", integrity: SRI } });
    json(404, { error: { code: "not_found", message: "no" } });
  });
  server.listen(0, "127.0.0.1");
  return once(server, "listening").then(() => server);
}

let server: Server;
let ncrs: string;
let epr: EprSimulator;

beforeAll(async () => {
  server = await startFake();
  ncrs = `http://localhost:${(server.address() as AddressInfo).port}`;
  epr = await startEprSimulator({ port: 0, ncrsConnectUrl: ncrs, clientSecret: SECRET });
});
afterAll(async () => {
  await epr?.close();
  server?.closeAllConnections();
  server?.close();
});
beforeEach(() => {
  fake.seen = { authorize: [], token: [], handovers: [] };
  fake.manifest = true;
  fake.handoverStatus = 201;
  fake.handoverBody = {
    contextId: "ctx-1",
    contextToken: "ctx-token-1",
    patientUrl: `${ncrs}/patients/x`,
    mustConfirm: false,
    verification: { status: "verified" },
    differences: [],
  };
});

/** Runs Connect through the fake for a new EPR session; returns the session's client. */
async function connected(returnTo = "/patients/RVR100001"): Promise<EprClient> {
  const client = new EprClient(epr.origin);
  const start = await client.request(`/connect?returnTo=${encodeURIComponent(returnTo)}`);
  const authorize = await client.request(start.headers.get("location") ?? "");
  const callback = await client.request(authorize.headers.get("location") ?? "");
  expect(callback.status).toBe(303);
  expect(callback.headers.get("location")).toBe(returnTo);
  return client;
}

describe("Connect (OAuth code with PKCE)", () => {
  it("sends the browser to /oauth/authorize with the client id, redirect URI, S256 challenge, state and scopes", async () => {
    const client = new EprClient(epr.origin);
    const start = await client.request("/connect?returnTo=/patients/RVR100002");
    const location = new URL(start.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(`${ncrs}/oauth/authorize`);
    const q = location.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe("riverside-epr");
    expect(q.get("redirect_uri")).toBe(`${epr.origin}/oauth/callback`);
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")?.length).toBeGreaterThanOrEqual(22);
    expect(q.get("scope")).toBe("patient-context launch");
    expect(location.search).toContain("scope=patient-context%20launch");
  });

  it("trades the code with its PKCE verifier, the redirect URI and HTTP Basic credentials", async () => {
    await connected();
    const [token] = fake.seen.token;
    expect(token?.form.get("grant_type")).toBe("authorization_code");
    expect(token?.form.get("redirect_uri")).toBe(`${epr.origin}/oauth/callback`);
    expect(fake.challenges.has(token?.form.get("code") ?? "")).toBe(true);
    const challenge = fake.seen.authorize[0]?.get("code_challenge");
    expect(
      createHash("sha256")
        .update(token?.form.get("code_verifier") ?? "")
        .digest("base64url"),
    ).toBe(challenge);
    expect(token?.authorization).toBe(`Basic ${Buffer.from(`riverside-epr:${SECRET}`).toString("base64")}`);
    expect(token?.form.has("client_secret")).toBe(false);
  });

  it("refuses a callback whose state this session did not send, and exchanges nothing", async () => {
    const client = new EprClient(epr.origin);
    await client.request("/connect?returnTo=/");
    const page = await client.page("/oauth/callback?code=code-1&state=forged-state");
    expect(page.status).toBe(400);
    expect(page.html).toContain("state is not one this EPR session sent");
    expect(fake.seen.token).toHaveLength(0);
  });

  it("uses a state once: the same callback again is refused", async () => {
    const client = new EprClient(epr.origin);
    const start = await client.request("/connect?returnTo=/");
    const authorize = await client.request(start.headers.get("location") ?? "");
    const callback = authorize.headers.get("location") ?? "";
    expect((await client.request(callback)).status).toBe(303);
    expect((await client.page(callback)).status).toBe(400);
    expect(fake.seen.token).toHaveLength(1);
  });

  it("refuses another session's state (the state is bound to the EPR session)", async () => {
    const mine = new EprClient(epr.origin);
    const start = await mine.request("/connect?returnTo=/");
    const authorize = await mine.request(start.headers.get("location") ?? "");
    const theirs = new EprClient(epr.origin);
    expect((await theirs.page(authorize.headers.get("location") ?? "")).status).toBe(400);
    expect(fake.seen.token).toHaveLength(0);
  });

  it("never sends the browser back to another site after Connect", async () => {
    const client = new EprClient(epr.origin);
    const start = await client.request("/connect?returnTo=//evil.example/x");
    const authorize = await client.request(start.headers.get("location") ?? "");
    const callback = await client.request(authorize.headers.get("location") ?? "");
    expect(callback.headers.get("location")).toBe("/");
  });
});

describe("the patient page's hand-over", () => {
  it("posts the FHIR Patient and window id with the bearer token and a new Idempotency-Key per page view", async () => {
    const client = await connected();
    await client.page("/patients/RVR100001");
    await client.page("/patients/RVR100001");
    const [first, second] = fake.seen.handovers;
    expect(first?.headers.authorization).toBe("Bearer token-abc");
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.headers["idempotency-key"]).not.toBe(first?.headers["idempotency-key"]);
    expect(first?.body).toEqual({
      patient: {
        resourceType: "Patient",
        identifier: [
          { system: "https://fhir.nhs.uk/Id/nhs-number", value: "9991000054" },
          { system: "https://riverside-epr.example/Id/mrn", value: "RVR100001" },
        ],
        name: [{ family: "Hartley", given: ["Oscar", "James"] }],
        birthDate: "1984-03-14",
        gender: "male",
        address: [{ line: ["12 Elm Grove", "Headingley", "LEEDS"], postalCode: "LS6 2AB" }],
      },
      windowId: expect.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
    });
    expect(second?.body["windowId"]).toBe(first?.body["windowId"]);
  });

  it("leaves the NHS number out of the no-number case", async () => {
    const client = await connected();
    await client.page("/patients/RVR100004");
    const patient = fake.seen.handovers[0]?.body["patient"] as { identifier: { system: string }[] };
    expect(patient.identifier).toEqual([
      { system: "https://riverside-epr.example/Id/mrn", value: "RVR100004" },
    ]);
  });

  it("embeds the button with the context token, the manifest's SRI hash and the script from NCRS Connect", async () => {
    const client = await connected();
    const page = await client.page("/patients/RVR100001");
    expect(attribute(page.html, /<ncrs-open-button[^>]*>/, "context-token")).toBe("ctx-token-1");
    expect(attribute(page.html, /<ncrs-open-button[^>]*>/, "display-name")).toBe("Oscar James Hartley");
    expect(page.html).not.toMatch(/<ncrs-open-button[^>]*needs-confirmation/);
    const script = /<script type="module"[^>]*>/;
    expect(attribute(page.html, script, "src")).toBe(`${ncrs}/embed/v1/ncrs-open-button.js`);
    expect(attribute(page.html, script, "integrity")).toBe(SRI);
    expect(attribute(page.html, script, "crossorigin")).toBe("anonymous");
  });

  it("marks the button needs-confirmation and shows the differences when NCRS Connect asks for it", async () => {
    fake.handoverBody = {
      ...(fake.handoverBody as object),
      mustConfirm: true,
      confirmUrl: `${ncrs}/confirm/x`,
      verification: { status: "needs_confirmation" },
      differences: [
        {
          field: "birthDate",
          label: "Date of birth",
          sent: "1984-03-15",
          pds: "1984-03-14",
          comparison: "different",
          identifying: true,
        },
      ],
    };
    const client = await connected();
    const page = await client.page("/patients/RVR100002");
    expect(page.html).toMatch(/<ncrs-open-button[^>]*needs-confirmation/);
    expect(page.html).toContain("needs_confirmation");
    expect(page.html).toMatch(/Date of birth<\/th><td>1984-03-15<\/td><td>1984-03-14/);
  });

  it("shows a refusal plainly with its code, and no button", async () => {
    fake.handoverStatus = 422;
    fake.handoverBody = {
      error: { code: "handover.invalid_nhs_number", message: "The NHS number fails its check digit." },
      correlationId: "corr-42",
    };
    const client = await connected();
    const page = await client.page("/patients/RVR100005");
    expect(page.html).toContain("NCRS Connect refused: handover.invalid_nhs_number");
    expect(page.html).toContain("corr-42");
    expect(page.html).not.toContain("<ncrs-open-button");
  });

  it("without a manifest loads the script without integrity and says so in the developer note", async () => {
    fake.manifest = false;
    const other = await startEprSimulator({ port: 0, ncrsConnectUrl: ncrs, clientSecret: SECRET });
    try {
      const client = new EprClient(other.origin);
      const start = await client.request("/connect?returnTo=/patients/RVR100001");
      const authorize = await client.request(start.headers.get("location") ?? "");
      await client.request(authorize.headers.get("location") ?? "");
      const page = await client.page("/patients/RVR100001");
      expect(page.html).toMatch(
        /<script type="module" src="[^"]*ncrs-open-button\.js" crossorigin="anonymous">/,
      );
      expect(page.html).toContain("Developer note: no SRI hash");
    } finally {
      await other.close();
    }
  });

  it("drops a token NCRS Connect no longer accepts and offers Connect again", async () => {
    const client = new EprClient(epr.origin);
    const start = await client.request("/connect?returnTo=/");
    const authorize = await client.request(start.headers.get("location") ?? "");
    await client.request(authorize.headers.get("location") ?? "");
    fake.handoverStatus = 401;
    fake.handoverBody = { error: { code: "api.token_expired", message: "expired" }, correlationId: "c-2" };
    const refused = await client.page("/patients/RVR100001");
    expect(refused.html).toContain('data-testid="epr-not-connected"');
    fake.handoverStatus = 201;
    const next = await client.page("/patients/RVR100001");
    expect(next.html).toContain('data-testid="epr-connect"');
    expect(fake.seen.handovers).toHaveLength(1);
  });

  it("logs its calls for the control API without the token", async () => {
    const client = await connected();
    await client.page("/patients/RVR100001");
    const calls = (await (await fetch(`${epr.origin}/_sim/api/calls`)).json()) as {
      path: string;
      status: number;
    }[];
    expect(calls.map((c) => `${c.path} ${c.status}`)).toEqual(
      expect.arrayContaining(["/oauth/token 200", "/api/v1/patient-contexts 201"]),
    );
    expect(JSON.stringify(calls)).not.toContain("token-abc");
    expect(JSON.stringify(calls)).not.toContain(SECRET);
  });
});
