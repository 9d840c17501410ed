/**
 * The simulator's actions as a table: name, body schema and what runs. The JSON control API and
 * the control page's forms both go through here, so a form can do nothing the API cannot.
 */
import { z } from "zod";
import { ControlError } from "./control-error.ts";
import {
  burstBody,
  duplicateBody,
  malformedBody,
  outOfOrderBody,
  publishBody,
  unknownPatientBody,
} from "./control-schemas.ts";
import { runBurst } from "./scenarios/burst.ts";
import { runDuplicate } from "./scenarios/duplicate.ts";
import { runMalformed } from "./scenarios/malformed.ts";
import { runOutOfOrder } from "./scenarios/out-of-order.ts";
import { runUnknownPatient } from "./scenarios/unknown-patient.ts";
import type { MnsContext } from "./simulator-context.ts";

export interface CommandOutcome {
  status: number;
  body: unknown;
}

interface Command {
  name: string;
  run(context: MnsContext, input: unknown): Promise<CommandOutcome>;
}

function command<S extends z.ZodType>(
  name: string,
  schema: S,
  action: (context: MnsContext, body: z.output<S>) => Promise<unknown>,
): Command {
  return {
    name,
    async run(context, input) {
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        return { status: 400, body: { error: "invalid request", details: z.prettifyError(parsed.error) } };
      }
      try {
        return { status: 200, body: await action(context, parsed.data) };
      } catch (error) {
        if (error instanceof ControlError) return { status: error.status, body: { error: error.message } };
        throw error;
      }
    },
  };
}

export const COMMANDS: readonly Command[] = [
  command("publish", publishBody, (context, body) => context.publisher.publish(body)),
  command("burst", burstBody, runBurst),
  command("duplicate", duplicateBody, runDuplicate),
  command("out-of-order", outOfOrderBody, runOutOfOrder),
  command("unknown-patient", unknownPatientBody, runUnknownPatient),
  command("malformed", malformedBody, runMalformed),
];

/** Runs the named command with an unchecked body. */
export function runCommand(context: MnsContext, name: string, input: unknown): Promise<CommandOutcome> {
  const found = COMMANDS.find((candidate) => candidate.name === name);
  if (!found) return Promise.resolve({ status: 404, body: { error: `No action ${name}` } });
  return found.run(context, input);
}
