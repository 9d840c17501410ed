import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../platform/errors.ts";
import { manualClock } from "../pds/pds-simulator.test-support.ts";
import { type PlatformHarness, startPlatformHarness } from "./platform-simulator.test-support.ts";

let platform: PlatformHarness;

beforeAll(async () => {
  platform = await startPlatformHarness();
});
afterAll(async () => {
  await platform.close();
});
beforeEach(async () => {
  await platform.apim("POST", "/reset");
  await platform.apim("PUT", "/settings", { accessTokenSeconds: 599 });
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address ? address.port : 1;
}

describe("application-restricted tokens from the API platform (against its simulator)", () => {
  it("gets a token the PDS behind the platform accepts, and reuses it while it is good", async () => {
    const tokens = platform.tokens();
    const token = await tokens.token();
    expect(token).toMatch(/^[A-Za-z0-9]+$/);
    expect(await tokens.token()).toBe(token);
    const read = await fetch(`${platform.pds.baseUrl}/Patient/9000000009`, {
      headers: { "X-Request-ID": crypto.randomUUID(), authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect(await platform.tokenRequests()).toEqual([
      expect.objectContaining({ grant: "client_credentials", status: 200 }),
    ]);
  });

  it("single flight: twenty callers at once share one token request", async () => {
    const tokens = platform.tokens();
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(all).size).toBe(1);
    expect(await platform.tokenRequests()).toHaveLength(1);
  });

  it("renews the token once it is within the margin of its expiry, with a fresh assertion", async () => {
    await platform.apim("PUT", "/settings", { accessTokenSeconds: 120 });
    const clock = manualClock();
    const tokens = platform.tokens({ clock, marginSeconds: 30 });
    const first = await tokens.token();
    clock.advance(89_000);
    expect(await tokens.token()).toBe(first);
    clock.advance(2_000);
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect((await platform.tokenRequests()).map((r) => r.status)).toEqual([200, 200]);
  });

  it("a token the API refused is forgotten, and the next caller gets a new one", async () => {
    const tokens = platform.tokens();
    const first = await tokens.token();
    expect(tokens.refused?.(first ?? "")).toBe(true);
    expect(await tokens.token()).not.toBe(first);
  });

  it("a failed request is not kept: the next caller asks again", async () => {
    const tokens = platform.tokens();
    await platform.apim("PUT", "/scenario", { scenario: "unavailable" });
    expect((await failure(tokens.token())).code).toBe("apim.unreachable");
    await platform.apim("PUT", "/scenario", { scenario: null });
    expect(await tokens.token()).toMatch(/^[A-Za-z0-9]+$/);
  });
});

describe("why no token could be had, in our catalogue", () => {
  it("clock skew: a server clock ten minutes slow makes the assertion expired", async () => {
    const clock = manualClock(Date.now() - 600_000);
    const error = await failure(platform.tokens({ clock }).token());
    expect(error.code).toBe("apim.clock_skew");
    expect(String(error.cause)).toContain("JWT has expired");
  });

  it("refused: an API key the platform does not know", async () => {
    expect((await failure(platform.tokens({ apiKey: "unknown-key" }).token())).code).toBe("apim.refused");
  });

  it("refused: an aud that is not the exact token URL", async () => {
    const error = await failure(platform.tokens({ tokenUrl: `${platform.tokenUrl}?` }).token());
    expect(error.code).toBe("apim.refused");
    expect(String(error.cause)).toContain("'aud' claim");
  });

  it("invalid key: signing with a key the platform has not fetched (a key activated too soon)", async () => {
    await platform.tokens().token();
    await platform.keys.stage();
    platform.keys.activate();
    const error = await failure(platform.tokens().token());
    expect(error.code).toBe("apim.invalid_key");
    expect(String(error.cause)).toContain("no matching public key");
    await platform.apim("POST", "/forget-jwks");
    expect(await platform.tokens().token()).toMatch(/^[A-Za-z0-9]+$/);
    platform.keys.retire();
  });

  it("invalid key: the platform cannot fetch our JWKS", async () => {
    await platform.apim("PUT", "/scenario", { scenario: "jwks-unreachable" });
    expect((await failure(platform.tokens().token())).code).toBe("apim.invalid_key");
  });

  it("unreachable: nothing listens at the token URL", async () => {
    const tokenUrl = `http://127.0.0.1:${await closedPort()}/oauth2/token`;
    expect((await failure(platform.tokens({ tokenUrl }).token())).code).toBe("apim.unreachable");
  });

  it("no token, assertion or key is in the error or its cause", async () => {
    const error = await failure(platform.tokens({ apiKey: "unknown-key" }).token());
    const text = `${error.message} ${String(error.cause)} ${JSON.stringify(error.details ?? {})}`;
    expect(text).not.toMatch(/eyJ|BEGIN|PRIVATE/);
  });
});
