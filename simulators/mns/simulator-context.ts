/**
 * Everything the control API and the scenarios share, built once per simulator so that parallel
 * simulators in tests never share state.
 */

import type { Deliverer } from "./delivery.ts";
import type { DeliveryLog } from "./delivery-log.ts";
import type { EventStore } from "./event-store.ts";
import type { PdsControl } from "./pds-control.ts";
import type { Publisher } from "./publisher.ts";

export interface MnsContext {
  pds: PdsControl;
  publisher: Publisher;
  deliverer: Deliverer;
  deliveries: DeliveryLog;
  events: EventStore;
  /** The shared secret, needed to sign the deliberately malformed deliveries. */
  secret: string;
  log: (line: string) => void;
}

/**
 * Forgets every delivery and remembered event and restarts the change rotation (PDS keeps its
 * own state; reset it separately).
 */
export function resetContext(context: MnsContext): void {
  context.deliveries.clear();
  context.events.clear();
  context.publisher.reset();
  context.log("reset: delivery log and remembered events cleared");
}
