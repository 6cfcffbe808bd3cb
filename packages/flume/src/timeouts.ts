/** A call that ran past hdfs.callTimeout. */
export class CallTimeoutError extends Error {
  override name = 'CallTimeoutError';
}

/**
 * Flume's callTimeout: the operation's promise, or CallTimeoutError after `ms` (0 waits forever). An
 * operation given as a function of a signal is cut when the time is up, as Flume cancels the call's
 * future (an hflush or close then fails as any failed call does, a rename stops); a promise cannot be cut
 * and goes on in the background.
 */
export async function withTimeout<T>(operation: Promise<T> | ((signal: AbortSignal | undefined) => Promise<T>), ms: number, what: string): Promise<T> {
  if (ms <= 0) return typeof operation === 'function' ? operation(undefined) : operation;
  const controller = new AbortController();
  const running = typeof operation === 'function' ? operation(controller.signal) : operation;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CallTimeoutError(`${what} took longer than hdfs.callTimeout (${ms} ms)`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
    // The cut call's own rejection (AbortError) is not news: the caller heard CallTimeoutError.
    running.catch(() => undefined);
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
