/**
 * Health for orchestrators: `/healthz` (the process is up), `/readyz` (this instance can serve: its
 * database answers, its migrations are applied, its keys load; never a national service, whose
 * outage must not take every instance out of a load balancer), `/metrics` (Prometheus text format,
 * with the running version as `ncrs_build_info`; behind a bearer token when one is configured).
 */
import type { FastifyInstance } from "fastify";
import { Gauge, type Registry } from "prom-client";
import { AppError } from "../platform/errors.ts";
import { platformErrors } from "../platform/platform.errors.ts";
import { constantTimeEqual } from "../platform/secrets.ts";

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface OpsRoutesDeps {
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  readonly startedAt: Date;
  readonly version: string;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsBearerToken: string | null;
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

  app.get("/metrics", { config }, async (request, reply) => {
    const token = deps.metricsBearerToken;
    if (token !== null && !constantTimeEqual(request.headers.authorization ?? "", `Bearer ${token}`)) {
      reply.header("www-authenticate", 'Bearer realm="metrics"');
      throw new AppError(platformErrors.unauthorised);
    }
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}
