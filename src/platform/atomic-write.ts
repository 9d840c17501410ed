/**
 * A change of state that must commit in the same transaction as the durable record of it, or not
 * at all: spending a launch id with the record that it was spent, for one. The storage layer makes
 * them (it alone knows what `transaction` is) and the one durable writer applies them; anywhere
 * else they are opaque values passed along.
 */
export interface AtomicWrite {
  /**
   * Applies the change inside the writer's open transaction. False when its condition no longer
   * holds (the launch id was spent by another request): the record it came with is then not
   * written, and nothing of the change is left behind.
   */
  readonly apply: (transaction: unknown) => Promise<boolean>;
}
