/**
 * Which pointer types a role and organisation may see (pure). Configured as rules
 * (`NRL_POINTER_TYPES`): a rule applies to a session when its role has one of the rule's
 * activity codes (or the rule lists none) and its organisation is one of the rule's ODS codes
 * (or the rule lists none); the types a session may see are the union of the rules that apply.
 * `*` means every type. No rule applying means no pointer is shown.
 */
export interface VisibilityRule {
  readonly types: readonly string[];
  readonly activityCodes?: readonly string[] | undefined;
  readonly odsCodes?: readonly string[] | undefined;
}

export interface Viewer {
  readonly activityCodes: readonly string[];
  readonly odsCode: string;
}

export type VisibleTypes = "all" | ReadonlySet<string>;

export function visibleTypes(viewer: Viewer, rules: readonly VisibilityRule[]): VisibleTypes {
  const types = new Set<string>();
  for (const rule of rules) {
    const roleMatches =
      !rule.activityCodes?.length || rule.activityCodes.some((c) => viewer.activityCodes.includes(c));
    const orgMatches = !rule.odsCodes?.length || rule.odsCodes.includes(viewer.odsCode);
    if (!roleMatches || !orgMatches) continue;
    if (rule.types.includes("*")) return "all";
    for (const type of rule.types) types.add(type);
  }
  return types;
}

export function isVisible(typeCode: string, visible: VisibleTypes): boolean {
  return visible === "all" || visible.has(typeCode);
}
