/**
 * A named lease: at most one holder at a time across every instance sharing the database, kept by
 * renewing it before it expires. When the holder dies its lease simply runs out and another
 * instance takes it (failover). Used for work that must run on one instance only (the MESH
 * poller); implemented in storage/ on both dialects.
 */
export interface Lease {
  /**
   * Takes the lease for `holder` until `now + ttlMs` if it is free, expired, or already this
   * holder's (a renewal); true when `holder` holds it afterwards. One statement: two instances
   * racing cannot both win.
   */
  acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Gives it up at once (a clean stop), if `holder` still holds it. */
  release(name: string, holder: string): Promise<void>;
  /** Who holds it now, if anyone (for status and tests). */
  holder(name: string, now: Date): Promise<string | null>;
}
