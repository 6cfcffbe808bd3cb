import type { StoreClient } from '../store/store-client.js';
import { CorruptManifestError } from './manifest.js';
import { listStagedFolder, readManifest } from './staged-folder.js';
import { CLAIM_PART, manifestsByWriter } from './staging.js';

/** What became of an upload that no manifest named when its caller last looked. */
export type UnnamedUploadOutcome =
  /** Claimed, still named by nothing, aborted. */
  | 'aborted'
  /** A manifest names it after the claim (its writer flushed meanwhile), or one could not be read: left, claimed, for recover. */
  | 'named'
  /** Completed or aborted by someone else before the claim. */
  | 'gone';

/**
 * Ends an upload of `targetKey` (on its key, or a writer's data key in its staging) that no manifest named when the caller listed the staging (create()
 * ending another writer's upload, the purge, a writer tidying the upload of a lost Initiate answer).
 *
 * A writer's flush writes its manifest before its fencing read, so the order here is what keeps a flush
 * that returned (D1): first the claim (recover's part number), which fails every fencing read after it;
 * then the staging is listed again — a flush that returned had its manifest written before the claim,
 * and it is in this listing — and only an upload that nothing names even now is aborted. A manifest that
 * names it, or one that cannot be read (it might), leaves the upload where it is, claimed: recover
 * completes it from that manifest.
 */
export async function endUnnamedUpload(client: StoreClient, stagingPrefix: string, targetKey: string, upload: { key: string; uploadId: string }): Promise<UnnamedUploadOutcome> {
  const { uploadId } = upload;
  try {
    await client.uploadPartWithChecksum(upload.key, uploadId, CLAIM_PART, Buffer.alloc(0));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 'gone';
    throw error;
  }
  if (await namesUpload(client, stagingPrefix, targetKey, uploadId)) return 'named';
  await client.abort(upload.key, uploadId);
  return 'aborted';
}

/** Whether a manifest in the target's staging names `uploadId` — or might (unreadable, or gone while read). */
async function namesUpload(client: StoreClient, stagingPrefix: string, targetKey: string, uploadId: string): Promise<boolean> {
  const folder = await listStagedFolder(client, stagingPrefix, targetKey);
  if (folder.objects.some((o) => o.name.kind === 'v1' && o.name.name === 'manifest.json')) {
    const bytes = await client.getBytes(`${folder.folder}manifest.json`);
    if (bytes === undefined || bytes.includes(uploadId)) return true;
  }
  for (const manifests of manifestsByWriter(folder.objects).values()) {
    try {
      const decoded = await readManifest(client, folder, manifests[0]!);
      // Gone while read: its writer flushed on (and removed it), and the newer one may name the upload.
      if (decoded === undefined || decoded.manifest.uploadId === uploadId) return true;
    } catch (error) {
      if (error instanceof CorruptManifestError) return true;
      throw error;
    }
  }
  return false;
}
