/**
 * MNS's subscription API (`/multicast-notification-service/subscriptions`) behind the simulated
 * API platform: create, search (paged Bundle of bare Subscriptions), read and delete, each with
 * MNS's status codes and JSON error bodies, plus a control API under `/_sim/subscriptions`.
 * Order of refusal: no valid bearer token (401, Apigee's fault shape), no X-Correlation-ID (400),
 * an invalid body (400 `validationErrors`), an event type the publisher has not approved for the
 * calling application (403), an equal subscription already held (409).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { checkSubscriptionBody } from "./subscription-body.ts";
import {
  type StoredSubscription,
  type SubscriberApproval,
  SubscriptionStore,
  subscriptionResource,
} from "./subscription-store.ts";

export const SUBSCRIPTIONS_PATH = "/multicast-notification-service/subscriptions";
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** What the API platform in front says of a bearer token (simulators/apim `holderOf`). */
export type BearerCheck = (token: string) => {
  state: "valid" | "expired" | "unknown";
  apiKey: string | null;
};

export interface SubscriptionApiOptions {
  readonly store: SubscriptionStore;
  readonly bearer: BearerCheck;
  /** Subscriptions per page of a search; default 20. */
  readonly pageSize?: number;
  readonly log: (line: string) => void;
}

function fault(reply: FastifyReply, faultstring: string, errorcode: string): FastifyReply {
  return reply.code(401).send({ fault: { faultstring, detail: { errorcode } } });
}

/** The calling application's API key, or the reply already sent. */
function authenticate(request: FastifyRequest, reply: FastifyReply, bearer: BearerCheck): string | null {
  const header = request.headers.authorization ?? "";
  const token = /^Bearer (\S+)$/.exec(header)?.[1];
  if (!token) {
    fault(reply, "Invalid access token", "oauth.v2.MissingAccessToken");
    return null;
  }
  const holder = bearer(token);
  if (holder.state === "expired")
    fault(reply, "Access Token expired", "keymanagement.service.access_token_expired");
  else if (holder.state !== "valid" || !holder.apiKey)
    fault(reply, "Invalid access token", "oauth.v2.InvalidAccessToken");
  else return holder.apiKey;
  return null;
}

function searchset(origin: string, page: readonly StoredSubscription[], next: string | null): unknown {
  const self = `${origin}${SUBSCRIPTIONS_PATH}`;
  return {
    resourceType: "Bundle",
    type: "searchset",
    total: page.length,
    link: [
      { relation: "self", url: self },
      ...(next ? [{ relation: "next", url: `${self}?continue_from=${encodeURIComponent(next)}` }] : []),
    ],
    entry: page.map(subscriptionResource),
  };
}

function registerReads(api: FastifyInstance, options: SubscriptionApiOptions, origin: () => string): void {
  const pageSize = options.pageSize ?? 20;
  api.get(SUBSCRIPTIONS_PATH, async (request, reply) => {
    const mine = options.store.of(request.apiKey);
    const from = (request.query as Record<string, unknown>)["continue_from"];
    let start = 0;
    if (from !== undefined) {
      const index = mine.findIndex((s) => s.id === from);
      if (index < 0) return reply.code(400).send({ errors: "The continue_from field was not valid" });
      start = index + 1;
    }
    const page = mine.slice(start, start + pageSize);
    const next = start + pageSize < mine.length ? (page.at(-1)?.id ?? null) : null;
    return reply.type("application/fhir+json").send(searchset(origin(), page, next));
  });
  api.get(`${SUBSCRIPTIONS_PATH}/:id`, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!UUID4.test(id))
      return reply.code(400).send({ errors: "Please provide a valid subscription ID in UUID4 format" });
    const found = options.store.find(request.apiKey, id);
    if (!found) return reply.code(404).send({ errors: "Not found" });
    return reply.type("application/fhir+json").send(subscriptionResource(found));
  });
}

function registerWrites(api: FastifyInstance, options: SubscriptionApiOptions): void {
  api.post(SUBSCRIPTIONS_PATH, async (request, reply) => {
    const approval = options.store.approval(request.apiKey);
    const checked = checkSubscriptionBody(request.body, approval?.internal ?? false);
    if (!checked.ok) return reply.code(400).send({ validationErrors: checked.validationErrors });
    const outcome = options.store.create(request.apiKey, checked.request);
    if (outcome.kind === "not_approved") return reply.code(403).send({ errors: "Unauthorised" });
    if (outcome.kind === "duplicate") {
      const kind = outcome.existing.channel === "sqs" ? "SQS" : "MESH";
      return reply
        .code(409)
        .send({ errors: `A matching ${kind} subscription already exists with id: ${outcome.existing.id}` });
    }
    options.log(`MNS subscription ${outcome.subscription.id} created: ${checked.request.eventType}`);
    return reply.code(201).send({ id: outcome.subscription.id });
  });
  api.delete(`${SUBSCRIPTIONS_PATH}/:id`, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!UUID4.test(id))
      return reply.code(400).send({ errors: "Please provide a valid subscription ID in UUID4 format" });
    if (!options.store.delete(request.apiKey, id)) return reply.code(404).send({ errors: "Not found" });
    options.log(`MNS subscription ${id} deleted`);
    return reply.code(204).send();
  });
}

const approvalBody = z.strictObject({
  apiKey: z.string().min(1),
  eventTypes: z.array(z.string().min(1)),
  internal: z.boolean().optional(),
});

function registerControl(app: FastifyInstance, store: SubscriptionStore): void {
  app.get("/_sim/subscriptions", async () => ({
    subscriptions: store.all().map((s) => ({ ...subscriptionResource(s), apiKey: s.apiKey })),
  }));
  app.put("/_sim/subscriptions/approvals", async (request, reply) => {
    const parsed = approvalBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    store.approve(parsed.data);
    return { approved: parsed.data };
  });
  app.delete("/_sim/subscriptions/approvals/:apiKey", async (request, reply) => {
    const { apiKey } = request.params as { apiKey: string };
    return store.offboard(apiKey) ? { offboarded: apiKey } : reply.code(404).send({ error: "not onboarded" });
  });
  app.post("/_sim/subscriptions/reset", async () => {
    store.reset();
    return { status: "reset" };
  });
}

declare module "fastify" {
  interface FastifyRequest {
    apiKey: string;
  }
}

/** Registers the API and its control routes; `origin` is known once the server listens. */
export function registerSubscriptionApi(
  app: FastifyInstance,
  options: SubscriptionApiOptions,
  origin: () => string,
): void {
  registerControl(app, options.store);
  app.register(async (api) => {
    api.decorateRequest("apiKey", "");
    api.addContentTypeParser("application/fhir+json", { parseAs: "string" }, (_request, body, done) => {
      try {
        done(null, JSON.parse(String(body)));
      } catch {
        done(null, { notJson: true });
      }
    });
    api.addHook("onRequest", async (request, reply) => {
      const correlationId = request.headers["x-correlation-id"];
      if (typeof correlationId === "string") reply.header("x-correlation-id", correlationId);
      const apiKey = authenticate(request, reply, options.bearer);
      if (apiKey === null) return reply;
      if (typeof correlationId !== "string" || correlationId === "")
        return reply.code(400).send({ errors: "Missing X-Correlation-ID header" });
      // An application MNS has not onboarded (no publisher approval yet) is refused everything.
      if (!options.store.approval(apiKey)) return reply.code(403).send({ errors: "Unauthorised" });
      request.apiKey = apiKey;
      return undefined;
    });
    registerReads(api, options, origin);
    registerWrites(api, options);
  });
}

/** The simulator's `subscriptions` option. */
export interface SubscriptionsOption {
  /** The API platform's check of a bearer token (the PDS simulator's `platform.holderOf`). */
  readonly bearer: BearerCheck;
  /** Applications the publishers have approved, and for which event types. */
  readonly approvals: readonly SubscriberApproval[];
  readonly pageSize?: number;
}

/** Mounts the subscription API on the MNS simulator's server, with a store of its own. */
export function mountSubscriptionApi(
  app: FastifyInstance,
  option: SubscriptionsOption,
  log: (line: string) => void,
  origin: () => string,
): SubscriptionStore {
  const store = new SubscriptionStore(option.approvals);
  const pageSize = option.pageSize === undefined ? {} : { pageSize: option.pageSize };
  registerSubscriptionApi(app, { store, bearer: option.bearer, log, ...pageSize }, origin);
  return store;
}
