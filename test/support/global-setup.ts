/**
 * Runs once per `vitest run`: starts the PostgreSQL server every dialect-parametrised suite uses,
 * unless TEST_POSTGRES_URL points at one already.
 */
import type { TestProject } from "vitest/node";
import { startPostgresCluster } from "./postgres-cluster.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env["TEST_POSTGRES_URL"];
  if (given) {
    project.provide("postgresUrl", given);
    return () => {};
  }
  const cluster = await startPostgresCluster();
  project.provide("postgresUrl", cluster.url);
  return () => cluster.stop();
}
