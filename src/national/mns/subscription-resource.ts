/**
 * The FHIR Subscription this service asks MNS for, one per event type (MNS-OAS
 * `create-or-update-subscription-body.yaml`), and reading the ones MNS returns. External
 * subscribers get the FHIR signal (`application/fhir+json`), delivered to our MESH mailbox under
 * the workflow id we choose.
 */

export interface MnsSubscription {
  readonly id: string;
  readonly status: string;
  /** The event type named by `criteria`, or null when MNS's criteria do not name one we can read. */
  readonly eventType: string | null;
  readonly criteria: string;
  readonly endpoint: string;
  readonly payload: string;
}

export interface MeshDestination {
  readonly mailboxId: string;
  readonly workflowId: string;
}

export const SUBSCRIPTION_REASON = "NCRS Connect: re-read PDS when a patient's record changes";

export function meshEndpoint(destination: MeshDestination): string {
  return `mesh://${destination.mailboxId.toUpperCase()}?workflow_id=${destination.workflowId}`;
}

export function subscriptionBody(eventType: string, destination: MeshDestination): Record<string, unknown> {
  return {
    resourceType: "Subscription",
    status: "requested",
    reason: SUBSCRIPTION_REASON,
    criteria: `eventType=${eventType}`,
    channel: { type: "message", endpoint: meshEndpoint(destination), payload: "application/fhir+json" },
  };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** One Subscription as MNS returns it; null when it is not one. */
export function readSubscription(value: unknown): MnsSubscription | null {
  if (typeof value !== "object" || value === null) return null;
  const resource = value as Record<string, unknown>;
  if (resource["resourceType"] !== "Subscription" || typeof resource["id"] !== "string") return null;
  const channel = (typeof resource["channel"] === "object" && resource["channel"]) || {};
  const criteria = text(resource["criteria"]);
  const match = /^eventType=(?:'([^']+)'|([\w-]+))/.exec(criteria);
  return {
    id: resource["id"],
    status: text(resource["status"]),
    eventType: match?.[1] ?? match?.[2] ?? null,
    criteria,
    endpoint: text((channel as Record<string, unknown>)["endpoint"]),
    payload: text((channel as Record<string, unknown>)["payload"]),
  };
}

/** The entries of a searchset page: bare Subscriptions (as MNS sends them) or FHIR `{resource}` wrappers. */
export function readSearchPage(body: unknown): { entries: MnsSubscription[]; next: string | null } | null {
  if (typeof body !== "object" || body === null) return null;
  const bundle = body as Record<string, unknown>;
  if (bundle["resourceType"] !== "Bundle") return null;
  const raw = Array.isArray(bundle["entry"]) ? (bundle["entry"] as unknown[]) : [];
  const entries: MnsSubscription[] = [];
  for (const entry of raw) {
    const wrapped = (entry as Record<string, unknown> | null)?.["resource"];
    const subscription = readSubscription(wrapped ?? entry);
    if (!subscription) return null;
    entries.push(subscription);
  }
  const links = Array.isArray(bundle["link"]) ? (bundle["link"] as Record<string, unknown>[]) : [];
  const next = links.find((l) => l?.["relation"] === "next")?.["url"];
  return { entries, next: typeof next === "string" ? next : null };
}
