/**
 * Rotating the private_key_jwt signing key with the CLI while the service runs: the staged key is
 * published before it signs, both are published during the change, and sign-in keeps working at
 * every step.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

let stack: Stack;
beforeAll(async () => {
  // CIS2 caches our JWKS for as long as we allow; zero here so the test need not wait out the cache.
  stack = await startStack({ env: { JWKS_MAX_AGE_SECONDS: "0" } });
});
afterAll(async () => stack.close());

function cli(...args: string[]): string {
  return execFileSync(process.execPath, ["src/cli.ts", ...args], {
    env: { ...process.env, DATA_DIR: stack.built.config.dataDir },
    encoding: "utf8",
  });
}

/** The keys of the stores this test does not rotate: listed once, as they do not change here. */
let otherStores: string | undefined;

async function published(): Promise<string[]> {
  // The service re-reads the key file when it changes (checked at most every 2 seconds).
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const jwks = (await (await fetch(`${stack.baseUrl}/.well-known/jwks.json`)).json()) as {
    keys: { kid: string; use: string }[];
  };
  // The CIS2 signing keys: the set also publishes our encryption key ("enc"), which CIS2 never
  // uses, and our keys for the NHS API platform and for SMART EHRs, each in its own store.
  otherStores ??= cli("keys", "list", "apim-client") + cli("keys", "list", "smart-client");
  const others = otherStores;
  return jwks.keys.filter((k) => k.use === "sig" && !others.includes(k.kid)).map((k) => k.kid);
}

async function signsIn(): Promise<boolean> {
  const page = await signIn(new HttpAgent(), stack.baseUrl, { user: USERS.singleRole });
  return page.status === 200;
}

describe("client key rotation", () => {
  it("stages, activates and retires a key without interrupting sign-in", async () => {
    const [original] = await published();
    expect(await signsIn()).toBe(true);

    const staged = cli("keys", "stage").match(/staged ([A-Za-z0-9_-]+)/)?.[1];
    expect(await published()).toEqual([original, staged]);
    expect(await signsIn()).toBe(true);

    cli("keys", "activate");
    expect(cli("keys", "list")).toMatch(new RegExp(`active\\s+${staged}[\\s\\S]*|previous\\s+${original}`));
    expect((await published()).sort()).toEqual([original, staged].sort());
    // CIS2 keeps our JWKS for a while (the simulator: at least a minute); re-registering stands in
    // for waiting out that cache, as operators wait between stage and activate.
    await stack.reregisterClient();
    expect(await signsIn()).toBe(true);

    cli("keys", "retire");
    expect(await published()).toEqual([staged]);
    await stack.reregisterClient();
    expect(await signsIn()).toBe(true);
  });

  it("refuses to activate when nothing is staged", () => {
    expect(() => cli("keys", "activate")).toThrow(/No staged key/);
  });
});
