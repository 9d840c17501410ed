/**
 * The simulated platform's control API under `/_sim/apim/` (plain JSON), for tests and people:
 * scenarios, the token request log, expiring every issued token at once, forgetting the fetched
 * JWKS (as the platform's hour-long cache running out would), and the access-token lifetime.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { APIM_SCENARIOS, type PlatformState } from "./platform-state.ts";

const scenarioBody = z.strictObject({ scenario: z.enum(APIM_SCENARIOS).nullable() });
const settingsBody = z.strictObject({ accessTokenSeconds: z.number().int().min(1).max(86_400) });

export function registerApimControl(
  app: FastifyInstance,
  state: PlatformState,
  log: (line: string) => void,
): void {
  const plugin = async (control: FastifyInstance) => {
    control.get("/scenarios", async () => ({ active: state.scenario, scenarios: APIM_SCENARIOS }));
    control.put("/scenario", async (request, reply) => {
      const parsed = scenarioBody.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
      state.scenario = parsed.data.scenario;
      log(`API platform scenario: ${state.scenario ?? "none"}`);
      return { active: state.scenario };
    });
    control.put("/settings", async (request, reply) => {
      const parsed = settingsBody.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
      state.accessTokenSeconds = parsed.data.accessTokenSeconds;
      return { accessTokenSeconds: state.accessTokenSeconds };
    });
    control.get("/requests", async () => ({ requests: state.requests() }));
    control.post("/expire-tokens", async () => {
      const expired = state.expireTokens(Date.now());
      log(`API platform: ${expired} access token(s) expired`);
      return { expired };
    });
    control.post("/forget-jwks", async () => {
      state.forgetJwks();
      return { status: "forgotten" };
    });
    control.post("/reset", async () => {
      state.reset();
      return { status: "reset" };
    });
  };
  app.register(plugin, { prefix: "/_sim/apim" });
}
