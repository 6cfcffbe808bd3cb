import { IOError, LeaseExpiredError } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';
import { CorruptManifestError, expectedCrc, isManifestKind, parseManifestV1 } from './manifest.js';
import { FlushedBytesLostError, reportFor, type RecoverOptions, type RecoverReport } from './recover-report.js';
import { minimumAge, shownAgeSeconds, type StagedFolder } from './staging.js';

/**
 * Finishes a file that a writer of protocol version 1 (hadoopfs 0.1) left: `manifest.json` and the tails
 * `tail-a`/`tail-b` in the target's folder. Held to the v2 rules where v1 allows: the tail must be one of
 * the folder's own two tails, the lease runs on the store's clock (the manifest's Last-Modified against the
 * listing's Date), and a target at least as new as the manifest is never replaced (D7) — version 1 left no
 * mark on the object it completed, so "as new as" is all recover can tell.
 */
export async function recoverV1(client: StoreClient, folder: StagedFolder, options: RecoverOptions): Promise<RecoverReport> {
  const report = reportFor(client, folder.targetKey);
  const path = client.display(folder.targetKey);
  const manifestKey = `${folder.folder}manifest.json`;
  const tails = [`${folder.folder}tail-a`, `${folder.folder}tail-b`];
  const listedManifest = folder.objects.find((o) => o.key === manifestKey);
  if (!listedManifest) {
    // Without a manifest nothing shows that these objects are ours: they may be anybody's file (D6).
    return report('nothing-staged', 'objects named tail-a/tail-b without a manifest: not ours to judge, left untouched');
  }
  const bytes = await client.getBytes(manifestKey);
  if (!bytes) return report('nothing-staged', 'the version 1 manifest was removed meanwhile');
  // A manifest.json that is not JSON of our kind is a user's file that happens to have the name (D6).
  let declared: unknown;
  try {
    declared = (JSON.parse(bytes.toString('utf8')) as { kind?: unknown } | null)?.kind;
  } catch {
    declared = undefined;
  }
  if (!isManifestKind(declared)) return report('nothing-staged', `${manifestKey} is not a flush manifest: not ours, left untouched`);
  let manifest;
  try {
    manifest = parseManifestV1(bytes, client.display(manifestKey), client.bucket, folder.targetKey, tails);
  } catch (error) {
    if (error instanceof CorruptManifestError) return report('corrupt-manifest', 'left the staging folder untouched', { error });
    throw error;
  }
  const uploadId = manifest.uploadId ?? undefined;
  // Only what this manifest names is removed: the other tail slot may be a stranger's object.
  const tidy = async () => {
    if (manifest.tail) await client.delete(manifest.tail.key);
    await client.delete(manifestKey);
  };
  if (minimumAge(folder.serverTime, listedManifest.lastModified) < options.leaseMs && !options.force) {
    const seconds = shownAgeSeconds(folder.serverTime, listedManifest.lastModified);
    return report('live-writer', `version 1 manifest written ${seconds} s ago, within the lease (force takes over)`, {
      ...(uploadId ? { uploadId } : {}),
      error: new LeaseExpiredError(`${path}: refusing to recover a file whose writer flushed ${seconds} s ago`, { path }),
    });
  }
  const crc = expectedCrc([...manifest.parts, ...(manifest.tail ? [manifest.tail] : [])]).toString();
  const head = await client.head(folder.targetKey);
  if (head && head.size === manifest.flushedLength && (head.checksum === undefined || head.checksum === crc)) {
    if (!options.dryRun) await tidy();
    return report('already-complete', 'the target already held the flushed bytes; staging removed', { recoveredBytes: manifest.flushedLength });
  }
  if (head && head.lastModified >= listedManifest.lastModified) {
    if (options.dryRun) return report('superseded', 'the target is as new as the manifest: would leave it and remove the staging');
    if (uploadId) await client.abort(folder.targetKey, uploadId);
    await tidy();
    return report('superseded', 'the target is as new as the version 1 manifest (completed by its close, or written since): left it, staging removed');
  }
  const summary = `${manifest.parts.length} part(s)${manifest.tail ? ` + ${manifest.tail.size}-byte tail` : ''}, ${manifest.flushedLength} bytes`;
  if (options.dryRun) return report('would-recover', `would complete ${summary}`, { recoveredBytes: manifest.flushedLength, ...(manifest.uploadId ? { uploadId: manifest.uploadId } : {}) });

  // Create-only where there was no target: a write of the target by another tool while this runs, or a
  // late request of this one landing after such a write, is refused instead of replaced (D7).
  const createOnly = head === undefined;
  const write = async (): Promise<RecoverReport | undefined> => {
    if (!uploadId) {
      if (manifest.tail) await client.copy(manifest.tail.key, folder.targetKey, { forbidOverwrite: createOnly });
      else await client.put(folder.targetKey, Buffer.alloc(0), { forbidOverwrite: createOnly });
    } else {
      const uploaded = await client.listParts(folder.targetKey, uploadId);
      if (!uploaded) {
        await tidy();
        return report('lost', 'staging removed', {
          error: new FlushedBytesLostError(`${path}: upload ${uploadId} was destroyed (aborted by someone else or a lifecycle rule): its ${manifest.flushedLength} flushed bytes cannot be recovered`, { path }),
        });
      }
      const byNumber = new Map(uploaded.map((p) => [p.number, p]));
      for (const part of manifest.parts) {
        const found = byNumber.get(part.number);
        if (!found || found.size !== part.size || found.etag.toUpperCase() !== part.etag.toUpperCase()) {
          return report('failed', 'left the staging folder untouched', {
            error: new IOError(`${path}: part ${part.number} of upload ${uploadId} is missing or differs from the manifest`, 'EIO', { path }),
          });
        }
      }
      const parts = manifest.parts.map(({ number, etag }) => ({ number, etag }));
      if (manifest.tail) {
        const number = manifest.parts.length + 1;
        const { etag } = await client.uploadPartCopy(folder.targetKey, uploadId, number, manifest.tail.key, 0, manifest.tail.size);
        if (etag.toUpperCase() !== manifest.tail.etag.toUpperCase()) {
          return report('failed', 'left the staging folder untouched', { error: new IOError(`${path}: the staged tail ${manifest.tail.key} does not match the manifest`, 'EIO', { path }) });
        }
        parts.push({ number, etag });
      }
      if (parts.length === 0) {
        await client.put(folder.targetKey, Buffer.alloc(0), { forbidOverwrite: createOnly });
        await client.abort(folder.targetKey, uploadId);
      } else {
        await client.complete(folder.targetKey, uploadId, parts, { forbidOverwrite: createOnly });
      }
    }
    return undefined;
  };
  let refused = false;
  try {
    const stopped = await write();
    if (stopped) return stopped;
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    refused = true;
  }
  const after = await client.head(folder.targetKey);
  const holdsFlushed = after !== undefined && after.size === manifest.flushedLength && (after.checksum === undefined || after.checksum === crc);
  if (refused && !holdsFlushed) {
    // Someone wrote the target while this ran: theirs is newer than the manifest (D7).
    if (uploadId) await client.abort(folder.targetKey, uploadId);
    await tidy();
    return report('superseded', 'the target was written while recover ran: left it, staging removed');
  }
  if (!holdsFlushed) {
    return report('failed', 'left the staging folder untouched', { error: new IOError(`${path}: after recovery the target's length or CRC-64 differs from the manifest`, 'EIO', { path }) });
  }
  await tidy();
  return report('recovered', `completed the version 1 manifest: ${summary}`, { recoveredBytes: manifest.flushedLength });
}
