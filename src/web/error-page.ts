/**
 * What the error page shows beyond the catalogue entry. A refusal whose way out is "Change role"
 * names the role it refused (the one chosen at CIS2, or the session's), so the user knows which
 * role to change from and what the button will do.
 */
import type { FastifyRequest } from "fastify";
import { roleShown } from "../identity/roles.ts";
import type { ErrorView } from "../platform/http/error-handler.ts";

export const CHANGE_ROLE_PATH = "/auth/change-role";

interface RoleShown {
  readonly roleName: string;
  readonly orgName: string | null;
  readonly orgCode: string;
}

function isRoleShown(value: unknown): value is RoleShown {
  const v = value as Partial<RoleShown> | null;
  return typeof v?.roleName === "string" && typeof v.orgCode === "string";
}

export function errorPageData(request: FastifyRequest, view: ErrorView): Record<string, unknown> {
  const offersChangeRole = view.definition.action?.href === CHANGE_ROLE_PATH;
  const refused = view.details?.["refusedRole"];
  const sessionRole = request.session?.role;
  const role = !offersChangeRole
    ? null
    : isRoleShown(refused)
      ? refused
      : sessionRole
        ? roleShown(sessionRole)
        : null;
  return { error: view.definition, correlationId: view.correlationId, role, offersChangeRole };
}
