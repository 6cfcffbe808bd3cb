import { runCancellable, throwIfAborted, withoutSignal } from './cancellation.js';
import { ChecksumError, FileAlreadyExistsError } from './errors.js';
import type { FileSystem, PathLike } from './file-system.js';
import { Crc64 } from './crc64.js';
import { FileChecksum } from './file-checksum.js';
import type { Path } from './path.js';
import { statOrUndefined } from './stat-or-undefined.js';
import { writeWhole } from './whole-write.js';

export interface CopyOptions {
  /** Replace an existing destination file (default false: FileAlreadyExistsError). */
  overwrite?: boolean;
  /** Delete the source once everything is copied (a move; FileUtil.copy's deleteSource). */
  deleteSource?: boolean;
  /**
   * Compare the CRC-64 of the bytes read with the destination's checksum after each file (default true);
   * a mismatch is ChecksumError and the copy is removed. Every hadoopfs scheme has the same checksum.
   */
  verify?: boolean;
  /**
   * Bytes copied so far, all files together, as the destination acknowledged them (create()'s onProgress:
   * a disk's writes as they return, an object store's parts as they are stored, the rest at close); a file
   * that fails takes its bytes back out.
   */
  onProgress?: (bytes: number) => void;
  /**
   * `<dst>._COPYING_` then a rename: 'auto' (default) where the store renames atomically, 'always' (Hadoop's
   * shell), 'never' (the shell's -d; an object store publishes nothing before close anyway).
   */
  temporary?: 'auto' | 'always' | 'never';
  /**
   * Stops the copy between chunks and cuts its requests (AbortError): the file being copied is not
   * published (an older file there stays whole), files copied before it stay, a move's sources stay. A
   * file whose close had committed it is verified and kept, and once the last one is, the call finishes.
   */
  signal?: AbortSignal;
}


/**
 * Hadoop's FileUtil.copy between any two filesystems: a file, or a directory tree (into `dst/<name>` when
 * `dst` is an existing directory). Streamed; a failure publishes nothing at the destination (an object
 * store's stream is aborted; on a store with atomic rename the copy goes through `<dst>._COPYING_` and is
 * renamed into place whole) and leaves the source as it was.
 */
export async function copy(srcFs: FileSystem, src: PathLike, dstFs: FileSystem, dst: PathLike, options: CopyOptions = {}): Promise<boolean> {
  const source = srcFs.makeQualified(src);
  return runCancellable(options.signal, `copy ${source.toString()}`, source.toString(), async () => {
    let target = dstFs.makeQualified(dst);
    const existing = await statOrUndefined(dstFs, target);
    if (existing?.isDirectory()) target = target.child(source.getName());
    const progress = cumulative(options);
    await copyTree(srcFs, source, dstFs, target, options, progress);
    // Every file is committed: a move finishes (the sources go) rather than stop with both copies in place.
    if (options.deleteSource) await withoutSignal(() => srcFs.delete(source, true));
    return true;
  });
}

async function copyTree(srcFs: FileSystem, source: Path, dstFs: FileSystem, target: Path, options: CopyOptions, progress: (n: number) => void): Promise<void> {
  const status = await srcFs.getFileStatus(source);
  if (status.isDirectory()) {
    if (dstFs.getUri() === srcFs.getUri() && (source.equals(target) || source.contains(target))) {
      throw new FileAlreadyExistsError(`copy: ${target.toString()} is ${source.toString()} or below it`, { path: target.toString() });
    }
    await dstFs.mkdirs(target);
    for (const child of await srcFs.listStatus(source)) {
      throwIfAborted(`copy ${source.toString()}`, source.toString());
      await copyTree(srcFs, child.path, dstFs, target.child(child.path.getName()), options, progress);
    }
    return;
  }
  await using input = await srcFs.openFile(source).withFileStatus(status).opt('fs.option.openfile.read.policy', 'whole-file').build();
  await copyStream(input, dstFs, target, options, progress, source.toString());
}

/**
 * Writes `bytes` to `dst` with copy()'s guarantees: an existing file only with `overwrite`, nothing
 * published on failure (through `<dst>._COPYING_` where the store renames atomically, or always with
 * `temporary: 'always'` as Hadoop's shell does), and with `verify` the CRC-64 of the bytes as they went
 * by compared with the destination's checksum (a mismatch removes the copy: ChecksumError).
 */
export async function copyStream(
  bytes: AsyncIterable<Uint8Array>,
  dstFs: FileSystem,
  dst: PathLike,
  options: CopyOptions = {},
  progress: (n: number) => void = cumulative(options),
  what = 'a stream',
): Promise<void> {
  const target = dstFs.makeQualified(dst);
  return runCancellable(options.signal, `copy ${what} → ${target.toString()}`, target.toString(), () => copyVerified(bytes, dstFs, target, options, progress, what));
}

async function copyVerified(bytes: AsyncIterable<Uint8Array>, dstFs: FileSystem, target: Path, options: CopyOptions, progress: (n: number) => void, what: string): Promise<void> {
  const verify = options.verify ?? true;
  const crc = verify ? new Crc64() : undefined;
  // Progress by what the destination acknowledged (a disk's writes as they return, an object store's parts).
  let acknowledged = 0;
  const onProgress = (bytes: number) => {
    progress(bytes - acknowledged);
    acknowledged = bytes;
  };
  try {
    await writeWhole(
      dstFs,
      target,
      async (out) => {
        for await (const chunk of bytes) {
          crc?.update(chunk);
          await out.write(chunk);
        }
      },
      { overwrite: options.overwrite === true, temporary: options.temporary ?? 'auto', onProgress },
    );
  } catch (error) {
    progress(-acknowledged);
    throw error;
  }
  if (crc) {
    const sent = FileChecksum.ofCrc64(crc.value());
    // Part of the commit, which an abort does not cut: the file is in place (it may have replaced an older
    // one), and the call answers whether it is good rather than leave it unverified.
    const stored = await withoutSignal(() => dstFs.getFileChecksum(target));
    if (!sent.equals(stored)) {
      await withoutSignal(() => dstFs.delete(target, false).catch(() => false));
      throw new ChecksumError(`copy ${what} → ${target.toString()}: checksums differ (${sent.toString()} sent, ${stored.toString()} stored); the copy was removed`, { path: target.toString() });
    }
  }
  // Closed (and verified): the destination has acknowledged these bytes.
  progress(0);
}

/** onProgress with the bytes so far, from the deltas the copy reports. */
function cumulative(options: CopyOptions): (n: number) => void {
  let done = 0;
  return (n) => {
    done += n;
    options.onProgress?.(done);
  };
}
