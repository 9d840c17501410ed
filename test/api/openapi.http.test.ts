/**
 * The OpenAPI description served at /api/v1/openapi.json is generated from the routes: it is a
 * valid OpenAPI 3.1 document, describes every API route the service registers and no page, says
 * for each operation what it takes, what it answers and who may call it, and every operation in
 * it is exercised by an HTTP test (operation-tests.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../../src/platform/http/route-table.ts";
import { API_PREFIXES } from "../../src/web/openapi.ts";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { OPERATION_TESTS } from "./operation-tests.ts";

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};
type Document = {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );

/** The path as a test would write it: a parameter may be a literal or a template expression. */
function pathPattern(path: string): RegExp {
  const escaped = path
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\{[^}]+\}/g, "(?:\\$\\{[^}]+\\}|[^\\s\"'`/?]+)");
  return new RegExp(`${escaped}(?![\\w/.-])`);
}

describe("the generated OpenAPI description", () => {
  let stack: Stack;
  let doc: Document;
  beforeAll(async () => {
    stack = await startStack();
    const response = await fetch(`${stack.baseUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    doc = (await response.json()) as Document;
  });
  afterAll(async () => stack?.close());

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("describes every API route the service registers, and no page", () => {
    const api = registeredRoutes(stack.built.app)
      .filter((r) => API_PREFIXES.some((prefix) => r.url.startsWith(prefix)))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}`);
    const described = operationsOf(doc).map((o) => o.key);
    expect(described.sort()).toEqual([...new Set(api)].sort());
    expect(described).toContain("POST /api/v1/launches");
    expect(
      Object.keys(doc.paths).filter((p) => !API_PREFIXES.some((prefix) => p.startsWith(prefix))),
    ).toEqual([]);
  });

  it("gives every operation an id, a summary, a tag, and a declared answer for each status, errors with their codes", () => {
    for (const { key, operation } of operationsOf(doc)) {
      expect(operation.operationId, key).toMatch(/^[a-zA-Z]+$/);
      expect(operation.summary, key).toBeTruthy();
      expect(operation.tags?.length, key).toBeGreaterThan(0);
      const statuses = Object.keys(operation.responses);
      expect(
        statuses.some((s) => /^[23]/.test(s)),
        key,
      ).toBe(true);
      expect(statuses, key).toContain("500");
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${key} ${status}`).not.toBe("Default Response");
        if (Number(status) >= 400)
          expect(JSON.stringify(response.content), `${key} ${status}`).toContain('"enum"');
      }
    }
  });

  it("says who may call each operation, as the route enforces it", () => {
    const security = (method: string, path: string) => doc.paths[path]?.[method]?.security;
    const cookieWithCsrf = { session: [], csrf: [] };
    expect(security("post", "/api/v1/launches")).toEqual([cookieWithCsrf, { pointOfCareSystem: ["launch"] }]);
    expect(security("post", "/api/v1/patient-contexts")).toEqual([
      cookieWithCsrf,
      { pointOfCareSystem: ["patient-context"] },
    ]);
    expect(security("get", "/oauth/authorize")).toEqual([{ session: [] }]);
    expect(security("post", "/oauth/token")).toEqual([{ clientSecretBasic: [] }, {}]);
    expect(security("post", "/api/v1/events/mns")).toEqual([{ mnsSignature: [] }]);
    expect(security("get", "/api/v1/admin/events")).toEqual([{ session: [] }]);
    expect(security("post", "/api/v1/admin/events/search")).toEqual([cookieWithCsrf]);
    expect(security("post", "/api/v1/admin/events/replay")).toEqual([cookieWithCsrf]);
    expect(security("get", "/api/v1/openapi.json")).toBeUndefined();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(
      expect.arrayContaining(["session", "csrf", "pointOfCareSystem", "clientSecretBasic", "mnsSignature"]),
    );
  });

  it("keeps both ways to call the API in its introduction", () => {
    expect(doc.info.description).toContain("X-CSRF-Token");
    expect(doc.info.description).toContain("/oauth/authorize");
    expect(doc.info.description).toContain("/oauth/token");
    expect(doc.info.description).toContain("API_TOKEN_TTL_SECONDS");
  });

  it("answers keep every field the routes send, errors' details included, whatever the response schemas name", async () => {
    const agent = new HttpAgent();
    const home = await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
    const call = (body: unknown) =>
      agent.request(`${stack.baseUrl}/api/v1/launches`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-csrf-token": csrfTokenIn(home.body),
        },
        body: JSON.stringify(body),
      });
    const invalid = await call({ nonsense: true });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toEqual({
      error: {
        code: "request.invalid",
        message: expect.any(String),
      },
      correlationId: expect.stringMatching(/.{8,}/),
    });
    // No such patient context: a launch check refuses it and says which.
    const refused = await call({ patientContextId: "nosuchcontext0000000001" });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { code: "launch.stale_context", message: expect.any(String), step: "patient_context_current" },
      correlationId: expect.any(String),
    });
    const token = await fetch(`${stack.baseUrl}/oauth/token`, { method: "POST" });
    expect(token.status).toBe(401);
    expect(await token.json()).toEqual({ error: "invalid_client", error_description: expect.any(String) });
  });

  it("has an HTTP test for every operation it describes, and the list names no operation it does not", () => {
    const described = operationsOf(doc).map((o) => o.key);
    expect(described.filter((key) => !OPERATION_TESTS[key])).toEqual([]);
    expect(Object.keys(OPERATION_TESTS).filter((key) => !described.includes(key))).toEqual([]);
    for (const [key, files] of Object.entries(OPERATION_TESTS)) {
      const path = key.split(" ")[1] ?? "";
      for (const file of files) {
        expect(existsSync(file), `${key}: ${file}`).toBe(true);
        expect(pathPattern(path).test(readFileSync(file, "utf8")), `${key} is not called in ${file}`).toBe(
          true,
        );
      }
    }
  });
});
