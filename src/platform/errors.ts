/**
 * The error catalogue mechanism. Each domain declares its errors once (stable code, HTTP status, a
 * message that is safe to show, and what the person should do next); code throws `AppError`s made
 * from those definitions, keeping the original failure as `cause`. One handler turns them into a
 * page or JSON (see error-handler.ts).
 */
export interface ErrorDefinition {
  /** Stable, documented, machine-readable: never reworded once published. */
  readonly code: string;
  readonly status: number;
  /** Page heading / short title. */
  readonly title: string;
  /** Safe for users and API clients; never includes internal detail. */
  readonly message: string;
  /** What to do next, shown on error pages. */
  readonly next?: string;
  /** Where the "what next" action points (a path in this service). */
  readonly action?: { readonly text: string; readonly href: string };
}

export class AppError extends Error {
  readonly definition: ErrorDefinition;
  /** Extra fields for API clients (e.g. which parameter was wrong). Must be safe to disclose. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    definition: ErrorDefinition,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(
      `${definition.code}: ${definition.message}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = "AppError";
    this.definition = definition;
    this.details = options.details;
  }

  get code(): string {
    return this.definition.code;
  }

  get status(): number {
    return this.definition.status;
  }
}

/** Declares a domain's catalogue; keys become the way code refers to each error. */
export function defineErrors<const T extends Record<string, Omit<ErrorDefinition, "code">>>(
  prefix: string,
  table: T,
): { readonly [K in keyof T]: ErrorDefinition } {
  const out: Record<string, ErrorDefinition> = {};
  for (const [key, def] of Object.entries(table)) {
    out[key] = Object.freeze({ ...def, code: `${prefix}.${key}` });
  }
  return Object.freeze(out) as { readonly [K in keyof T]: ErrorDefinition };
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
