/** What the signed context launch needs from storage, and from the place refusals are counted. */

/** Used launch `jti`s, per system: a unique key decides replay in one statement. */
export interface LaunchJtiStore {
  /** Remembers the jti; false when it was remembered before (a replay). */
  remember(clientId: string, jti: string, receivedAt: Date, expiresAt: Date): Promise<boolean>;
}

/**
 * Checked launches waiting for their user to sign in, sealed, by the digest of their random id. The
 * token itself is single use and never kept.
 */
export interface PendingLaunchStore {
  save(idHash: string, sealed: string, createdAt: Date, expiresAt: Date): Promise<void>;
  find(idHash: string, now: Date): Promise<string | undefined>;
  /** Removes it; true for the one caller that removed it (so it is handed over once). */
  claim(idHash: string): Promise<boolean>;
}

/** Seals a value for one holder until a time (src/platform/sealed-token.ts). */
export interface Sealer {
  seal(value: string, holder: string, expiresAt: Date): string;
  open(token: string, holder: string, now: Date): string | undefined;
}

/** Refusals nobody can be named for are counted, not recorded one by one (src/platform/refusal-tally.ts). */
export interface AnonymousRefusals {
  count(refusal: { channel: string; outcome: string; code: string; correlationId: string }): void;
  /** Whether this address may be refused again now; false turns it away (429) uncounted. */
  allow(address: string): boolean;
}
