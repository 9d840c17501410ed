/**
 * Every domain event, in one table: `noun.past_verb` → payload. Metrics subscribe now; the audit
 * trail subscribes too. Add a row here before emitting anything new.
 */
import type {
  BackchannelLogoutReceived,
  SessionEnded,
  SessionStarted,
  SignInFailed,
  SignInStarted,
  WorkstationRegistered,
  WorkstationRevoked,
} from "./identity/identity.events.ts";
import { DomainEventBus } from "./platform/domain-event-bus.ts";

export interface DomainEvents {
  "sign_in.started": SignInStarted;
  "sign_in.failed": SignInFailed;
  "session.started": SessionStarted;
  "session.ended": SessionEnded;
  "backchannel_logout.received": BackchannelLogoutReceived;
  "workstation.registered": WorkstationRegistered;
  "workstation.revoked": WorkstationRevoked;
}

export type DomainEventName = keyof DomainEvents;

export const DOMAIN_EVENT_NAMES: readonly DomainEventName[] = [
  "sign_in.started",
  "sign_in.failed",
  "session.started",
  "session.ended",
  "backchannel_logout.received",
  "workstation.registered",
  "workstation.revoked",
];

export type Events = DomainEventBus<DomainEvents>;

export function createEventBus(): Events {
  return new DomainEventBus<DomainEvents>();
}
