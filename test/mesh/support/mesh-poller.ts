/** A MESH poller as src/composition/mesh.composition.ts builds it, on a test database and intake. */
import type { EventIntakeService } from "../../../src/events/intake.service.ts";
import type { MeshClient } from "../../../src/national/mesh/mesh-client.ts";
import { MeshPoller, type MessageOutcome } from "../../../src/national/mesh/mesh-poller.ts";
import { systemClock } from "../../../src/platform/clock.ts";
import type { Database } from "../../../src/storage/database.ts";
import { SqlLease } from "../../../src/storage/lease.repository.ts";

export interface TestPollerOptions {
  readonly pollMs?: number;
  readonly leaseMs?: number;
  readonly concurrency?: number;
  readonly pageSize?: number;
}

export function testPoller(
  client: MeshClient,
  intake: Pick<EventIntakeService, "receive">,
  database: Database,
  options: TestPollerOptions = {},
): { poller: MeshPoller; outcomes: MessageOutcome[]; warnings: string[] } {
  const outcomes: MessageOutcome[] = [];
  const warnings: string[] = [];
  const poller = new MeshPoller({
    client,
    intake,
    lease: new SqlLease(database.db),
    clock: systemClock,
    pollMs: options.pollMs ?? 60_000,
    leaseMs: options.leaseMs ?? 30_000,
    pageSize: options.pageSize ?? 10,
    concurrency: options.concurrency ?? 4,
    log: {
      info: () => {},
      warn: (_fields, message) => warnings.push(message),
      error: (_fields, message) => warnings.push(message),
    },
    onMessage: (outcome) => outcomes.push(outcome),
  });
  return { poller, outcomes, warnings };
}
