/**
 * What one setting is (environment variable, schema, default, meaning) and the schemas the
 * settings tables share. The tables themselves are `settings*.ts`, joined in settings.ts.
 */
import { z } from "zod";

export type SettingGroup =
  | "Server"
  | "Storage"
  | "CIS2 sign-in"
  | "Roles"
  | "Sessions"
  | "PDS"
  | "Patients"
  | "NCRS launch"
  | "API clients"
  | "Change events"
  | "Audit"
  | "Security"
  | "Development";

export interface Setting<S extends z.ZodType = z.ZodType> {
  readonly env: string;
  readonly group: SettingGroup;
  readonly schema: S;
  /** Raw (string) default, as documented; absent means required or optional without default. */
  readonly default?: string;
  readonly description: string;
  /** A secret: never has a default, never logged. */
  readonly secret?: true;
  /** An unsafe development convenience: announced in the log and on the operations page when on. */
  readonly unsafe?: true;
}

export const bool = z.enum(["true", "false"]).transform((v) => v === "true");
export const positiveInt = z.coerce.number().int().positive();
export const nonNegativeInt = z.coerce.number().int().nonnegative();
export const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);
export const httpUrl = z.url({ protocol: /^https?$/ });
/** `id:key,id:key` with 32-byte keys in base64url; the last listed is the newest. */
export const keyList = z
  .string()
  .regex(
    /^\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}\s*(,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}\s*)*$/,
    "must be id:key pairs separated by commas, each key 32 random bytes in base64url (43 characters)",
  )
  .optional();

export function setting<S extends z.ZodType>(s: Setting<S>): Setting<S> {
  return s;
}
