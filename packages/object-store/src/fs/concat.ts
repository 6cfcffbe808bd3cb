import { ChecksumError, RemoteFileChangedError, runBounded, withoutSignal } from '@hadoopfs/core';
import type { CompletedPart, ObjectInfo } from '../store/object-store.js';
import type { StoreClient } from '../store/store-client.js';

/** Copied parts stay well under the stores' 5 GiB UploadPartCopy limit. */
const MAX_COPY_PART = 1024 * 1024 * 1024;
/** Read-and-upload parts of an appendable object (UploadPartCopy refuses those as sources). */
const READ_PART = 8 * 1024 * 1024;
const PART_CONCURRENCY = 4;

interface Range {
  readonly info: ObjectInfo;
  readonly start: number;
  readonly end: number;
}

/** One part of the new object: a server-side copy of one range, or bytes read from ranges and uploaded. */
type PlannedPart = { readonly copy: Range } | { readonly read: readonly Range[] };

/**
 * Concat on an object store: one multipart upload of the target's object followed by the sources', built from
 * UploadPartCopy where a range can be a part of its own, completed over the target, and then the sources
 * removed. Every copy and read is pinned to the version given (the HEAD concat's preconditions made): a
 * source or target changed meanwhile is RemoteFileChangedError, with the upload aborted and nothing
 * changed; the parts' CRC-64 is checked against the pieces' before the complete, the target once more just
 * before it, and a source is only deleted while it is still the version that was copied.
 */
export async function concatObjects(client: StoreClient, target: ObjectInfo, sources: readonly ObjectInfo[]): Promise<void> {
  const pieces = [target, ...sources];
  if (sources.some((s) => s.size > 0)) await rewriteTarget(client, target, pieces);
  // The target holds the sources now: removing them finishes the commit, which an abort does not cut short.
  await withoutSignal(async () => {
    for (const source of sources) {
      if (!(await client.deleteIfUnchanged(source.key, source.etag))) {
        process.emitWarning(`concat: ${source.key} changed after it was appended to ${target.key}; it was left in place`, { code: 'HADOOPFS_CONCAT_SOURCE_CHANGED' });
      }
    }
  });
}

async function rewriteTarget(client: StoreClient, target: ObjectInfo, pieces: readonly ObjectInfo[]): Promise<void> {
  const plan = planParts(pieces, client.capabilities.minPartSize);
  const uploadId = await client.initUpload(target.key, target.meta ?? {});
  try {
    const parts: CompletedPart[] = new Array(plan.length);
    await runBounded(plan, PART_CONCURRENCY, async (part, i) => {
      const number = i + 1;
      if ('copy' in part) {
        const { info, start, end } = part.copy;
        const copied = await client.uploadPartCopy(target.key, uploadId, number, info.key, start, end, info.etag);
        parts[i] = { number, etag: copied.etag, size: end - start, checksum: copied.checksum };
      } else {
        const body = Buffer.concat(await Promise.all(part.read.map((r) => readRange(client, r))));
        const uploaded = await client.uploadPartWithChecksum(target.key, uploadId, number, body);
        parts[i] = { number, etag: uploaded.etag, size: body.length, checksum: uploaded.checksum };
      }
    });
    // The parts checked against the pieces before anything is committed: a byte changed on the way (a read
    // join, a copy) aborts the upload and leaves the target as it was.
    const expected = client.combinedChecksum(pieces);
    const planned = client.combinedChecksum(parts);
    if (expected !== undefined && planned !== undefined && planned !== expected) {
      throw new ChecksumError(`concat: the parts of ${target.key} (checksum ${planned}) differ from its pieces' (${expected}); nothing was changed`, { path: target.key });
    }
    const now = await client.head(target.key);
    if (!now || now.etag !== target.etag) {
      throw new RemoteFileChangedError(`concat: ${target.key} changed while its sources were appended; nothing was changed`, { path: target.key });
    }
    const done = await client.complete(target.key, uploadId, parts);
    // Where the store gave no checksum for a copied part, the check can only come after the complete.
    if (planned === undefined && expected !== undefined && done.checksum !== undefined && done.checksum !== expected) {
      throw new ChecksumError(`concat: ${target.key}'s checksum ${done.checksum} differs from its pieces' ${expected}; the sources were kept`, { path: target.key });
    }
  } catch (error) {
    await client.abort(target.key, uploadId).catch(() => undefined);
    throw error;
  }
}

/**
 * Parts for the pieces end to end, every part but the last at least `minPartSize` (smaller pieces travel as bytes, joined to their neighbours): a range that can stand
 * alone is copied on the server; the rest (small pieces, the joins between them, appendable objects) is
 * read, at most `minPartSize` per join.
 */
export function planParts(pieces: readonly ObjectInfo[], minPartSize: number): PlannedPart[] {
  const plan: PlannedPart[] = [];
  let pending: Range[] = [];
  let buffered = 0;
  for (const info of pieces) {
    const copyable = info.copyable !== false;
    for (let pos = 0; pos < info.size; ) {
      const remaining = info.size - pos;
      if (copyable && buffered === 0 && remaining >= minPartSize) {
        // A long piece is cut so that what is left after each cut can still stand alone.
        const n = remaining <= MAX_COPY_PART ? remaining : Math.min(MAX_COPY_PART, remaining - minPartSize);
        plan.push({ copy: { info, start: pos, end: pos + n } });
        pos += n;
        continue;
      }
      const n = Math.min(copyable ? minPartSize - buffered : READ_PART, remaining);
      pending.push({ info, start: pos, end: pos + n });
      buffered += n;
      pos += n;
      if (buffered >= minPartSize) {
        plan.push({ read: pending });
        pending = [];
        buffered = 0;
      }
    }
  }
  if (pending.length > 0) plan.push({ read: pending });
  return plan;
}

async function readRange(client: StoreClient, { info, start, end }: Range): Promise<Buffer> {
  const { stream } = await client.getRange(info.key, start, end, info.etag);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== end - start) throw new RemoteFileChangedError(`concat: ${info.key} answered ${bytes.length} bytes for [${start}, ${end})`, { path: info.key });
  return bytes;
}
