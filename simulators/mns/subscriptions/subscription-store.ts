/**
 * What the simulated MNS knows about subscribers: which event types each application (by its API
 * key on the API platform) has been approved for by the publisher, and the subscriptions each
 * holds. Subscriptions belong to the application that made them: another never sees them.
 */
import { randomUUID } from "node:crypto";
import type { SubscriptionRequest } from "./subscription-body.ts";

export interface SubscriberApproval {
  /** The application's API key on the API platform. */
  readonly apiKey: string;
  /** Event types the publisher has approved this application for. */
  readonly eventTypes: readonly string[];
  /** An NHS England application, allowed CloudEvent payloads. */
  readonly internal?: boolean | undefined;
}

export interface StoredSubscription extends SubscriptionRequest {
  readonly id: string;
  readonly apiKey: string;
  readonly createdAt: string;
}

export type CreateOutcome =
  | { readonly kind: "created"; readonly subscription: StoredSubscription }
  | { readonly kind: "not_approved" }
  | { readonly kind: "duplicate"; readonly existing: StoredSubscription };

export class SubscriptionStore {
  readonly #approvals = new Map<string, SubscriberApproval>();
  readonly #initial: readonly SubscriberApproval[];
  readonly #subscriptions: StoredSubscription[] = [];

  constructor(approvals: readonly SubscriberApproval[]) {
    this.#initial = approvals;
    this.reset();
  }

  approval(apiKey: string): SubscriberApproval | undefined {
    return this.#approvals.get(apiKey);
  }

  /** Takes the application off MNS altogether (not onboarded: every call is refused). */
  offboard(apiKey: string): boolean {
    return this.#approvals.delete(apiKey);
  }

  /** Replaces an application's approved event types (an empty list withdraws them all). */
  approve(approval: SubscriberApproval): void {
    this.#approvals.set(approval.apiKey, approval);
  }

  /**
   * A new subscription, unless the publisher has not approved the event type for this application,
   * or an equal one exists: the same SQS queue for the event type (any application, as MNS
   * documents), or the same application, event type, criteria and MESH endpoint (inferred).
   */
  create(apiKey: string, request: SubscriptionRequest): CreateOutcome {
    if (!this.#approvals.get(apiKey)?.eventTypes.includes(request.eventType)) return { kind: "not_approved" };
    const existing = this.#subscriptions.find(
      (s) =>
        s.eventType === request.eventType &&
        s.endpoint === request.endpoint &&
        (request.channel === "sqs" || (s.apiKey === apiKey && s.criteria === request.criteria)),
    );
    if (existing) return { kind: "duplicate", existing };
    const subscription: StoredSubscription = {
      ...request,
      id: randomUUID(),
      apiKey,
      createdAt: new Date().toISOString(),
    };
    this.#subscriptions.push(subscription);
    return { kind: "created", subscription };
  }

  of(apiKey: string): readonly StoredSubscription[] {
    return this.#subscriptions.filter((s) => s.apiKey === apiKey);
  }

  find(apiKey: string, id: string): StoredSubscription | undefined {
    return this.#subscriptions.find((s) => s.apiKey === apiKey && s.id === id);
  }

  delete(apiKey: string, id: string): boolean {
    const index = this.#subscriptions.findIndex((s) => s.apiKey === apiKey && s.id === id);
    if (index < 0) return false;
    this.#subscriptions.splice(index, 1);
    return true;
  }

  all(): readonly StoredSubscription[] {
    return [...this.#subscriptions];
  }

  reset(): void {
    this.#subscriptions.length = 0;
    this.#approvals.clear();
    for (const approval of this.#initial) this.#approvals.set(approval.apiKey, approval);
  }
}

/** The FHIR Subscription MNS returns for a stored one. */
export function subscriptionResource(s: StoredSubscription): Record<string, unknown> {
  return {
    resourceType: "Subscription",
    id: s.id,
    status: "active",
    reason: s.reason,
    criteria: s.criteria,
    channel: { type: "message", endpoint: s.endpoint, payload: s.payload },
  };
}
