/** Payloads of the identity domain's events (listed with all others in src/domain-events.ts). */
import type { ClientInfo } from "../platform/client-info.ts";
import type { DeviceProfile, SessionEndReason } from "./identity.types.ts";

export interface Actor {
  readonly userId: string;
  readonly userName: string;
  readonly roleId: string | null;
  readonly roleCode: string | null;
  readonly orgCode: string | null;
  readonly sessionId: string;
  readonly workstationId: string | null;
}

export interface SessionStarted extends Actor {
  readonly correlationId: string;
  /** Where the sign-in came from (address, browser), for support. */
  readonly client: ClientInfo;
  readonly authenticator: string;
  readonly acr: string;
  readonly deviceProfile: DeviceProfile;
  readonly purpose: "sign_in" | "change_role";
}

export interface SessionEnded extends Actor {
  readonly correlationId: string;
  readonly reason: SessionEndReason;
  readonly durationMs: number;
}

export interface SignInStarted {
  readonly correlationId: string;
  readonly purpose: "sign_in" | "change_role";
}

export interface SignInFailed {
  readonly correlationId: string;
  readonly client: ClientInfo;
  readonly code: string;
  readonly step: string;
  readonly userId: string | null;
}

export interface BackchannelLogoutReceived {
  readonly correlationId: string;
  readonly outcome: "ended" | "unknown_session" | "rejected";
  readonly code: string | null;
  readonly sessionsEnded: number;
}

export interface WorkstationRegistered {
  readonly correlationId: string;
  readonly workstationId: string;
  readonly name: string;
  readonly profile: DeviceProfile;
  readonly by: Actor;
}

export interface WorkstationRevoked {
  readonly correlationId: string;
  readonly workstationId: string;
  readonly by: Actor;
}
