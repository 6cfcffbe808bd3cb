import { crc64Combine, IOError, LeaseExpiredError } from '@hadoopfs/core';
import type { OssClient } from '@hadoopfs/oss';
import { CorruptManifestError, parseManifest, type FlushManifest } from './manifest.js';
import { stagingKeysFor } from './settings.js';

export type RecoverState = 'nothing-staged' | 'recovered' | 'already-complete' | 'would-recover' | 'live-writer' | 'corrupt-manifest' | 'failed';

export interface RecoverReport {
  /** oss:// URI of the target file. */
  path: string;
  state: RecoverState;
  /** Bytes the target holds after recovery (the writer's flushed length). */
  recoveredBytes: number;
  /** What was done, in words. */
  action: string;
  error?: Error;
}

export interface RecoverOptions {
  /** Recover even a manifest refreshed within the lease (a writer that may still be alive). */
  force?: boolean;
  /** Say what would be done, change nothing. */
  dryRun?: boolean;
  leaseMs: number;
  now?: () => number;
}

/** A manifest this recovery can work from: parsed, its staging keys, and the CRC the target must end with. */
function expectedCrc(manifest: FlushManifest): bigint {
  let crc = 0n;
  let first = true;
  const pieces = [...manifest.parts.map((p) => ({ crc: BigInt(p.crc64), size: p.size })), ...(manifest.tail ? [{ crc: BigInt(manifest.tail.crc64), size: manifest.tail.size }] : [])];
  for (const piece of pieces) {
    crc = first ? piece.crc : crc64Combine(crc, piece.crc, piece.size);
    first = false;
  }
  return crc;
}

/**
 * Rebuilds one target from its manifest (D1–D3): completes the writer's multipart upload with exactly the
 * manifest's parts plus the tail copied in as the last part, checks the result's length and CRC-64, then
 * removes the staging entries (tails first, manifest last). Every step can be repeated after a crash: a
 * re-copied tail replaces the same part number, and a target already completed from this manifest is
 * recognised by its length and CRC-64 and only tidied up.
 */
export async function recoverFile(client: OssClient, stagingPrefix: string, targetKey: string, options: RecoverOptions): Promise<RecoverReport> {
  const path = `oss://${client.bucket}/${targetKey}`;
  const staging = stagingKeysFor(stagingPrefix, targetKey);
  const report = (state: RecoverState, action: string, recoveredBytes = 0, error?: Error): RecoverReport => ({
    path,
    state,
    recoveredBytes,
    action,
    ...(error ? { error } : {}),
  });
  const bytes = await client.getBytes(staging.manifest);
  if (!bytes) {
    // Tails without a manifest belong to a flush that never returned: no promise was made about them.
    if (!options.dryRun) await client.deleteMany([staging.tail(0), staging.tail(1)]);
    return report('nothing-staged', 'no flush manifest: nothing to recover');
  }
  let manifest: FlushManifest;
  try {
    manifest = parseManifest(bytes, `oss://${client.bucket}/${staging.manifest}`, client.bucket, targetKey);
  } catch (error) {
    if (error instanceof CorruptManifestError) return report('corrupt-manifest', 'left the staging area untouched', 0, error);
    throw error;
  }
  const now = (options.now ?? Date.now)();
  const age = now - manifest.updated;
  if (age < options.leaseMs && !options.force) {
    return report(
      'live-writer',
      `manifest refreshed ${Math.round(age / 1000)} s ago, within the ${Math.round(options.leaseMs / 1000)} s lease: a writer may be alive (use force to take over)`,
      0,
      new LeaseExpiredError(`${path}: refusing to recover a file whose writer renewed its lease ${Math.round(age / 1000)} s ago`, { path }),
    );
  }
  const crc = expectedCrc(manifest);
  const summary = `${manifest.parts.length} part(s)${manifest.tail ? ` + ${manifest.tail.size}-byte tail` : ''}, ${manifest.flushedLength} bytes`;
  if (options.dryRun) return report('would-recover', `would complete ${summary}`, manifest.flushedLength);

  const targetMatches = async () => {
    const head = await client.head(targetKey);
    return head !== undefined && head.size === manifest.flushedLength && (head.crc64 === undefined || head.crc64 === crc.toString());
  };
  const tidy = async () => {
    await client.deleteMany([staging.tail(0), staging.tail(1)]);
    await client.delete(staging.manifest);
  };

  if (manifest.uploadId === null) {
    if (await targetMatches()) {
      await tidy();
      return report('already-complete', 'target already held the flushed bytes; staging removed', manifest.flushedLength);
    }
    if (manifest.tail) await client.copy(manifest.tail.key, targetKey);
    else await client.put(targetKey, Buffer.alloc(0));
  } else {
    const uploaded = await client.listParts(targetKey, manifest.uploadId);
    if (!uploaded) {
      if (await targetMatches()) {
        await tidy();
        return report('already-complete', 'upload already completed with the flushed bytes; staging removed', manifest.flushedLength);
      }
      return report('failed', 'left the staging area untouched', 0, new IOError(`${path}: upload ${manifest.uploadId} no longer exists and the target does not hold the flushed bytes (aborted by someone?)`, 'EIO', { path }));
    }
    const byNumber = new Map(uploaded.map((p) => [p.number, p]));
    for (const part of manifest.parts) {
      const found = byNumber.get(part.number);
      if (!found || found.size !== part.size || found.etag.toUpperCase() !== part.etag.toUpperCase()) {
        return report('failed', 'left the staging area untouched', 0, new IOError(`${path}: part ${part.number} of upload ${manifest.uploadId} is missing or differs from the manifest`, 'EIO', { path }));
      }
    }
    const parts = manifest.parts.map(({ number, etag }) => ({ number, etag }));
    if (manifest.tail) {
      const number = manifest.parts.length + 1;
      const etag = await client.uploadPartCopy(targetKey, manifest.uploadId, number, manifest.tail.key, 0, manifest.tail.size);
      if (etag.toUpperCase() !== manifest.tail.etag.toUpperCase()) {
        return report('failed', 'left the staging area untouched', 0, new IOError(`${path}: the staged tail ${manifest.tail.key} does not match the manifest`, 'EIO', { path }));
      }
      parts.push({ number, etag });
    }
    if (parts.length === 0) {
      await client.put(targetKey, Buffer.alloc(0));
      await client.abort(targetKey, manifest.uploadId);
    } else {
      try {
        await client.complete(targetKey, manifest.uploadId, parts);
      } catch (error) {
        // Completed by a run whose answer was lost: fine if the target is exactly what we wanted.
        if (!(await targetMatches())) throw error;
      }
    }
  }
  if (!(await targetMatches())) {
    return report('failed', 'left the staging area untouched', 0, new IOError(`${path}: after recovery the target's length or CRC-64 differs from the manifest`, 'EIO', { path }));
  }
  await tidy();
  return report('recovered', `completed ${summary}`, manifest.flushedLength);
}

const STAGING_FILE = /\/(manifest\.json|tail-a|tail-b)$/;

/**
 * The target keys with anything staged under `prefix` (one flat, paged listing): a manifest, or tails
 * left by a flush that died before its manifest, which recover then removes.
 */
export async function* stagedTargets(client: OssClient, stagingPrefix: string, targetPrefix: string, pageSize: number): AsyncIterable<string> {
  const listPrefix = `${stagingPrefix}/${targetPrefix}`;
  let token: string | undefined;
  let last: string | undefined;
  do {
    const page = await client.list(listPrefix, { token, maxKeys: pageSize });
    token = page.nextToken;
    for (const object of page.objects) {
      const match = STAGING_FILE.exec(object.key);
      if (!match) continue;
      const target = object.key.slice(stagingPrefix.length + 1, object.key.length - match[0].length);
      // A target's staging files are listed next to each other: one report per target.
      if (target !== last) yield target;
      last = target;
    }
  } while (token);
}
