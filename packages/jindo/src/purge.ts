import type { OssClient } from '@hadoopfs/oss';
import { reportFor, type RecoverReport } from './recover-report.js';
import { ossAge } from './staging.js';

export interface PurgeOptions {
  leaseMs: number;
  dryRun?: boolean;
  /** Uploads a staged manifest still names (live writers): never purged. */
  keepUploads: ReadonlySet<string>;
  /** Targets whose staging could not be read (corrupt, failed): their uploads are left alone. */
  keepTargets: ReadonlySet<string>;
}

/**
 * Aborts the incomplete multipart uploads under `prefix` that nothing will ever complete: named by no
 * manifest, initiated longer ago than the lease, and with no part uploaded within it (so a plain writer
 * still sending parts keeps its upload). All ages are on OSS's clock. One report per upload.
 */
export async function purgeStaleUploads(client: OssClient, prefix: string, options: PurgeOptions): Promise<RecoverReport[]> {
  const { uploads, serverTime } = await client.listUploads(prefix);
  const reports: RecoverReport[] = [];
  for (const upload of uploads) {
    if (options.keepUploads.has(upload.uploadId) || options.keepTargets.has(upload.key)) continue;
    if (ossAge(serverTime, upload.initiated) < options.leaseMs) continue;
    const parts = await client.listParts(upload.key, upload.uploadId);
    if (parts === undefined) continue;
    if (parts.some((p) => ossAge(serverTime, p.lastModified) < options.leaseMs)) continue;
    const report = reportFor(client, upload.key);
    const age = `initiated ${Math.round(ossAge(serverTime, upload.initiated) / 1000)} s ago, ${parts.length} part(s)`;
    if (options.dryRun) {
      reports.push(report('would-purge', `would abort incomplete upload ${upload.uploadId} (${age})`, { uploadId: upload.uploadId }));
      continue;
    }
    await client.abort(upload.key, upload.uploadId);
    reports.push(report('purged', `aborted incomplete upload ${upload.uploadId} (${age}) that no manifest names`, { uploadId: upload.uploadId }));
  }
  return reports;
}
