/**
 * Registered workstations: an administrator names this browser and gives it a profile (shared
 * workstation, personal device, tablet). The browser keeps a long-lived device token in a cookie;
 * the profile sets session timeouts and is recorded with every audited action.
 */
import { randomUUID } from "node:crypto";
import type { Events } from "../domain-events.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/errors.ts";
import { digest, randomToken } from "../platform/secrets.ts";
import { workstationErrors } from "./identity.errors.ts";
import type { WorkstationRepository } from "./identity.ports.ts";
import { DEVICE_PROFILES, type DeviceProfile, type Session, type Workstation } from "./identity.types.ts";
import { actorOf, type SessionService } from "./session.service.ts";
import { UNREGISTERED_PROFILE } from "./session-policy.ts";

export interface WorkstationDeps {
  readonly workstations: WorkstationRepository;
  readonly sessions: SessionService;
  readonly events: Events;
  readonly clock: Clock;
}

export interface DeviceContext {
  readonly workstation: Workstation | null;
  readonly profile: DeviceProfile;
}

export class WorkstationService {
  readonly #deps: WorkstationDeps;

  constructor(deps: WorkstationDeps) {
    this.#deps = deps;
  }

  /** The workstation this browser is registered as, or the strictest profile when none. */
  async identify(deviceToken: string | undefined): Promise<DeviceContext> {
    if (!deviceToken) return { workstation: null, profile: UNREGISTERED_PROFILE };
    const workstation = await this.#deps.workstations.findByTokenHash(digest(deviceToken));
    if (!workstation || workstation.revokedAt) return { workstation: null, profile: UNREGISTERED_PROFILE };
    return { workstation, profile: workstation.profile };
  }

  /** Registers the current browser; returns the device token for its cookie. */
  async register(
    input: { name?: unknown; profile?: unknown },
    by: Session,
    correlationId: string,
  ): Promise<{ token: string; workstation: Workstation }> {
    const name = typeof input.name === "string" ? input.name.trim() : "";
    const profile = DEVICE_PROFILES.find((p) => p === input.profile);
    if (name.length < 1 || name.length > 80 || !profile) throw new AppError(workstationErrors.invalid);
    const token = randomToken();
    const workstation: Workstation = {
      id: randomUUID(),
      name,
      profile,
      registeredBy: by.user.id,
      registeredOrg: by.role?.orgCode ?? null,
      registeredAt: this.#deps.clock.now(),
      lastSeenAt: null,
      revokedAt: null,
    };
    await this.#deps.workstations.insert({ ...workstation, deviceTokenHash: digest(token) });
    await this.#deps.events.emit("workstation.registered", {
      correlationId,
      workstationId: workstation.id,
      name,
      profile,
      by: actorOf(by),
    });
    return { token, workstation };
  }

  list(): Promise<Workstation[]> {
    return this.#deps.workstations.list();
  }

  /** Revokes a workstation and ends the sessions started on it. */
  async revoke(id: string, by: Session, correlationId: string): Promise<void> {
    if (!(await this.#deps.workstations.revoke(id, this.#deps.clock.now())))
      throw new AppError(workstationErrors.not_found);
    await this.#deps.sessions.endWhere({ workstationId: id }, "workstation_revoked", correlationId);
    await this.#deps.events.emit("workstation.revoked", {
      correlationId,
      workstationId: id,
      by: actorOf(by),
    });
  }
}
