import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { launchErrors } from "../launch/launch.errors.ts";
import { platformErrors } from "../platform/platform.errors.ts";
import { errorResponses, errorTitles } from "./openapi.ts";

describe("error response schemas", () => {
  it("group the codes by status, with the common ones, and name each code's title", () => {
    const responses = errorResponses(launchErrors.unverified, launchErrors.duplicate, platformErrors.invalid);
    expect(Object.keys(responses).sort()).toEqual(["400", "409", "500"]);
    const conflict = responses[409] as unknown as {
      description: string;
      properties: Record<string, unknown>;
    };
    expect(JSON.stringify(conflict.properties)).toContain('"enum":["launch.unverified","launch.duplicate"]');
    expect(errorTitles(conflict.description)).toEqual(
      new Map([
        ["launch.unverified", launchErrors.unverified.title],
        ["launch.duplicate", launchErrors.duplicate.title],
      ]),
    );
    expect(errorTitles("Something else entirely").size).toBe(0);
  });

  it("keep every detail an error carries when Fastify serialises the answer with them", async () => {
    const app = Fastify();
    app.get(
      "/",
      { schema: { response: errorResponses(launchErrors.misconfigured) } },
      async (_request, reply) =>
        reply.code(503).send({
          error: { code: "launch.misconfigured", message: "m", step: "template", missing: ["nhsNumber"] },
          correlationId: "c1",
        }),
    );
    const answer = await app.inject({ method: "GET", url: "/" });
    expect(answer.json()).toEqual({
      error: { code: "launch.misconfigured", message: "m", step: "template", missing: ["nhsNumber"] },
      correlationId: "c1",
    });
    await app.close();
  });
});
