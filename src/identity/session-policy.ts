/** Session lifetimes per device profile (pure). Unregistered browsers get the strictest profile. */
import type { DeviceProfile, Session } from "./identity.types.ts";

export interface Lifetime {
  readonly idleSeconds: number;
  readonly absoluteSeconds: number;
}

export type SessionLifetimes = Readonly<Record<DeviceProfile, Lifetime>>;

export const UNREGISTERED_PROFILE: DeviceProfile = "shared";

export type SessionState =
  | { readonly kind: "active"; readonly idleExpiresAt: Date }
  | { readonly kind: "ended"; readonly reason: string }
  | { readonly kind: "expired"; readonly reason: "idle_timeout" | "absolute_timeout" };

export function idleExpiresAt(session: Pick<Session, "lastSeenAt" | "idleSeconds">): Date {
  return new Date(session.lastSeenAt.getTime() + session.idleSeconds * 1000);
}

/** Whether a session may be used at `now`, and if not, why. */
export function sessionState(session: Session, now: Date): SessionState {
  if (session.endedAt) return { kind: "ended", reason: session.endReason ?? "ended" };
  if (now >= session.absoluteExpiresAt) return { kind: "expired", reason: "absolute_timeout" };
  const idle = idleExpiresAt(session);
  if (now >= idle) return { kind: "expired", reason: "idle_timeout" };
  return { kind: "active", idleExpiresAt: idle };
}
