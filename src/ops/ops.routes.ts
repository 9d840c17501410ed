/**
 * Health for orchestrators and people: `/healthz` (the process is up), `/readyz` (the database
 * answers and CIS2 discovery can be fetched), `/metrics` (Prometheus text format, with the running
 * version as `ncrs_build_info`).
 */
import type { FastifyInstance } from "fastify";
import { Gauge, type Registry } from "prom-client";

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface OpsRoutesDeps {
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  readonly startedAt: Date;
  readonly version: string;
}

const READINESS_TIMEOUT_MS = 3000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), READINESS_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : "failed";
    return { name: check.name, ok: false, error: message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

export async function opsRoutes(app: FastifyInstance, deps: OpsRoutesDeps): Promise<void> {
  const config = { access: "public" as const, json: true };
  // Which version each instance runs, so dashboards can split any rate by it.
  new Gauge({
    name: "ncrs_build_info",
    help: "The running version (always 1)",
    labelNames: ["version", "node"],
    registers: [deps.registry],
  }).set({ version: deps.version, node: process.versions.node }, 1);
  app.get("/healthz", { config }, async () => ({
    status: "ok",
    version: deps.version,
    uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
  }));

  app.get("/readyz", { config }, async (request, reply) => {
    const checks = await Promise.all(deps.readiness.map(runCheck));
    const ready = checks.every((c) => c.ok);
    if (!ready) request.log.warn({ checks }, "not ready");
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
  });

  app.get("/metrics", { config }, async (_request, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
}
