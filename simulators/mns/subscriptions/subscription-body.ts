/**
 * The checks MNS makes of a Subscription body on create (multicast-notification-service.yaml,
 * `create-or-update-subscription-body.yaml`), strict enough to catch a client's mistakes: the
 * only request status `requested`, `reason` present, `criteria` starting `eventType=` with an
 * event type MNS knows, channel type `message`, the exact endpoint pattern (a bare mailbox id or
 * an ARN outside eu-west-2 is refused), and a payload MNS delivers (`application/json+fhir`, the
 * how-to page's misspelling, is refused; CloudEvents only for NHS England's own applications).
 */

/** Event types on MNS's catalogue (national-services.md §5.2). */
export const MNS_EVENT_TYPES = [
  "pds-death-notification-2",
  "pds-change-of-gp-2",
  "nhs-number-change-2",
  "pds-record-change-2",
  "mns-test-signal-1",
  "gpreg-change-gp-req-1",
  "patientflags-change-1",
  "imms-vaccination-record-change-1",
] as const;

const ENDPOINT = /^(mesh:\/\/[\w]*\?workflow_id=[\w_.-]+|arn:aws:sqs:eu-west-2:\d{0,12}:[\w_.-]*)$/;
const CRITERIA = /^eventType=(?:'([^']+)'|([\w-]+))(?:\s+AND\s+.+)?$/;
const PAYLOADS = ["application/fhir+json", "application/json"];

export interface SubscriptionRequest {
  readonly eventType: string;
  readonly criteria: string;
  readonly reason: string;
  readonly endpoint: string;
  readonly payload: string;
  readonly channel: "mesh" | "sqs";
}

export type BodyCheck =
  | { readonly ok: true; readonly request: SubscriptionRequest }
  | { readonly ok: false; readonly validationErrors: Record<string, string> };

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function eventTypeOf(criteria: unknown): string | null {
  if (typeof criteria !== "string") return null;
  const match = CRITERIA.exec(criteria);
  const type = match?.[1] ?? match?.[2];
  return type && (MNS_EVENT_TYPES as readonly string[]).includes(type) ? type : null;
}

function channelErrors(channel: Record<string, unknown> | null, internal: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!channel) return { channel: "channel is required" };
  if (channel["type"] !== "message") errors["channel.type"] = "channel.type must be 'message'";
  if (typeof channel["endpoint"] !== "string" || !ENDPOINT.test(channel["endpoint"]))
    errors["channel.endpoint"] =
      "channel.endpoint must be mesh://<mailbox>?workflow_id=<workflow> or an eu-west-2 SQS queue ARN";
  const payload = channel["payload"];
  if (typeof payload !== "string" || !PAYLOADS.includes(payload))
    errors["channel.payload"] = "channel.payload must be application/fhir+json or application/json";
  else if (payload === "application/json" && !internal)
    errors["channel.payload"] = "application/json (CloudEvents) is for NHS England applications only";
  return errors;
}

/** Checks a create body; `internal`: the calling application may ask for CloudEvents. */
export function checkSubscriptionBody(body: unknown, internal: boolean): BodyCheck {
  const resource = record(body);
  if (resource?.["resourceType"] !== "Subscription")
    return { ok: false, validationErrors: { resourceType: "resourceType must be 'Subscription'" } };
  const errors: Record<string, string> = {};
  if (resource["status"] !== "requested") errors["status"] = "status must be 'requested'";
  if (typeof resource["reason"] !== "string") errors["reason"] = "reason is required (it may be empty)";
  const eventType = eventTypeOf(resource["criteria"]);
  if (!eventType) errors["criteria"] = "criteria must be eventType=<a known event type> [AND <filter>]";
  const channel = record(resource["channel"]);
  Object.assign(errors, channelErrors(channel, internal));
  if (Object.keys(errors).length > 0 || !eventType || !channel)
    return { ok: false, validationErrors: errors };
  const endpoint = channel["endpoint"] as string;
  return {
    ok: true,
    request: {
      eventType,
      criteria: resource["criteria"] as string,
      reason: resource["reason"] as string,
      endpoint,
      payload: channel["payload"] as string,
      channel: endpoint.startsWith("mesh://") ? "mesh" : "sqs",
    },
  };
}
