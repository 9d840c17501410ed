/**
 * MNS subscription management from configuration (MNS_*, with the APIM_* access), for the CLI and
 * the doctor. Part of the composition root.
 */
import type { Config } from "../config/load-config.ts";
import type { MeshDestination } from "../national/mns/subscription-resource.ts";
import { MnsSubscriptionsClient } from "../national/mns/subscriptions-client.ts";
import type { Clock } from "../platform/clock.ts";
import { type PlatformAccess, platformAccess } from "./apim.composition.ts";

export interface MnsSubscriptions {
  readonly client: MnsSubscriptionsClient;
  /** Where our subscriptions deliver; null until MNS_SUBSCRIPTION_MAILBOX_ID is set. */
  readonly destination: MeshDestination | null;
  /** One subscription per accepted event type. */
  readonly eventTypes: readonly string[];
}

/** Null when MNS_API_BASE_URL is not set (the configuration check demands APIM_* with it). */
export async function buildMnsSubscriptions(
  config: Config,
  keysDir: string,
  clock: Clock,
  /** The platform access to share, if already built. */
  shared?: PlatformAccess | null,
): Promise<MnsSubscriptions | null> {
  if (!config.mnsApiBaseUrl) return null;
  const access = shared ?? (await platformAccess(config, keysDir, clock));
  if (!access) return null;
  const client = new MnsSubscriptionsClient({
    baseUrl: config.mnsApiBaseUrl,
    tokens: access.source,
    timeoutMs: config.mnsTimeoutMs,
  });
  // Usually the mailbox the MESH poller reads, which is the default.
  const mailboxId = config.mnsSubscriptionMailboxId ?? config.meshMailboxId?.toUpperCase();
  const destination = mailboxId ? { mailboxId, workflowId: config.mnsSubscriptionWorkflowId } : null;
  return { client, destination, eventTypes: config.eventsAcceptedTypes };
}
