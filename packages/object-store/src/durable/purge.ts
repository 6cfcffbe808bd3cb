import type { StoreClient } from '../store/store-client.js';
import { recoverFile } from './recover.js';
import { reportFor, type RecoverReport } from './recover-report.js';
import { classifyStagingKey, minimumAge, shownAgeSeconds, uploadKeysOf } from './staging.js';
import type { UploadInfo } from '../store/object-store.js';
import { endUnnamedUpload } from './unnamed-uploads.js';

export interface PurgeOptions {
  leaseMs: number;
  /**
   * An upload no manifest names is proof of nothing: it may be a plain writer's (flush disabled, another
   * tool) still filling its next part. Unforced, the purge aborts one only when it was initiated, and last
   * given a part, at least this long ago on the store's clock (fs.jfs.cache.flush.purge.age, 24 h as S3A's
   * fs.s3a.multipart.purge.age).
   */
  purgeAgeMs: number;
  /** Where the flush manifests live (the staging path setting). */
  stagingPrefix: string;
  dryRun?: boolean;
  /**
   * The operator says every writer under the prefix is dead (`-force`): the ages do not matter. A live
   * writer whose upload this aborts fails its next flush (fenced, LeaseExpiredError), as after a forced
   * recover of its manifest.
   */
  force?: boolean;
  /** Uploads a staged manifest still names: never purged here (recover decides about them). */
  keepUploads: ReadonlySet<string>;
  /** Targets with a live writer, or whose staging could not be read: their uploads are left alone. */
  keepTargets: ReadonlySet<string>;
  /** Only this target's uploads (on its key and its writers' data keys), not every one under `prefix`. */
  onlyKey?: string;
}

/**
 * The uploads in scope, each with the target it writes: its own key, or for a writer's data key in the
 * staging ('data' layout) the target whose folder holds it. Listed once each, deduplicated by upload id.
 */
async function uploadsInScope(client: StoreClient, prefix: string, options: PurgeOptions): Promise<{ uploads: Array<UploadInfo & { targetKey: string }>; serverTime: number }> {
  const scopes =
    options.onlyKey !== undefined
      ? uploadKeysOf(options.stagingPrefix, options.onlyKey)
      : [
          { prefix, matches: () => true },
          { prefix: `${options.stagingPrefix}/${prefix}`, matches: () => true },
        ];
  const seen = new Map<string, UploadInfo & { targetKey: string }>();
  let serverTime: number | undefined;
  for (const scope of scopes) {
    const listed = await client.listUploads(scope.prefix);
    serverTime ??= listed.serverTime;
    for (const upload of listed.uploads) {
      if (!scope.matches(upload.key) || seen.has(upload.uploadId)) continue;
      const staged = classifyStagingKey(options.stagingPrefix, upload.key);
      if (staged?.object.name.kind === 'data') seen.set(upload.uploadId, { ...upload, targetKey: staged.targetKey });
      // Any other upload inside the staging is not the protocol's (nor a target's): left alone (D6).
      else if (!upload.key.startsWith(`${options.stagingPrefix}/`)) seen.set(upload.uploadId, { ...upload, targetKey: upload.key });
    }
  }
  return { uploads: [...seen.values()], serverTime: serverTime ?? Date.now() };
}

/**
 * Aborts the incomplete multipart uploads under `prefix` that nothing will ever complete: named by no
 * manifest and, unforced, older than the purge age (initiated and last part). All ages are on the
 * store's clock.
 *
 * The manifests were listed before the uploads: a durable writer may have flushed since. So each upload
 * is ended by endUnnamedUpload — claimed, the staging listed again, aborted only if still named by
 * nothing. One that a manifest names after all goes to recover, forced only if the operator forced: a
 * writer within its lease stays the live writer it is (its upload claimed, its next flush fails, its
 * flushed bytes recovered once the lease ran out). One report per upload, and recover's where it acted.
 */
export async function purgeStaleUploads(client: StoreClient, prefix: string, options: PurgeOptions): Promise<RecoverReport[]> {
  const { uploads, serverTime } = await uploadsInScope(client, prefix, options);
  const reports: RecoverReport[] = [];
  for (const upload of uploads) {
    if (options.keepUploads.has(upload.uploadId) || options.keepTargets.has(upload.targetKey)) continue;
    const young = (time: number) => !options.force && minimumAge(serverTime, time) < options.purgeAgeMs;
    if (young(upload.initiated)) continue;
    const parts = await client.listParts(upload.key, upload.uploadId);
    if (parts === undefined) continue;
    if (parts.some((p) => young(p.lastModified))) continue;
    const report = reportFor(client, upload.targetKey);
    const age = `initiated ${shownAgeSeconds(serverTime, upload.initiated)} s ago, ${parts.length} part(s)${options.force ? ', forced' : ''}`;
    if (options.dryRun) {
      reports.push(report('would-purge', `would abort incomplete upload ${upload.uploadId} (${age})`, { uploadId: upload.uploadId }));
      continue;
    }
    try {
      const outcome = await endUnnamedUpload(client, options.stagingPrefix, upload.targetKey, upload);
      if (outcome === 'aborted') {
        reports.push(report('purged', `aborted incomplete upload ${upload.uploadId} (${age}) that no manifest names`, { uploadId: upload.uploadId }));
      } else if (outcome === 'named') {
        const recovered = await recoverFile(client, options.stagingPrefix, upload.targetKey, { leaseMs: options.leaseMs, ...(options.force ? { force: true } : {}) });
        reports.push(...recovered.filter((r) => r.state !== 'nothing-staged'));
      }
    } catch (error) {
      // This upload stays (claimed or not); the others go on.
      reports.push(report('failed', `could not purge incomplete upload ${upload.uploadId} (${age})`, { uploadId: upload.uploadId, error: error as Error }));
    }
  }
  return reports;
}
