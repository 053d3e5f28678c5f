/*
 * Bounded concurrency that keeps order within a lane: the poller runs the messages (or outbox rows) of
 * different workflows side by side, and those of one workflow one after another, in the order given.
 */

/** Groups items by key, each group in input order; groups ordered by their first item. */
export function groupInOrder<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/**
 * Runs every lane, at most `concurrency` at once; within a lane `run` is awaited item by item. When a
 * `run` throws, no new item starts, the ones in flight finish, and then the first error is thrown: the
 * caller never returns while work it started is still going on.
 */
export async function runLanes<T>(
  lanes: readonly (readonly T[])[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const slot = async () => {
    while (!failed && next < lanes.length) {
      const lane = lanes[next++] as readonly T[];
      for (const item of lane) {
        if (failed) return;
        try {
          await run(item);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    }
  };
  const slots = Array.from({ length: Math.max(1, Math.min(concurrency, lanes.length)) }, slot);
  const settled = await Promise.allSettled(slots);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}
