import type { OssClient } from '@hadoopfs/oss';
import { reportFor, type RecoverReport } from './recover-report.js';
import { ossAge } from './staging.js';

export interface PurgeOptions {
  leaseMs: number;
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
 * still sending parts keeps its upload). All ages are on OSS's clock; forced, none is asked. One report
 * per upload.
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
    await client.abort(upload.key, upload.uploadId);
    reports.push(report('purged', `aborted incomplete upload ${upload.uploadId} (${age}) that no manifest names`, { uploadId: upload.uploadId }));
  }
  return reports;
}
