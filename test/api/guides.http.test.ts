/**
 * The guides for suppliers are pages (public, NHS design system) made from docs/guides/, linked
 * from the API reference; links between them lead to each other's pages, and no link on them
 * points at a repository file the service does not serve.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAgent } from "../support/http-agent.ts";
import { type Stack, startStack } from "../support/stack.ts";

describe("the supplier guides as pages", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  it("serves the integration, embedding and SMART guides, linked from the API reference and to each other", async () => {
    const agent = new HttpAgent();
    const reference = await agent.get(`${stack.baseUrl}/developers/api`);
    expect(reference.body).toContain('href="/developers/integrating"');
    const integrating = await agent.get(`${stack.baseUrl}/developers/integrating`);
    expect(integrating.status).toBe(200);
    expect(integrating.body).toContain("<h1");
    expect(integrating.body).toContain("handover.invalid_nhs_number");
    expect(integrating.body).toContain('href="/developers/embedding"');
    const embedding = await agent.get(`${stack.baseUrl}/developers/embedding`);
    expect(embedding.status).toBe(200);
    expect(embedding.body).toContain("ncrs-open-button");
    expect(integrating.body).toContain('href="/developers/smart"');
    const smart = await agent.get(`${stack.baseUrl}/developers/smart`);
    expect(smart.status).toBe(200);
    expect(smart.body).toContain("/smart/callback");
    expect(smart.body).toContain("smart_launch.other_user");
    for (const page of [integrating.body, embedding.body, smart.body])
      expect(page.match(/href="(?!https?:|#|\/)[^"]*"/g) ?? []).toEqual([]);
  });
});
