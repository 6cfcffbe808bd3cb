import type { OssClient } from '@hadoopfs/oss';
import { recoverFile } from './recover.js';
import { reportFor, type RecoverReport } from './recover-report.js';
import { CLAIM_PART, ossAge } from './staging.js';

export interface PurgeOptions {
  leaseMs: number;
  /** Where the flush manifests live (fs.jfs.cache.oss.flush.staging.path). */
  stagingPrefix: string;
  dryRun?: boolean;
  /**
   * The operator says every writer under the prefix is dead (`-force`): the ages do not matter. A live
   * writer whose upload this aborts fails its next flush (fenced, LeaseExpiredError), as after a forced
   * recover of its manifest.
   */
  force?: boolean;
  /** Uploads a staged manifest still names (live writers): never purged. */
  keepUploads: ReadonlySet<string>;
  /** Targets whose staging could not be read (corrupt, failed): their uploads are left alone. */
  keepTargets: ReadonlySet<string>;
}

/**
 * Aborts the incomplete multipart uploads under `prefix` that nothing will ever complete: named by no
 * manifest, initiated longer ago than the lease, and with no part uploaded within it (so a plain writer
 * still sending parts keeps its upload). All ages are on OSS's clock; forced, none is asked.
 *
 * The manifests were listed before the uploads: a durable writer may have flushed since. So an upload is
 * first claimed (recover's part number, above any writer's), then its target is recovered (forced): a
 * manifest written before the claim is found and its flushes kept (the upload completed), a flush after
 * it fails its fencing read (D5). Only an upload still there after that is aborted. One report per
 * upload (and the recover's own, when it did something).
 */
export async function purgeStaleUploads(client: OssClient, prefix: string, options: PurgeOptions): Promise<RecoverReport[]> {
  const { uploads, serverTime } = await client.listUploads(prefix);
  const reports: RecoverReport[] = [];
  for (const upload of uploads) {
    if (options.keepUploads.has(upload.uploadId) || options.keepTargets.has(upload.key)) continue;
    const young = (time: number) => !options.force && ossAge(serverTime, time) < options.leaseMs;
    if (young(upload.initiated)) continue;
    const parts = await client.listParts(upload.key, upload.uploadId);
    if (parts === undefined) continue;
    if (parts.some((p) => young(p.lastModified))) continue;
    const report = reportFor(client, upload.key);
    const age = `initiated ${Math.round(ossAge(serverTime, upload.initiated) / 1000)} s ago, ${parts.length} part(s)${options.force ? ', forced' : ''}`;
    if (options.dryRun) {
      reports.push(report('would-purge', `would abort incomplete upload ${upload.uploadId} (${age})`, { uploadId: upload.uploadId }));
      continue;
    }
    try {
      try {
        await client.uploadPartWithChecksum(upload.key, upload.uploadId, CLAIM_PART, Buffer.alloc(0));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') continue; // completed or aborted meanwhile
        throw error;
      }
      const recovered = await recoverFile(client, options.stagingPrefix, upload.key, { leaseMs: options.leaseMs, force: true });
      reports.push(...recovered.filter((r) => r.state !== 'nothing-staged'));
      if ((await client.listParts(upload.key, upload.uploadId, { limit: 1 })) === undefined) continue; // a manifest named it: completed
      await client.abort(upload.key, upload.uploadId);
      reports.push(report('purged', `aborted incomplete upload ${upload.uploadId} (${age}) that no manifest names`, { uploadId: upload.uploadId }));
    } catch (error) {
      // This upload stays (claimed: no writer's flush into it can succeed any more); the others go on.
      reports.push(report('failed', `could not purge incomplete upload ${upload.uploadId} (${age})`, { uploadId: upload.uploadId, error: error as Error }));
    }
  }
  return reports;
}
