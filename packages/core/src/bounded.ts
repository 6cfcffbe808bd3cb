/**
 * Runs `task` for every item, at most `limit` at a time, in order of start; the first failure is raised
 * once every task has settled (none is left running behind the caller's back).
 */
export async function runBounded<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index).catch((error: unknown) => {
        if (!failed) {
          failed = true;
          failure = error;
        }
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failure;
}
