import { FileAlreadyExistsError, FileNotFoundError, IOError, runBounded } from '@hadoopfs/core';
import type { CompletedPart, ObjectInfo } from '../store/object-store.js';
import { multipartEtag, sameEtag, type StoreClient } from '../store/store-client.js';
import { UploadNotFoundError } from '../store/store-errors.js';
import type { FlushManifest } from './manifest.js';
import { WRITER_META } from './staging.js';

/** What the target is built from in the 'data' layout: the writer's completed data object and one of its manifests. */
export interface PublishSource {
  targetKey: string;
  writerId: string;
  /** The manifest whose flushed prefix becomes the target (a close's last manifest names every part and no tail). */
  manifest: FlushManifest & { dataKey: string };
  manifestKey: string;
  /** Where the tail starts in the manifest object. */
  tailOffset: number;
  /** Create-only at the target (narrowed by a HEAD where the store ignores the condition on copies and Completes). */
  forbidOverwrite: boolean;
}

/** The data object or the manifest a copy reads from was removed meanwhile (its writer or another recover finished). */
export class PublishSourceVanishedError extends Error {
  override name = 'PublishSourceVanishedError';
}

const COPY_CONCURRENCY = 8;

/**
 * Builds the target from the manifest's flushed prefix of the writer's data object ('data' layout, staging.ts):
 * one CopyObject where the data object is exactly the manifest's parts; else a multipart upload of the target
 * whose parts are UploadPartCopy ranges of the data object — one per part the writer uploaded, so each copy's
 * ETag (the MD5 of its bytes) is checked against the writer's part — and the tail copied from the manifest.
 * The target carries the writer's id, as a close's object does: a lost answer, or a second recover, knows it.
 */
export async function publishFlushed(client: StoreClient, source: PublishSource): Promise<void> {
  const { manifest, targetKey } = source;
  // A manifest without parts names nothing of the data object: the target is its tail alone.
  const data = manifest.parts.length > 0 ? await client.head(manifest.dataKey) : undefined;
  if (manifest.parts.length > 0 && (!data || data.meta?.[WRITER_META] !== source.writerId)) {
    throw new PublishSourceVanishedError(`${client.display(manifest.dataKey)} is gone (its writer or another recover finished)`);
  }
  if (source.forbidOverwrite) {
    const there = await client.head(targetKey);
    if (there && there.meta?.[WRITER_META] !== source.writerId) throw new FileAlreadyExistsError(`${client.display(targetKey)} was written meanwhile`, { path: client.display(targetKey) });
  }
  const partBytes = manifest.parts.reduce((n, p) => n + p.size, 0);
  if (data && data.size < partBytes) throw new IOError(`${client.display(manifest.dataKey)} holds ${data.size} bytes, fewer than the ${partBytes} its manifest's parts name`, 'EIO');
  try {
    if (data && manifest.tail.size === 0 && data.size === partBytes && partBytes <= client.capabilities.maxPartSize && dataIsTheParts(client, data, manifest)) {
      await client.copy(manifest.dataKey, targetKey, { forbidOverwrite: source.forbidOverwrite });
    } else {
      await copyRanges(client, source);
    }
  } catch (error) {
    // A source removed under the copy: whoever removed it has finished; the caller looks again.
    if (error instanceof FileNotFoundError && !(error instanceof UploadNotFoundError)) throw new PublishSourceVanishedError((error as Error).message);
    throw error;
  }
  const made = await client.head(targetKey);
  if (!made || made.meta?.[WRITER_META] !== source.writerId || made.size !== manifest.flushedLength) {
    throw new IOError(`${client.display(targetKey)}: after the copy it holds ${made?.size ?? 'no'} bytes of writer ${String(made?.meta?.[WRITER_META])}, not the ${manifest.flushedLength} flushed by writer ${source.writerId}`, 'EIO');
  }
}

/**
 * Whether the data object consists of exactly the manifest's parts (or them and recover's empty claim part),
 * by its ETag; without MD5 ETags the ranged copy, which checks each part, is taken instead.
 */
function dataIsTheParts(client: StoreClient, data: ObjectInfo, manifest: FlushManifest): boolean {
  if (!client.capabilities.etagIsMd5 || manifest.parts.length === 0) return false;
  const parts = manifest.parts.map((p) => ({ number: p.number, etag: p.etag }));
  const alone = multipartEtag(parts);
  const claimed = multipartEtag([...parts, { number: parts.length + 1, etag: EMPTY_MD5 }]);
  return [alone, claimed].some((etag) => etag !== undefined && sameEtag(etag, data.etag));
}

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

async function copyRanges(client: StoreClient, source: PublishSource): Promise<void> {
  const { manifest, targetKey } = source;
  // The target's uploads before this one: an Initiate whose answer was lost and that was sent again leaves
  // an empty upload of ours beside them, which is ended below; these are never touched.
  const before = new Set((await client.listUploads(targetKey)).uploads.map((u) => u.uploadId));
  const uploadId = await client.initUpload(targetKey, { [WRITER_META]: source.writerId });
  try {
    const named: CompletedPart[] = [];
    let offset = 0;
    const ranges = manifest.parts.map((part, i) => {
      const range = { number: i + 1, start: offset, end: offset + part.size, etag: part.etag, from: manifest.dataKey };
      offset += part.size;
      return range;
    });
    if (manifest.tail.size > 0 || ranges.length === 0) {
      ranges.push({ number: ranges.length + 1, start: source.tailOffset, end: source.tailOffset + manifest.tail.size, etag: manifest.tail.etag, from: source.manifestKey });
    }
    await runBounded(ranges, COPY_CONCURRENCY, async (range) => {
      const { etag } =
        range.end === range.start
          ? await client.uploadPartWithChecksum(targetKey, uploadId, range.number, Buffer.alloc(0))
          : await client.uploadPartCopy(targetKey, uploadId, range.number, range.from, range.start, range.end);
      if (!sameEtag(etag, range.etag)) {
        throw new IOError(`${client.display(targetKey)}: bytes ${range.start}-${range.end} copied from ${client.display(range.from)} have ETag ${etag}, not the writer's ${range.etag}`, 'EIO');
      }
      named[range.number - 1] = { number: range.number, etag, size: range.end - range.start };
    });
    const written = await client.complete(targetKey, uploadId, named, { forbidOverwrite: source.forbidOverwrite });
    if (client.capabilities.etagIsMd5) {
      const expected = multipartEtag(named);
      const etag = written.etag !== '' ? written.etag : (await client.head(targetKey))?.etag;
      if (expected !== undefined && etag !== undefined && !sameEtag(etag, expected)) {
        throw new IOError(`${client.display(targetKey)}: the completed object's ETag ${etag} is not its parts' ${expected}`, 'EIO');
      }
    }
  } catch (error) {
    await client.abort(targetKey, uploadId).catch(() => undefined);
    throw error;
  } finally {
    await endOwnStrays(client, targetKey, before, uploadId).catch(() => undefined);
  }
}

/**
 * Uploads of `key` that appeared while this publish ran, other than its own, and still have no part: what
 * a lost Initiate answer sent again left (as a writer's strays since its create, package README). One with
 * parts is somebody's at work, and stays.
 */
async function endOwnStrays(client: StoreClient, key: string, before: ReadonlySet<string>, own: string): Promise<void> {
  for (const upload of (await client.listUploads(key)).uploads) {
    if (upload.key !== key || upload.uploadId === own || before.has(upload.uploadId)) continue;
    const parts = await client.listParts(key, upload.uploadId, { limit: 1 });
    if (parts !== undefined && parts.length === 0) await client.abort(key, upload.uploadId);
  }
}
