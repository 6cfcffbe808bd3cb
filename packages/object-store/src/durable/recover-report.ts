/** What recover says about each file (and, recursively, each purged upload), and the options it takes. */
import { IOError, type IOErrorOptions, type PathLike } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';

export type RecoverState =
  | 'nothing-staged'
  | 'recovered'
  | 'already-complete'
  | 'would-recover'
  | 'live-writer'
  | 'corrupt-manifest'
  | 'superseded'
  | 'lost'
  | 'failed'
  | 'purged'
  | 'would-purge';

/** recover found the upload behind a manifest destroyed: the bytes it promised are gone (state `lost`). */
export class FlushedBytesLostError extends IOError {
  override name = 'FlushedBytesLostError';
  constructor(message: string, options: IOErrorOptions = {}) {
    super(message, 'EIO', options);
  }
}

export interface RecoverReport {
  /** The URI of the target file. */
  path: string;
  state: RecoverState;
  /** Bytes the target holds after recovery (the writer's flushed length). */
  recoveredBytes: number;
  /** What was done, in words. */
  action: string;
  /** The multipart upload the report is about, when there is one. */
  uploadId?: string;
  error?: Error;
}

export interface RecoverOptions {
  /** Recover even a manifest refreshed within the lease (a writer that may still be alive). */
  force?: boolean;
  /** Say what would be done, change nothing. */
  dryRun?: boolean;
  leaseMs: number;
}

export function reportFor(client: StoreClient, targetKey: string) {
  const path = client.display(targetKey);
  return (state: RecoverState, action: string, extra: { recoveredBytes?: number; uploadId?: string; error?: Error } = {}): RecoverReport => ({
    path,
    state,
    recoveredBytes: extra.recoveredBytes ?? 0,
    action,
    ...(extra.uploadId ? { uploadId: extra.uploadId } : {}),
    ...(extra.error ? { error: extra.error } : {}),
  });
}

/** What recoverAll takes (recover(path, isFolder), with a report per file). */
export interface RecoverAllOptions {
  /** Every staged file below the path (a folder), not only the path itself; also purges stale uploads. */
  recursive?: boolean;
  dryRun?: boolean;
  /** Take over manifests refreshed within the lease. */
  force?: boolean;
  /** Files recovered at once (default 8). */
  concurrency?: number;
  /** Called after each report, for progress displays. */
  onReport?: (report: RecoverReport) => void;
  /**
   * Stops the recover at its next request (one in flight is cut): AbortError. An aborted recover is a
   * recover that stopped there, which recover is built to survive: run it again to finish.
   */
  signal?: AbortSignal;
}

/** A FileSystem whose streams can flush durably and which rebuilds files after their writer died. */
export interface DurableFlushRecovery {
  recoverAll(path: PathLike, options?: RecoverAllOptions): Promise<RecoverReport[]>;
}
