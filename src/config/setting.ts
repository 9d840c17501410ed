/**
 * What one setting is (environment variable, schema, default, meaning) and the schemas the
 * settings tables share. The tables themselves are `settings*.ts`, joined in settings.ts.
 */
import { isIP } from "node:net";
import { z } from "zod";

export type SettingGroup =
  | "Server"
  | "Storage"
  | "CIS2 sign-in"
  | "Roles"
  | "Sessions"
  | "PDS"
  | "NHS API platform"
  | "NRL"
  | "Patients"
  | "NCRS launch"
  | "API clients"
  | "SMART on FHIR"
  | "Change events"
  | "MESH"
  | "MNS subscriptions"
  | "Start-up doctor"
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

const PROXY_RANGES = ["loopback", "linklocal", "uniquelocal"];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGES.includes(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies' X-Forwarded-For to believe, as Fastify's `trustProxy` takes it: `false`, a hop
 * count, or the proxies' addresses and CIDR ranges. `true` is refused: it would believe any
 * client's X-Forwarded-For, so anyone could choose the address they are rate-limited and audited by.
 */
export const trustProxy = z
  .string()
  .trim()
  .transform((text, ctx): false | number | string[] => {
    if (text === "false") return false;
    if (/^\d{1,2}$/.test(text) && Number(text) >= 1) return Number(text);
    const entries = text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (text === "true" || entries.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message:
          text === "true"
            ? "true would trust X-Forwarded-For from any client: give the number of proxies in front of the service, or their addresses"
            : `must be false, a number of proxy hops (1-99), or proxy addresses and CIDR ranges separated by commas${bad.length > 0 ? ` (not an address: ${bad.join(", ")})` : ""}`,
      });
      return z.NEVER;
    }
    return entries;
  });
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
