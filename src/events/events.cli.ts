/**
 * The `events` commands of the operations CLI (src/cli.ts builds the admin service and calls
 * `runEventsCommand`). Output is plain text for a terminal; NHS numbers are shown, as on the admin
 * page, because the CLI is for operators who may see them.
 *
 *   events summary                              counts by status, backlog, oldest waiting
 *   events list [--status S] [--type T] [--nhs-number N] [--from ISO] [--to ISO]
 *   events show <id>                            one event, with its raw body
 *   events replay <id>                          process one event again
 *   events replay --from ISO --to ISO           every finished event received in [from, to)
 *   events replay --dead                        every dead-lettered event
 *   events replay --all                         every finished event (after a change of logic)
 */
import { randomUUID } from "node:crypto";
import { EVENT_STATUSES, type EventStatus } from "./event.types.ts";
import type { EventAdminService, EventQuery } from "./event-admin.service.ts";
import type { ReplaySelection } from "./events.ports.ts";

export const EVENTS_USAGE = [
  "usage: npm run cli -- events summary",
  "       npm run cli -- events list [--status S] [--type T] [--nhs-number N] [--from ISO] [--to ISO]",
  "       npm run cli -- events show <id>",
  "       npm run cli -- events replay <id> | --from ISO --to ISO | --dead | --all",
].join("\n");

/** `--name value` pairs and the remaining positional arguments. */
export function parseArgs(args: readonly string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("--")) positional.push(arg);
    else if (arg === "--dead" || arg === "--all") flags.set(arg.slice(2), "true");
    else flags.set(arg.slice(2), args[++i] ?? "");
  }
  return { flags, positional };
}

function dateFlag(flags: Map<string, string>, name: string): Date | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`--${name} must be a date and time, e.g. 2026-05-01T09:00:00Z`);
  return date;
}

function queryOf(flags: Map<string, string>): EventQuery {
  const status = flags.get("status");
  if (status !== undefined && !EVENT_STATUSES.includes(status as EventStatus))
    throw new Error(`--status must be one of ${EVENT_STATUSES.join(", ")}`);
  const from = dateFlag(flags, "from");
  const to = dateFlag(flags, "to");
  const type = flags.get("type");
  const nhs = flags.get("nhs-number");
  return {
    ...(status ? { status: status as EventStatus } : {}),
    ...(type ? { type } : {}),
    ...(nhs ? { nhsNumber: nhs } : {}),
    ...(from ? { receivedFrom: from } : {}),
    ...(to ? { receivedTo: to } : {}),
  };
}

/** Counts by status, backlog and the oldest waiting event. */
export async function inspectSummary(admin: EventAdminService): Promise<string> {
  const counts = await admin.summary();
  const lines = Object.entries(counts.byStatus).map(([status, n]) => `${status.padEnd(10)} ${n}`);
  lines.push(`backlog    ${counts.backlog}`);
  lines.push(`oldest waiting since ${counts.oldestUnprocessedAt?.toISOString() ?? "-"}`);
  return lines.join("\n");
}

/** One page of events, newest first. */
export async function inspectList(admin: EventAdminService, flags: Map<string, string>): Promise<string> {
  const rows = await admin.list(queryOf(flags));
  if (rows.length === 0) return "no events";
  return rows
    .map(({ event: e, nhsNumber }) =>
      [
        e.id,
        e.receivedAt.toISOString(),
        e.type,
        nhsNumber,
        e.status,
        e.outcome ?? e.lastError ?? "-",
        `attempts ${e.attempts}`,
      ].join("  "),
    )
    .join("\n");
}

/** One event in full, with its raw body. */
export async function inspectEvent(admin: EventAdminService, id: string | undefined): Promise<string> {
  if (!id) throw new Error(EVENTS_USAGE);
  const { event: e, nhsNumber, contentType, body } = await admin.get(id);
  const fields: [string, unknown][] = [
    ["id", e.id],
    ["source", e.source],
    ["external id", e.externalId],
    ["type", e.type],
    ["NHS number", nhsNumber],
    ["PDS version", e.pdsVersion ?? "-"],
    ["received", e.receivedAt.toISOString()],
    ["status", e.status],
    ["outcome", e.outcome ?? "-"],
    ["notable", e.notable.join(", ") || "-"],
    ["attempts", e.attempts],
    ["last error", e.lastError ?? "-"],
    ["generation", e.generation],
    ["content type", contentType],
  ];
  return `${fields.map(([k, v]) => `${k.padEnd(13)} ${String(v)}`).join("\n")}\n\n${body}`;
}

/** Replays one event; returns the line to print. */
export async function replayOne(admin: EventAdminService, id: string, operator: string): Promise<string> {
  return replayed(admin, { kind: "one", id }, operator);
}

/** Replays every finished event received in [from, to). */
export async function replayRange(
  admin: EventAdminService,
  from: Date,
  to: Date,
  operator: string,
): Promise<string> {
  return replayed(admin, { kind: "range", from, to }, operator);
}

/** Replays every dead-lettered event. */
export async function replayDead(admin: EventAdminService, operator: string): Promise<string> {
  return replayed(admin, { kind: "dead" }, operator);
}

/** Replays every finished event (after a change of processing logic). */
export async function replayAll(admin: EventAdminService, operator: string): Promise<string> {
  return replayed(admin, { kind: "all" }, operator);
}

async function replayed(
  admin: EventAdminService,
  selection: ReplaySelection,
  operator: string,
): Promise<string> {
  const correlationId = randomUUID();
  const count = await admin.replay(selection, { cli: operator }, correlationId);
  return `${count} event${count === 1 ? "" : "s"} queued for processing again (reference ${correlationId})`;
}

function replay(
  admin: EventAdminService,
  flags: Map<string, string>,
  positional: string[],
  operator: string,
) {
  const from = dateFlag(flags, "from");
  const to = dateFlag(flags, "to");
  if (positional[0]) return replayOne(admin, positional[0], operator);
  if (from && to) return replayRange(admin, from, to, operator);
  if (flags.has("dead")) return replayDead(admin, operator);
  if (flags.has("all")) return replayAll(admin, operator);
  throw new Error(EVENTS_USAGE);
}

/**
 * Runs one `events …` command; returns what to print.
 *
 * @param operator who is running it (recorded with every replay), e.g. the operating-system user.
 * @throws Error with the usage text for a command it does not know; AppErrors from the service.
 */
export async function runEventsCommand(
  admin: EventAdminService,
  args: readonly string[],
  operator: string,
): Promise<string> {
  const [command, ...rest] = args;
  const { flags, positional } = parseArgs(rest);
  switch (command) {
    case "summary":
      return inspectSummary(admin);
    case "list":
      return inspectList(admin, flags);
    case "show":
      return inspectEvent(admin, positional[0]);
    case "replay":
      return replay(admin, flags, positional, operator);
    default:
      throw new Error(EVENTS_USAGE);
  }
}
