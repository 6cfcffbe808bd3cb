/** What recover says about each file (and, recursively, each purged upload), and the options it takes. */
import type { StoreClient } from '@hadoopfs/object-store';

export type RecoverState =
  | 'nothing-staged'
  | 'recovered'
  | 'already-complete'
  | 'would-recover'
  | 'live-writer'
  | 'corrupt-manifest'
  | 'superseded'
  | 'upload-gone'
  | 'failed'
  | 'purged'
  | 'would-purge';

export interface RecoverReport {
  /** oss:// URI of the target file. */
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
