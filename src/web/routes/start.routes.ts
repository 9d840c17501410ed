/** The start page (signed out) and the home page (signed in). */
import type { FastifyInstance } from "fastify";
import { safeReturnPath } from "../../identity/sign-in.service.ts";
import { signedOutMessage } from "../signed-out-messages.ts";
import { ADMIN_AREAS, formatDateTime } from "../view-engine.ts";

const PROFILE_NAMES = {
  shared: "Shared workstation",
  personal: "Personal device",
  tablet: "Tablet",
} as const;

export async function startRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { signed_out?: string; return_to?: string } }>(
    "/",
    { config: { access: "public" } },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.query.return_to);
      if (request.session) return reply.redirect(returnTo ?? "/home", 303);
      const loginHref = returnTo
        ? `/auth/login?${new URLSearchParams({ return_to: returnTo })}`
        : "/auth/login";
      const reason = request.query.signed_out ?? request.signedOutReason;
      return reply.page("start", {
        signedOut: signedOutMessage(reason),
        loginHref,
        // Once this browser's log-out is done, its other tabs are told at once.
        broadcastSignedOut: typeof reason === "string" && reason.startsWith("logout"),
      });
    },
  );

  app.get<{ Querystring: { role_changed?: string } }>(
    "/home",
    { config: { access: "signed_in" } },
    async (request, reply) => {
      const session = request.session;
      if (!session) return reply.redirect("/", 303);
      const rows = [
        { key: { text: "Name" }, value: { text: session.user.name } },
        {
          key: { text: "Role" },
          value: { text: `${session.role?.roleName ?? "None"} (${session.role?.roleCode ?? "—"})` },
        },
        {
          key: { text: "Organisation" },
          value: { text: `${session.role?.orgName ?? ""} ${session.role?.orgCode ?? ""}`.trim() },
        },
        { key: { text: "Signed in with" }, value: { text: session.authenticator.replaceAll("-", " ") } },
        { key: { text: "Device" }, value: { text: PROFILE_NAMES[session.deviceProfile] } },
        { key: { text: "Signed in at" }, value: { text: formatDateTime(session.createdAt) } },
      ];
      // Back from "Change role": say so, and which role is now in use.
      return reply.page("home", {
        sessionRows: rows,
        roleChanged: request.query.role_changed === "1",
        adminAreas: ADMIN_AREAS,
      });
    },
  );
}

export { PROFILE_NAMES };
