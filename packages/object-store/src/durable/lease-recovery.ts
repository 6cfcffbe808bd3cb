import { AlreadyBeingCreatedError } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';
import { recoverFile } from './recover.js';
import type { DurableFlushSettings } from './settings.js';
import { layoutFor, minimumAge, shownAgeSeconds, uploadKeysOf } from './staging.js';
import type { UploadInfo } from '../store/object-store.js';
import { endUnnamedUpload } from './unnamed-uploads.js';

/** What create() found at the target once the lease was recovered: what its stream needs. */
export interface CreateClearance {
  /** ETag of the object the new writer replaces; null if there is none. */
  replaces: string | null;
  /**
   * The store's clock (whole seconds) before any upload of the new writer could exist: an upload of the
   * key initiated since, other than the writer's own, can only be a stray of its own Initiate (an answer
   * lost, a request applied twice), which the writer ends at close or abort.
   */
  since: number;
}

/**
 * HDFS's rule for a file under construction, on an object store. Every step that could meet another
 * writer at work refuses with AlreadyBeingCreatedError naming why, and none of them destroys a byte a
 * flush acknowledged (package README, "Overlapping steps"):
 *
 * 1. The staging is recovered with the lease: a manifest within it is a live writer; a manifest that
 *    cannot be trusted (corrupt, or two writers naming one upload: one is forged) is left as it is, and
 *    refuses too — the operator removes it or recovers -force; an expired writer's flushed bytes are
 *    recovered into the target first (lease recovery).
 * 2. An upload of the key that no manifest named: initiated, or given a part, within the lease, it is a
 *    writer before its first flush — refused. An older one is ended by endUnnamedUpload (claimed, the
 *    staging listed again, aborted only if still named by nothing); one that a manifest names after the
 *    claim is a writer that flushed just now — refused, its flushed bytes kept for recover.
 * 3. The target's ETag is what the new writer replaces.
 */
export async function clearForCreate(client: StoreClient, settings: DurableFlushSettings, key: string, path: string): Promise<CreateClearance> {
  await refuseUntrustedStaging(client, settings, key, path, 'create');
  // The target's uploads: on its key, and (the 'data' layout) on its writers' data keys.
  let serverTime: number | undefined;
  const uploads: UploadInfo[] = [];
  for (const scope of uploadKeysOf(settings.stagingPrefix, key, layoutFor(client.capabilities))) {
    const listed = await client.listUploads(scope.prefix);
    serverTime ??= listed.serverTime;
    uploads.push(...listed.uploads.filter((u) => scope.matches(u.key)));
  }
  for (const upload of uploads) {
    const parts = await client.listParts(upload.key, upload.uploadId);
    if (parts === undefined) continue; // completed or aborted meanwhile
    const lastActive = Math.max(upload.initiated, ...parts.map((p) => p.lastModified));
    if (minimumAge(serverTime!, lastActive) < settings.leaseMs) {
      throw new AlreadyBeingCreatedError(
        `create: ${path} is being written by another writer: its upload ${upload.uploadId} was active ${shownAgeSeconds(serverTime!, lastActive)} s ago, ` +
          `within the ${Math.round(settings.leaseMs / 1000)} s lease (${parts.length} part(s), nothing flushed yet)`,
        { path },
      );
    }
    if ((await endUnnamedUpload(client, settings.stagingPrefix, key, upload)) === 'named') {
      throw new AlreadyBeingCreatedError(
        `create: ${path} is being written by another writer: it flushed into upload ${upload.uploadId} while create was ending it; ` +
          `that writer is fenced and its flushed bytes are kept for recover`,
        { path },
      );
    }
  }
  const head = await client.head(key);
  return { replaces: head?.etag ?? null, since: Math.floor((serverTime ?? Date.now()) / 1000) * 1000 };
}

/**
 * Step 1 of clearForCreate, which concat shares: recovers the key's staging with the lease and refuses
 * (AlreadyBeingCreatedError) on a live writer or staging that cannot be trusted. Answers whether a dead
 * writer's bytes were recovered into the target.
 */
export async function refuseUntrustedStaging(client: StoreClient, settings: DurableFlushSettings, key: string, path: string, operation: string): Promise<boolean> {
  let recovered = false;
  for (const report of await recoverFile(client, settings.stagingPrefix, key, { leaseMs: settings.leaseMs })) {
    if (report.state === 'live-writer') throw new AlreadyBeingCreatedError(`${operation}: ${path} is being written by another writer (${report.action})`, { path, cause: report.error });
    if (report.state === 'corrupt-manifest') {
      throw new AlreadyBeingCreatedError(
        `${operation}: ${path} has flush staging that cannot be trusted, left as it is: ${report.error!.message} ` +
          `(remove that object, or take the file over with a forced recover)`,
        { path, cause: report.error },
      );
    }
    if (report.state === 'failed') throw report.error!;
    if (report.state === 'recovered') recovered = true;
  }
  return recovered;
}
