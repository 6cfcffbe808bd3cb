/**
 * Runs `task` for every item, at most `limit` at a time, in order of start; the first failure is raised
 * once every started task has settled (none is left running behind the caller's back), and no task starts
 * after a failure. Items may come from an async iterable (a listing), pulled only as workers free up, so a
 * huge listing is never held in memory.
 */
export async function runBounded<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]());
  let next = 0;
  let failed = false;
  let failure: unknown;
  const fail = (error: unknown) => {
    if (!failed) {
      failed = true;
      failure = error;
    }
  };
  const worker = async () => {
    while (!failed) {
      let step: IteratorResult<T>;
      try {
        step = await iterator.next();
      } catch (error) {
        fail(error);
        return;
      }
      if (step.done) return;
      await task(step.value, next++).catch(fail);
    }
  };
  const workers = Array.isArray(items) ? Math.min(limit, items.length) : limit;
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  if (failed) {
    await iterator.return?.().catch(() => undefined);
    throw failure;
  }
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return {
    next: async () => iterator.next(),
    return: async () => iterator.return?.() ?? { done: true, value: undefined },
  };
}
