/**
 * MNS's subscription API (`{MNS_API_BASE_URL}/subscriptions`) with the NHS API platform's
 * application-restricted access: list ours (following `link[next]`), create one per event type
 * (an existing equal one, MNS's 409, is reported with its id rather than retried), delete by id.
 * A 401 gets one more try with a fresh token; every failure is in our catalogue, without the token.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../../platform/errors.ts";
import type { AccessTokenSource } from "../apim/access-token.ts";
import { mnsSubscriptionErrors as errors } from "./mns-subscriptions.errors.ts";
import {
  type MeshDestination,
  type MnsSubscription,
  readSearchPage,
  subscriptionBody,
} from "./subscription-resource.ts";

export interface MnsSubscriptionsClientOptions {
  /** e.g. `https://int.api.service.nhs.uk/multicast-notification-service` */
  readonly baseUrl: string;
  readonly tokens: AccessTokenSource;
  readonly timeoutMs: number;
  readonly newCorrelationId?: () => string;
}

export type CreateResult =
  | { readonly kind: "created"; readonly id: string }
  | { readonly kind: "exists"; readonly id: string | null };

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const MAX_PAGES = 100;

export class MnsSubscriptionsClient {
  readonly #options: MnsSubscriptionsClientOptions;
  readonly #base: URL;

  constructor(options: MnsSubscriptionsClientOptions) {
    this.#options = options;
    this.#base = new URL(`${options.baseUrl.replace(/\/+$/, "")}/subscriptions`);
  }

  /** Every subscription of this application. */
  async list(): Promise<MnsSubscription[]> {
    const all: MnsSubscription[] = [];
    let url: URL | null = this.#base;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const answer = await this.#call("GET", url);
      const read = answer.status === 200 ? readSearchPage(answer.body) : null;
      if (!read) throw this.#unexpected(answer);
      all.push(...read.entries);
      url = read.next ? this.#sameOrigin(read.next) : null;
    }
    return all;
  }

  async create(eventType: string, destination: MeshDestination): Promise<CreateResult> {
    const answer = await this.#call("POST", this.#base, subscriptionBody(eventType, destination));
    const id = (answer.body as { id?: unknown } | null)?.id;
    if ((answer.status === 201 || answer.status === 200) && typeof id === "string")
      return { kind: "created", id };
    if (answer.status === 409) {
      const message = String((answer.body as { errors?: unknown } | null)?.errors ?? "");
      return { kind: "exists", id: /id: ([0-9a-f-]{36})/i.exec(message)?.[1] ?? null };
    }
    throw this.#unexpected(answer);
  }

  async delete(id: string): Promise<"deleted" | "not_found"> {
    const answer = await this.#call("DELETE", new URL(`${this.#base.href}/${encodeURIComponent(id)}`));
    if (answer.status === 204 || answer.status === 200) return "deleted";
    if (answer.status === 404) return "not_found";
    throw this.#unexpected(answer);
  }

  #sameOrigin(link: string): URL {
    const url = new URL(link, this.#base);
    if (url.origin !== this.#base.origin)
      throw new AppError(errors.bad_response, { cause: new Error("next link to another origin") });
    return url;
  }

  #unexpected(answer: Answer): AppError {
    const cause = new Error(`MNS answered HTTP ${answer.status}`);
    if (answer.status === 401) return new AppError(errors.unauthorised, { cause });
    if (answer.status === 403) return new AppError(errors.not_approved, { cause });
    if (answer.status === 400) {
      const fields = (answer.body as { validationErrors?: unknown } | null)?.validationErrors;
      const details = typeof fields === "object" && fields ? { fields: Object.keys(fields) } : {};
      return new AppError(errors.invalid_subscription, { cause, details });
    }
    if (answer.status >= 500) return new AppError(errors.unreachable, { cause });
    return new AppError(errors.bad_response, { cause });
  }

  /** One request, and one more with a fresh token when MNS refuses the first (401). */
  async #call(method: string, url: URL, body?: unknown): Promise<Answer> {
    const token = await this.#options.tokens.token();
    const answer = await this.#send(method, url, token, body);
    if (answer.status !== 401 || token === null || !this.#options.tokens.refused?.(token)) return answer;
    return this.#send(method, url, await this.#options.tokens.token(), body);
  }

  async #send(method: string, url: URL, token: string | null, body: unknown): Promise<Answer> {
    const headers: Record<string, string> = {
      accept: "application/fhir+json, application/json",
      "x-correlation-id": (this.#options.newCorrelationId ?? randomUUID)(),
    };
    if (token !== null) headers["authorization"] = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/fhir+json";
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      throw new AppError(errors.unreachable, { cause: error });
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed };
  }
}
