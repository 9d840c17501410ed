/**
 * Runs numbered tasks with bounded concurrency, so a burst of thousands of events keeps a fixed
 * number of changes and deliveries in flight instead of opening thousands of connections at once.
 */

/** Calls `task(0 … count-1)` with at most `concurrency` running at a time. */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
