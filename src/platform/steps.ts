/**
 * Multi-step checks as lists of small named steps, so a failure names the rule that failed and the
 * list reads as the policy. A step throws an AppError from its domain's catalogue to fail.
 */
import { AppError } from "./errors.ts";

export interface Step<C> {
  readonly name: string;
  run(context: C): void | Promise<void>;
}

/** Raised when a step fails: the catalogue error plus the name of the step. */
export class StepFailed extends AppError {
  readonly step: string;
  constructor(step: string, error: AppError) {
    super(error.definition, {
      cause: error.cause ?? error,
      ...(error.details === undefined ? {} : { details: error.details }),
    });
    this.step = step;
  }
}

/** Runs steps in order; the first failure stops the run and is rethrown as StepFailed. */
export async function runSteps<C>(steps: readonly Step<C>[], context: C): Promise<void> {
  for (const step of steps) {
    try {
      await step.run(context);
    } catch (error) {
      if (error instanceof StepFailed) throw error;
      if (error instanceof AppError) throw new StepFailed(step.name, error);
      throw error;
    }
  }
}
