/** Everything one MESH simulator instance knows, shared by its routes and its test handle. */
import type { MailboxStore } from "./mailbox-store.ts";

export interface MeshState {
  readonly store: MailboxStore;
  readonly sharedKey: string;
  readonly windowMinutes: number;
  readonly seenTokens: Set<string>;
  now(): Date;
  /** Every handshake, inbox listing, chunk download and acknowledgement, for tests. */
  readonly handshakes: { mailbox: string; at: Date }[];
  /** `client`: the CN of the client certificate that listed the inbox. */
  readonly inboxCalls: { mailbox: string; client: string; at: Date; returned: number }[];
  readonly downloads: { id: string; chunk: number }[];
  readonly acknowledged: string[];
  /** Every refused request: status and MESH's message. */
  readonly refusals: { status: number; msg: string }[];
  /** While set, acknowledgements wait for it (crash tests); those waiting are listed here. */
  ackGate: Promise<void> | null;
  readonly heldAcks: string[];
  /** Held acknowledgements whose client went away before release: never applied. */
  readonly abandonedAcks: string[];
  onAckHeld(id: string): void;
}
