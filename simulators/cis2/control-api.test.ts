import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cis2Simulator, startCis2Simulator } from "./server.ts";
import { Browser } from "./test-support/browser.ts";
import { authParams } from "./test-support/sign-in.ts";

let sim: Cis2Simulator;
const lines: string[] = [];

beforeAll(async () => {
  sim = await startCis2Simulator({ port: 0, log: (line) => lines.push(line) });
});
afterAll(() => sim.close());

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.baseUrl}/sim/api${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const registration = {
  client_name: "Point of care app (test)",
  token_endpoint_auth_method: "client_secret_post",
  client_secret: "a-long-enough-shared-secret-for-tests",
  redirect_uris: ["http://localhost:4000/auth/callback"],
  backchannel_logout_uri: "http://localhost:4000/auth/backchannel-logout",
};

describe("client registration through the control API", () => {
  it("registers a Connection-Manager-shaped client at runtime", async () => {
    const response = await call("PUT", "/clients/100000000001.apps.national", registration);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ client_id: "100000000001.apps.national", ...registration });
    const clients = (await call("GET", "/clients")).body as unknown as { client_id: string }[];
    expect(clients.map((c) => c.client_id)).toContain("100000000001.apps.national");
    expect(lines.some((l) => l.includes("client registered 100000000001.apps.national"))).toBe(true);
  });

  it("lets the registered client start a sign-in at once", async () => {
    await call("PUT", "/clients/100000000002.apps.national", registration);
    const url = new URL(`${sim.issuer}/authorize`);
    for (const [k, v] of Object.entries({
      ...authParams(),
      client_id: "100000000002.apps.national",
      response_type: "code",
      redirect_uri: "http://localhost:4000/auth/callback",
    })) {
      url.searchParams.set(k, v);
    }
    const step = await new Browser("http://localhost:4000/auth/callback").go(url);
    expect(step.kind === "page" && step.page.html.includes("Point of care app (test)")).toBe(true);
  });

  it("refuses incomplete registrations with the reason", async () => {
    const noKeys = await call("PUT", "/clients/x", {
      ...registration,
      token_endpoint_auth_method: "private_key_jwt",
    });
    expect(noKeys.status).toBe(400);
    expect(noKeys.body["error"]).toContain("jwks_uri");
    const { client_secret: _secret, ...noSecret } = registration;
    expect((await call("PUT", "/clients/x", noSecret)).body["error"]).toContain("client_secret");
    expect((await call("PUT", "/clients/x", { ...registration, redirect_uris: [] })).status).toBe(400);
    expect((await call("PUT", "/clients/x", { ...registration, client_id: "y" })).status).toBe(400);
    expect((await call("PUT", "/clients/x", "{not json")).status).toBe(400);
  });

  it("answers 404 for an unknown control endpoint", async () => {
    expect((await call("GET", "/nothing-here")).status).toBe(404);
    expect((await call("DELETE", "/sessions")).status).toBe(404);
  });

  it("tells the client about an unknown client_id on the error page, not by redirect", async () => {
    const url = `${sim.issuer}/authorize?client_id=unknown&response_type=code&scope=openid&redirect_uri=http://x/cb`;
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Sorry, CIS2 could not complete this request");
  });

  it("explains an expired or unknown sign-in instead of failing", async () => {
    const response = await fetch(`${sim.baseUrl}/sim/interaction/unknown-uid`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Your sign-in cannot continue");
  });
});

describe("standalone entry point", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cis2-sim-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("starts on CIS2_SIM_PORT with the clients in CIS2_SIM_CLIENTS and says where it listens", async () => {
    const clientsFile = join(dir, "clients.json");
    await writeFile(
      clientsFile,
      JSON.stringify([{ client_id: "200000000001.apps.national", ...registration }]),
    );
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, CIS2_SIM_PORT: "0", CIS2_SIM_CLIENTS: clientsFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      let output = "";
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stderr.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect((await fetch(`${baseUrl}/sim/api/health`)).status).toBe(200);
      const clients = (await (await fetch(`${baseUrl}/sim/api/clients`)).json()) as { client_id: string }[];
      expect(clients.map((c) => c.client_id)).toEqual(["200000000001.apps.national"]);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});

describe("sign-in page contents", () => {
  it("names the service and the request's assurance and scopes", async () => {
    await call("PUT", "/clients/100000000003.apps.national", registration);
    const url = new URL(`${sim.issuer}/authorize`);
    const params = {
      ...authParams({ scope: "openid nationalrbacaccess", acr_values: "AAL3_ANY" }),
      client_id: "100000000003.apps.national",
      response_type: "code",
      redirect_uri: "http://localhost:4000/auth/callback",
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const browser = new Browser("http://localhost:4000/auth/callback");
    const step = await browser.go(url);
    if (step.kind !== "page") throw new Error("expected the sign-in page");
    expect(step.page.html).toContain("AAL3_ANY");
    expect(step.page.html).toContain("openid nationalrbacaccess");
    expect(step.page.html).toContain("prompt=login");
    const done = await browser.submit(step.page, { user: "555000000001", authenticator: "ipad-app" });
    expect(done.kind === "callback" && done.url.searchParams.has("code")).toBe(true);
  });
});
