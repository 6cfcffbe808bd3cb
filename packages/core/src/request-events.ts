/**
 * One request a store made (hadoopfs's hook for logging and metrics): what it was, how long it took, and
 * how it ended — `retried` attempts are followed by another event for the next attempt. Never carries
 * credentials or bodies.
 */
export interface RequestEvent {
  /** The store's name for the request (OSS: the API, `PutObject`, `UploadPart`, …). */
  readonly operation: string;
  /** What it was about (`oss://bucket/key`). */
  readonly path: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'retried' | 'failed';
  /** The HTTP status of a failed attempt, where there was one. */
  readonly status?: number;
  /** The store's error code (OSS's `SlowDown`, `NoSuchKey`, …) or a network error's code (`ABORT_ERR` when a signal cut it). */
  readonly code?: string;
  /** The request body's length, for a request that carries one (PutObject, UploadPart). */
  readonly bytesSent?: number;
  /** The answer's body length where it is data (GetObject: the Content-Length of the range the stream then gives). */
  readonly bytesReceived?: number;
}

export type RequestListener = (event: RequestEvent) => void;

/** The listeners of one filesystem; a listener that throws is dropped from that call, never fails the request. */
export class RequestListeners {
  readonly #listeners = new Set<RequestListener>();

  add(listener: RequestListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  emit(event: RequestEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A logging hook's bug must not turn into a storage failure.
      }
    }
  }
}
