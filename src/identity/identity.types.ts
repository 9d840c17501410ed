/** The identity domain's vocabulary: users, CIS2 roles, sessions and workstations. */

export type DeviceProfile = "shared" | "personal" | "tablet";
export const DEVICE_PROFILES: readonly DeviceProfile[] = ["shared", "personal", "tablet"];

export interface SignedInUser {
  /** CIS2 `sub`: the user's 12-digit Care Identity UUID. */
  readonly id: string;
  readonly name: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly title?: string;
  readonly email?: string;
}

/** A national RBAC role profile the user selected at CIS2 (`selected_roleid`). */
export interface Cis2Role {
  readonly roleId: string;
  readonly orgCode: string;
  readonly orgName?: string;
  /** `S…:G…:R…`; the `R…` part is the job role. */
  readonly roleCode: string;
  /** Display name: the last segment of CIS2's quoted, colon-joined `role_name`. */
  readonly roleName: string;
  readonly activityCodes: readonly string[];
}

export type SessionEndReason =
  | "logout"
  | "idle_timeout"
  | "absolute_timeout"
  | "backchannel_logout"
  | "signed_in_elsewhere"
  | "replaced"
  | "workstation_revoked";

export interface Session {
  /** Public id (UUID) used in logs, audit and events; the cookie token is never exposed. */
  readonly id: string;
  readonly user: SignedInUser;
  readonly role: Cis2Role | null;
  readonly cis2Sid: string;
  readonly acr: string;
  readonly amr: readonly string[];
  /** Authenticator kind derived from `amr` (e.g. `smartcard-connect`), or `unknown`. */
  readonly authenticator: string;
  readonly authenticationAssurance: number;
  readonly authTime: Date;
  readonly workstationId: string | null;
  readonly deviceProfile: DeviceProfile;
  readonly idleSeconds: number;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly endedAt: Date | null;
  readonly endReason: SessionEndReason | null;
}

export interface Workstation {
  readonly id: string;
  readonly name: string;
  readonly profile: DeviceProfile;
  readonly registeredBy: string;
  readonly registeredOrg: string | null;
  readonly registeredAt: Date;
  readonly lastSeenAt: Date | null;
  readonly revokedAt: Date | null;
}

/** What a session's role lets its user do, derived from activity codes and configuration. */
export interface Permissions {
  readonly clinical: boolean;
  readonly admin: boolean;
}
