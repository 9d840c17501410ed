/**
 * The per-address limit on refusals of requests nobody is signed in for, as routes use it: the
 * limiter, and what to tell when it turns a request away (a metric). Turned-away requests get the
 * catalogue's 429 and are neither recorded nor counted again.
 */
import type { AddressLimiter } from "../platform/address-limiter.ts";

export interface AnonymousLimit {
  readonly limiter: AddressLimiter;
  readonly limited: () => void;
}
