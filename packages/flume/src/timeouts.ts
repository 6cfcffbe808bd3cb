/** A call that ran past hdfs.callTimeout. */
export class CallTimeoutError extends Error {
  override name = 'CallTimeoutError';
}

/** Flume's callTimeout: the operation's promise, or CallTimeoutError after `ms` (0 waits forever). */
export async function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0) return operation;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(`${what} took longer than hdfs.callTimeout (${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([operation, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs async operations one at a time, in call order (a BucketWriter is used by the sink and its timers). */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation, operation);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
