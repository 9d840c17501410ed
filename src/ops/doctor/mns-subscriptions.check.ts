/**
 * MNS: that the subscription API answers us (token accepted, application onboarded) and, when our
 * mailbox is configured, that every accepted event type has a subscription delivering to it. A
 * subscription deleted by mistake stops its events without any error anywhere else: this is
 * where it shows.
 */
import type { MeshDestination, MnsSubscription } from "../../national/mns/subscription-resource.ts";
import { meshEndpoint } from "../../national/mns/subscription-resource.ts";
import { isAppError } from "../../platform/errors.ts";
import { type CheckResult, type DoctorCheck, fail, pass, skip } from "./check.ts";

export interface MnsSubscriptionsCheckOptions {
  /** Null when MNS_API_BASE_URL is not set. */
  readonly subscriptions: {
    readonly client: { list(): Promise<MnsSubscription[]> };
    readonly destination: MeshDestination | null;
    readonly eventTypes: readonly string[];
  } | null;
}

function coverage(
  all: readonly MnsSubscription[],
  destination: MeshDestination,
  types: readonly string[],
): CheckResult {
  const endpoint = meshEndpoint(destination);
  const covered = new Set(all.filter((s) => s.endpoint === endpoint).map((s) => s.eventType));
  const missing = types.filter((t) => !covered.has(t));
  if (missing.length > 0)
    return fail(
      `no subscription delivers ${missing.join(", ")} to ${endpoint}`,
      "Run `npm run cli -- mns subscriptions create` (each event type needs the publisher's approval first); until then those events never arrive.",
    );
  return pass(`every accepted event type (${types.length}) has a subscription delivering to ${endpoint}`);
}

export function mnsSubscriptionsCheck(options: MnsSubscriptionsCheckOptions): DoctorCheck {
  return {
    name: "mns-subscriptions",
    async run(): Promise<CheckResult> {
      const subscriptions = options.subscriptions;
      if (!subscriptions) return skip("not configured (MNS_API_BASE_URL is unset)");
      let all: MnsSubscription[];
      try {
        all = await subscriptions.client.list();
      } catch (error) {
        if (!isAppError(error)) throw error;
        const next = error.code.startsWith("apim.") ? "Fix apim-token first." : (error.definition.next ?? "");
        return fail(`${error.code}: ${error.definition.title}`, next);
      }
      if (!subscriptions.destination)
        return pass(
          `the subscription API answered: ${all.length} subscription(s) (MNS_SUBSCRIPTION_MAILBOX_ID unset, so not compared)`,
        );
      return coverage(all, subscriptions.destination, subscriptions.eventTypes);
    },
  };
}
