/**
 * "Having trouble opening NCRS?" content, from editable JSON files per organisation (see
 * content/README.md), falling back to the defaults. Loaded and checked once at start, so a broken
 * file stops the service with a clear message instead of showing a broken page.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { DeviceProfile } from "../identity/identity.types.ts";

export type HelpProfile = DeviceProfile | "mobile";

const checklist = z.object({ title: z.string().min(1).optional(), items: z.array(z.string().min(1)).min(1) });
const button = z.object({
  helperText: z.string().min(1),
  helperTextByProfile: z.record(z.string(), z.string().min(1)).optional(),
});

type Checklist = z.infer<typeof checklist>;
type ButtonCopy = z.infer<typeof button>;

interface OrganisationContent {
  readonly button?: ButtonCopy;
  readonly profiles: Record<string, Checklist>;
  readonly authenticators: Record<string, Checklist>;
  readonly popupBlocked?: Checklist;
}

export interface LaunchHelp {
  readonly helperText: string;
  readonly checklist: { readonly title: string; readonly items: readonly string[] };
  readonly popupBlocked: { readonly title: string; readonly items: readonly string[] };
}

function readJson<T>(path: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function readFolder(dir: string): Record<string, Checklist> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f.slice(0, -5), readJson(join(dir, f), checklist)]),
  );
}

function readOrganisation(dir: string): OrganisationContent {
  const at = (name: string) => join(dir, name);
  return {
    ...(existsSync(at("button.json")) ? { button: readJson(at("button.json"), button) } : {}),
    profiles: readFolder(at("profiles")),
    authenticators: readFolder(at("authenticators")),
    ...(existsSync(at("popup-blocked.json"))
      ? { popupBlocked: readJson(at("popup-blocked.json"), checklist) }
      : {}),
  };
}

export class LaunchHelpContent {
  readonly #organisations: ReadonlyMap<string, OrganisationContent>;
  readonly #defaults: OrganisationContent;

  private constructor(organisations: Map<string, OrganisationContent>) {
    const defaults = organisations.get("default");
    if (!defaults?.button || !defaults.popupBlocked)
      throw new Error("launch-help/default needs button.json and popup-blocked.json");
    this.#defaults = defaults;
    this.#organisations = organisations;
  }

  /** Loads `<contentDir>/launch-help/*`; throws naming the file at fault. */
  static load(contentDir: string): LaunchHelpContent {
    const root = join(contentDir, "launch-help");
    const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
    return new LaunchHelpContent(new Map(folders.map((d) => [d.name, readOrganisation(join(root, d.name))])));
  }

  /** The help for this organisation, device profile and authenticator. */
  for(orgCode: string | null, profile: HelpProfile, authenticator: string): LaunchHelp {
    const org = (orgCode ? this.#organisations.get(orgCode) : undefined) ?? {
      profiles: {},
      authenticators: {},
    };
    const d = this.#defaults;
    const copy = org.button ?? (d.button as ButtonCopy);
    const byProfile = org.profiles[profile] ?? d.profiles[profile] ?? d.profiles["shared"];
    const byAuthenticator =
      org.authenticators[authenticator] ?? d.authenticators[authenticator] ?? d.authenticators["unknown"];
    const popup = org.popupBlocked ?? (d.popupBlocked as Checklist);
    return {
      helperText: copy.helperTextByProfile?.[profile] ?? copy.helperText,
      checklist: {
        title: byProfile?.title ?? "Having trouble opening NCRS?",
        items: [...(byProfile?.items ?? []), ...(byAuthenticator?.items ?? [])],
      },
      popupBlocked: { title: popup.title ?? "Your browser blocked NCRS from opening", items: popup.items },
    };
  }
}

/** The help profile: a registered device's profile, or phones and tablets recognised by their browser. */
export function helpProfileFor(
  deviceProfile: DeviceProfile,
  registered: boolean,
  userAgent: string | undefined,
): HelpProfile {
  if (registered) return deviceProfile;
  const ua = userAgent ?? "";
  if (/iPad|Tablet|Android(?!.*Mobile)/i.test(ua)) return "tablet";
  if (/iPhone|Android.*Mobile|Mobile Safari/i.test(ua)) return "mobile";
  return deviceProfile;
}
