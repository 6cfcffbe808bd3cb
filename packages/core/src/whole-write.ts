import { withoutSignal } from './cancellation.js';
import { FileAlreadyExistsError, IOError } from './errors.js';
import { PathCapabilities, type FileSystem } from './file-system.js';
import type { FSDataOutputStream } from './output-stream.js';
import type { Path } from './path.js';
import { statOrUndefined } from './stat-or-undefined.js';

/** Hadoop's suffix for a copy on its way: a store that cannot abort a stream publishes only whole copies. */
export const COPYING_SUFFIX = '._COPYING_';

export interface WholeWriteOptions {
  /** Replace an existing file (default false: FileAlreadyExistsError, nothing written). */
  overwrite?: boolean;
  /**
   * `<path>._COPYING_` then a rename: 'auto' (default) where the store renames atomically (a disk shows a
   * stream's bytes as they come), 'always', 'never' (an object store publishes nothing before close anyway).
   */
  temporary?: 'auto' | 'always' | 'never';
  /** Stops the write (AbortError): nothing is published and a temporary is removed; an older file stays whole. */
  signal?: AbortSignal;
  /** create()'s onProgress: the bytes the store acknowledged so far. */
  onProgress?: (bytes: number) => void;
}

/**
 * Writes a whole file or nothing: `fill` writes the stream; when it resolves the file is committed (closed,
 * and renamed into place where a temporary was used), when it rejects — or the close fails — the stream is
 * aborted, a temporary removed, and an older file at the path left as it was. Answers what `fill` answered.
 */
export async function writeWhole<T>(fs: FileSystem, target: Path, fill: (out: FSDataOutputStream) => Promise<T>, options: WholeWriteOptions = {}): Promise<T> {
  const existing = await statOrUndefined(fs, target);
  if (existing?.isDirectory()) throw new FileAlreadyExistsError(`write: ${target.toString()} is a directory`, { path: target.toString() });
  if (existing && !options.overwrite) throw new FileAlreadyExistsError(`write: ${target.toString()} already exists`, { path: target.toString() });
  const temporary = options.temporary ?? 'auto';
  const beside = temporary === 'always' || (temporary === 'auto' && (await fs.hasPathCapability(target.getParent() ?? target, PathCapabilities.ATOMIC_RENAME)));
  const written = beside ? target.suffix(COPYING_SUFFIX) : target;
  const out = await fs.create(written, { overwrite: beside || options.overwrite === true, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  let result: T;
  try {
    result = await fill(out);
    await out.close();
  } catch (error) {
    // Clean-up runs to the end even when an abort is what failed the write.
    await withoutSignal(async () => {
      await out.abort().catch(() => undefined);
      if (beside) await fs.delete(written, false).catch(() => false);
    });
    throw error;
  }
  // Closed: the rest is the commit, which an abort does not cut in half.
  if (beside) {
    await withoutSignal(async () => {
      // A directory made at the path meanwhile would receive the file as a child: refused, nothing left.
      if ((await statOrUndefined(fs, target))?.isDirectory()) {
        await fs.delete(written, false).catch(() => false);
        throw new FileAlreadyExistsError(`write: ${target.toString()} became a directory`, { path: target.toString() });
      }
      // Where rename replaces a file (POSIX, file://) it is one atomic step: the path is never without a
      // file. Only a store whose rename refuses an existing destination (HDFS's rules) needs the delete.
      // (HDFS's rename answers false where another throws FileAlreadyExistsError.)
      let renamed: boolean;
      try {
        renamed = await fs.rename(written, target);
      } catch (error) {
        if (!(error instanceof FileAlreadyExistsError)) throw error;
        renamed = false;
      }
      if (!renamed) {
        // False also means our file is gone (HDFS's missing source): then the older file is not ours to delete.
        const refused = () => new IOError(`write: ${written.toString()} could not be renamed to ${target.toString()}`, 'EIO', { path: target.toString() });
        if (!(await fs.exists(written))) throw refused();
        await fs.delete(target, false);
        if (!(await fs.rename(written, target))) throw refused();
      }
    });
  }
  return result;
}
