import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortError } from './errors.js';

/**
 * The AbortSignal of the call a piece of code works for. Carried by async context rather than passed
 * down: a signal given to rename() must reach every request the OSS client makes for it, through layers
 * (jindo → oss → ali-oss) that should not each grow a parameter, and work a call starts in the
 * background (a part upload, a read-ahead) keeps the signal of the call that started it.
 */
const ambient = new AsyncLocalStorage<AbortSignal>();

/**
 * Calls running under a signal now. A second after the last one ended the context is switched off again:
 * on Node 20 an enabled AsyncLocalStorage keeps async hooks on for every promise of the process (a third
 * more time for promise-heavy work such as mem://), which a process should pay only while it uses signals
 * (switching at every call would cost more than it saves). Work a call left running in the background (a
 * part upload, a read-ahead) may then send its later requests without the signal: they are not cut, but the
 * stream the signal aborts still waits for them and cleans up.
 */
let running = 0;
let switchOff: NodeJS.Timeout | undefined;
const SWITCH_OFF_AFTER_MS = 1_000;

function leave(): void {
  if (--running > 0 || switchOff) return;
  switchOff = setTimeout(() => {
    switchOff = undefined;
    if (running === 0) ambient.disable();
  }, SWITCH_OFF_AFTER_MS);
  switchOff.unref();
}

async function runUnder<T>(signal: AbortSignal, body: () => Promise<T>): Promise<T> {
  running++;
  try {
    return await ambient.run(signal, body);
  } finally {
    leave();
  }
}

/** The signal of the call this code runs for, if it was given one. */
export function currentSignal(): AbortSignal | undefined {
  return ambient.getStore();
}

/** The AbortError for `what`, its cause the signal's reason. */
export function abortErrorFor(signal: AbortSignal, what: string, path?: string): AbortError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? ` (${reason.name}: ${reason.message})` : '';
  return new AbortError(`${what}: aborted${why}`, { ...(path === undefined ? {} : { path }), cause: reason });
}

/** Raises AbortError if the current call's signal fired: a check point between the steps of a long call. */
export function throwIfAborted(what: string, path?: string): void {
  const signal = ambient.getStore();
  if (signal?.aborted) throw abortErrorFor(signal, what, path);
}

/** The AbortError in an error's cause chain, if the failure came from an abort. */
export function abortIn(error: unknown): AbortError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) if (e instanceof AbortError) return e;
  return undefined;
}

/** `signal` joined with the current call's (a call made inside a call answers to both). */
export function effectiveSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  const outer = ambient.getStore();
  if (!signal || signal === outer) return outer;
  return outer ? AbortSignal.any([outer, signal]) : signal;
}

/**
 * Runs `body` as a call that `signal` may stop: AbortError at once if it already fired, else `body` (and
 * what it starts) sees it as the current signal; a failure that came from the abort rejects as that
 * AbortError, however a layer wrapped it. Without a signal (none given, none current) just `body()`.
 */
export function runCancellable<T>(signal: AbortSignal | undefined, what: string, path: string | undefined, body: () => Promise<T>): Promise<T> {
  const effective = effectiveSignal(signal);
  // Without a signal: the body's own promise, nothing added on the hot path.
  if (!effective) return body();
  return cancellable(effective, what, path, body);
}

async function cancellable<T>(effective: AbortSignal, what: string, path: string | undefined, body: () => Promise<T>): Promise<T> {
  if (effective.aborted) throw abortErrorFor(effective, what, path);
  try {
    return await (effective === ambient.getStore() ? body() : runUnder(effective, body));
  } catch (error) {
    throw abortIn(error) ?? error;
  }
}

/**
 * Runs `body` outside any signal: clean-up after a failure (an aborted upload, a removed temporary) and
 * commits (a CompleteMultipartUpload, a rename into place), which an abort must not cut in half — an
 * AbortError then always means that nothing was committed.
 */
export function withoutSignal<T>(body: () => T): T {
  return ambient.getStore() === undefined ? body() : ambient.exit(body);
}

/** An async iterable whose every step runs under `signal` (an iterator resumes in its caller's context, not its creator's). */
export function cancellableIterable<T>(signal: AbortSignal | undefined, what: string, path: string | undefined, source: () => AsyncIterable<T>): AsyncIterable<T> {
  const effective = effectiveSignal(signal);
  if (!effective) return { [Symbol.asyncIterator]: () => source()[Symbol.asyncIterator]() };
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      return {
        next: () =>
          runCancellable(effective, what, path, async () => {
            inner ??= source()[Symbol.asyncIterator]();
            return inner.next();
          }),
        return: async (value?: unknown) => {
          await withoutSignal(async () => inner?.return?.(value));
          return { done: true, value: undefined as T };
        },
      };
    },
  };
}

/** setTimeout as a promise that the current call's signal cuts short (a retry's back-off). */
export async function pause(ms: number, what: string, path?: string): Promise<void> {
  const signal = ambient.getStore();
  if (!signal) return void (await sleep(ms));
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw abortErrorFor(signal, what, path);
  }
}

/** Runs `body` under `signal`, the signal kept current until the promises it answers have settled. */
export function runWithSignal<T>(signal: AbortSignal | undefined, body: () => Array<Promise<T>>): Array<Promise<T>> {
  const effective = effectiveSignal(signal);
  if (!effective || effective === ambient.getStore()) return body();
  running++;
  let started: Array<Promise<T>> = [];
  try {
    started = ambient.run(effective, body);
    return started;
  } finally {
    void Promise.allSettled(started).then(leave);
  }
}
