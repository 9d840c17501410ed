/**
 * `npm run cli -- mns subscriptions list|create|delete`: this application's MNS subscriptions.
 *
 *   list               every subscription MNS holds for this application; `ours` marks the ones
 *                      delivering to MNS_SUBSCRIPTION_MAILBOX_ID, and each accepted event type
 *                      without one is named (its events would not arrive)
 *   create [type…]     one subscription per event type (default: EVENTS_ACCEPTED_TYPES) to our
 *                      MESH mailbox; one MNS already holds is reported as existing, not made twice
 *   delete <id>…       the subscriptions with these ids (their events stop arriving)
 */
import { isAppError } from "../../platform/errors.ts";
import type { MeshDestination, MnsSubscription } from "./subscription-resource.ts";
import { meshEndpoint } from "./subscription-resource.ts";
import type { MnsSubscriptionsClient } from "./subscriptions-client.ts";

export const MNS_USAGE =
  "       npm run cli -- mns subscriptions <list | create [event-type…] | delete <id…>>";

export interface SubscriptionsCommandDeps {
  readonly client: MnsSubscriptionsClient;
  readonly destination: MeshDestination | null;
  readonly eventTypes: readonly string[];
}

function listing(subscriptions: readonly MnsSubscription[], deps: SubscriptionsCommandDeps): string {
  const ours = deps.destination ? meshEndpoint(deps.destination) : null;
  const lines = subscriptions.map((s) =>
    [
      s.id,
      s.status.padEnd(9),
      (s.eventType ?? s.criteria).padEnd(26),
      s.endpoint,
      s.endpoint === ours ? "ours" : "",
    ]
      .join("  ")
      .trimEnd(),
  );
  if (lines.length === 0) lines.push("no subscriptions");
  if (ours) {
    const covered = new Set(subscriptions.filter((s) => s.endpoint === ours).map((s) => s.eventType));
    const missing = deps.eventTypes.filter((t) => !covered.has(t));
    if (missing.length > 0)
      lines.push(
        `missing (no events of these types will arrive): ${missing.join(", ")}; run: mns subscriptions create`,
      );
  }
  return lines.join("\n");
}

async function create(deps: SubscriptionsCommandDeps, types: readonly string[]): Promise<string> {
  if (!deps.destination)
    throw new Error("MNS_SUBSCRIPTION_MAILBOX_ID (or MESH_MAILBOX_ID): required to create subscriptions");
  const lines: string[] = [];
  for (const type of types.length > 0 ? types : deps.eventTypes) {
    const result = await deps.client.create(type, deps.destination);
    lines.push(
      `${result.kind === "created" ? "created" : "exists "}  ${type}  ${result.id ?? "(id not given)"}`,
    );
  }
  return lines.join("\n");
}

async function remove(deps: SubscriptionsCommandDeps, ids: readonly string[]): Promise<string> {
  if (ids.length === 0) throw new Error(`usage:\n${MNS_USAGE}`);
  const lines: string[] = [];
  let missing = 0;
  for (const id of ids) {
    const result = await deps.client.delete(id);
    if (result === "not_found") missing++;
    lines.push(`${result === "deleted" ? "deleted  " : "not found"}  ${id}`);
  }
  if (missing > 0) throw new Error(lines.join("\n"));
  return lines.join("\n");
}

async function dispatch(deps: SubscriptionsCommandDeps, args: readonly string[]): Promise<string> {
  const [area, command, ...rest] = args;
  if (area !== "subscriptions") throw new Error(`usage:\n${MNS_USAGE}`);
  if (command === "list" && rest.length === 0) return listing(await deps.client.list(), deps);
  if (command === "create") return create(deps, rest);
  if (command === "delete") return remove(deps, rest);
  throw new Error(`usage:\n${MNS_USAGE}`);
}

/** Runs the command; a refusal by MNS comes back as its code, what it means and what to do. */
export async function runMnsCommand(
  deps: SubscriptionsCommandDeps,
  args: readonly string[],
): Promise<string> {
  try {
    return await dispatch(deps, args);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const fields = error.details?.["fields"];
    const detail = Array.isArray(fields) ? ` (fields: ${fields.join(", ")})` : "";
    throw new Error(
      `${error.code}: ${error.definition.title}${detail}. ${error.definition.next ?? ""}`.trim(),
    );
  }
}
