import { FileNotFoundError, IOError, type IOErrorOptions } from '@hadoopfs/core';

/** What the store said about a failed request, on every error an adapter raises for one. */
export interface StoreErrorFacts {
  /** The store's error code (`NoSuchKey`, `SlowDown`, …), or the client's when no answer came. */
  storeCode: string | undefined;
  /** The HTTP status; undefined when no answer came (reset, refused, timed out). */
  status: number | undefined;
  /** The store's request id: what its support asks for. */
  requestId: string | undefined;
}

/**
 * How the request failed, for the client that decides whether to send it again; attached by the adapter,
 * not enumerable (it is not for logs).
 */
export interface StoreFailure {
  /** The store said "later" (5xx, 429, SlowDown), the bytes changed on the way, or no answer came. */
  retryable: boolean;
  /** No answer came: the request may have been applied. */
  unanswered: boolean;
  /** The endpoint could not be reached (refused, unknown host): it was certainly not applied. */
  unreachable: string | undefined;
}

const FAILURE = Symbol('hadoopfs.storeFailure');

/** The facts of a store failure, if `error` came from one. */
export function storeErrorFacts(error: unknown): StoreErrorFacts | undefined {
  if (!(error instanceof IOError) || !('storeCode' in error)) return undefined;
  const e = error as IOError & StoreErrorFacts;
  return { storeCode: e.storeCode, status: e.status, requestId: e.requestId };
}

/** Puts the facts on `error` (enumerable: they are what code reads) and the failure kind beside them (not). */
export function withStoreFacts<E extends Error>(error: E, facts: StoreErrorFacts, failure: StoreFailure): E & StoreErrorFacts {
  Object.defineProperty(error, FAILURE, { value: failure, enumerable: false });
  return Object.assign(error, facts);
}

/** How a store failure failed; a failure that is not a store's (a bug, a closed client) is final. */
export function storeFailureOf(error: unknown): StoreFailure {
  const failure = (error as { [FAILURE]?: StoreFailure } | null)?.[FAILURE];
  return failure ?? { retryable: false, unanswered: false, unreachable: undefined };
}

/** The upload named is gone: completed or aborted (a FileNotFoundError, as Hadoop reports a missing upload). */
export class UploadNotFoundError extends FileNotFoundError {
  override name = 'UploadNotFoundError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, options);
  }
}

/** The bucket of a URI does not exist (code ENXIO: no such device, as a missing disk would be): a configuration error, not "no such file". */
export class NoSuchBucketError extends IOError {
  override name = 'NoSuchBucketError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'ENXIO', options);
  }
}
