/**
 * MNS subscriptions (group "MNS subscriptions"): where MNS's subscription API is, and the MESH
 * mailbox and workflow our subscriptions ask MNS to deliver to. One subscription per event type in
 * EVENTS_ACCEPTED_TYPES. Managed with `npm run cli -- mns subscriptions list|create|delete`, with
 * the NHS API platform's application-restricted access (APIM_*), as docs/adr/0021 says.
 */
import { z } from "zod";
import { httpUrl, positiveInt, setting } from "./setting.ts";

export const mnsSettings = {
  mnsApiBaseUrl: setting({
    env: "MNS_API_BASE_URL",
    group: "MNS subscriptions",
    schema: httpUrl.transform((url) => url.replace(/\/+$/, "")).optional(),
    description:
      "Base URL of MNS's subscription API (INT: `https://int.api.service.nhs.uk/multicast-notification-service`; production: `https://api.service.nhs.uk/multicast-notification-service`). Needs APIM_TOKEN_URL and APIM_API_KEY (MNS takes application-restricted access only). Unset: no subscriptions are managed and the doctor skips its MNS check. `npm start` points it at the MNS simulator.",
  }),
  mnsSubscriptionMailboxId: setting({
    env: "MNS_SUBSCRIPTION_MAILBOX_ID",
    group: "MNS subscriptions",
    schema: z
      .string()
      .trim()
      .regex(/^\w+$/, "letters, digits and underscores only (a MESH mailbox id)")
      .transform((id) => id.toUpperCase())
      .optional(),
    description:
      "The MESH mailbox MNS delivers our events to: each subscription's endpoint is `mesh://<this>?workflow_id=<MNS_SUBSCRIPTION_WORKFLOW_ID>`. Unset: MESH_MAILBOX_ID, the mailbox this service polls. Needed to create subscriptions, and by the doctor to tell ours from others.",
  }),
  mnsSubscriptionWorkflowId: setting({
    env: "MNS_SUBSCRIPTION_WORKFLOW_ID",
    group: "MNS subscriptions",
    schema: z
      .string()
      .trim()
      .regex(/^[\w.-]+$/, "letters, digits, `_`, `.` and `-` only"),
    default: "NCRS_CONNECT_MNS",
    description:
      "The MESH workflow id MNS puts on the messages of our subscriptions (MNS lets the subscriber choose it; whether MESH must register it for the mailbox is unconfirmed: ask at onboarding).",
  }),
  mnsTimeoutMs: setting({
    env: "MNS_TIMEOUT_MS",
    group: "MNS subscriptions",
    schema: positiveInt,
    default: "5000",
    description: "Time limit of each request to MNS's subscription API.",
  }),
} as const;

interface MnsConfig {
  readonly mnsApiBaseUrl: string | undefined;
  readonly apimTokenUrl: string | undefined;
  readonly apimApiKey: string | undefined;
  readonly allowInsecureHttp: boolean;
}

/** Settings that only make sense together, said as problems to fix before start. */
export function mnsProblems(c: MnsConfig): string[] {
  if (!c.mnsApiBaseUrl) return [];
  const problems: string[] = [];
  if (!c.apimTokenUrl) problems.push("APIM_TOKEN_URL: required with MNS_API_BASE_URL");
  if (!c.apimApiKey) problems.push("APIM_API_KEY: required with MNS_API_BASE_URL");
  if (c.mnsApiBaseUrl.startsWith("http:") && !c.allowInsecureHttp)
    problems.push("MNS_API_BASE_URL: an http URL needs DEV_ALLOW_HTTP=true (local simulator only)");
  return problems;
}
