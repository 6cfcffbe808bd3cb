import { constants } from 'node:fs';
import {
  FileAlreadyExistsError,
  IllegalArgumentError,
  FileNotFoundError,
  ParentNotDirectoryError,
  PathIsDirectoryError,
  PathIsNotEmptyDirectoryError,
} from '../errors.js';
import { FileStatus, FsPermission } from '../file-status.js';
import type { ResolvedOpenOptions } from '../builders.js';
import { FileSystem, PathCapabilities, type ResolvedCreateOptions } from '../file-system.js';
import type { FSDataInputStream } from '../input-stream.js';
import type { FSDataOutputStream } from '../output-stream.js';
import { Path } from '../path.js';
import { errnoOf, translateErrno } from './errno.js';
import type { FsFileHandle, FsPromisesApi, FsStats } from './fs-api.js';
import { PosixInputStream, PosixOutputStream } from './posix-streams.js';

/** Entries stat-ed concurrently and handed out together: bounds memory and open requests per listing. */
const LIST_PAGE_SIZE = 1000;
const APPEND_EXISTING = constants.O_WRONLY | constants.O_APPEND;
const CONCAT_CHUNK = 1024 * 1024;

/**
 * The contract implemented once over any node:fs-like promises API (node:fs itself, a memfs volume).
 * Each operation is one native call in the common case; errno codes are translated into the contract's
 * errors instead of checking preconditions with extra calls.
 */
export abstract class PosixFileSystem extends FileSystem {
  // One function for every stream (a closure per create() costs measurably on small files).
  readonly #syncParentOf = (file: Path): Promise<void> => this.syncDirectory(this.nativePath(file.getParent()!));

  protected abstract fsApi(): FsPromisesApi;
  /** The native path for a qualified path; a backend may refuse paths here (e.g. outside a root). */
  protected abstract nativePath(path: Path): string;
  /** Makes a directory entry durable (fsync of the directory); a no-op where there is no medium. */
  protected async syncDirectory(_nativeDir: string): Promise<void> {}

  /** Whether this backend's input streams seek past EOF (POSIX, file://) or refuse it (HDFS's rule). */
  protected seekPastEndOfFile(): boolean {
    return false;
  }

  protected override pathCapabilities(): ReadonlySet<string> {
    return new Set([
      PathCapabilities.APPEND,
      PathCapabilities.ATOMIC_RENAME,
      PathCapabilities.CONCAT,
      PathCapabilities.HFLUSH,
      PathCapabilities.HSYNC,
      PathCapabilities.PERMISSIONS,
      PathCapabilities.TIMES,
      PathCapabilities.TRUNCATE,
    ]);
  }

  protected override async setPathTimes(path: Path, mtime: number, atime: number): Promise<void> {
    await this.fsApi().utimes(this.nativePath(path), atime / 1000, mtime / 1000).catch((error: unknown) => {
      throw translateErrno(error, 'setTimes', path);
    });
  }

  protected override async setPathPermission(path: Path, permission: FsPermission): Promise<void> {
    await this.fsApi().chmod(this.nativePath(path), permission.mode & 0o7777).catch((error: unknown) => {
      throw translateErrno(error, 'setPermission', path);
    });
  }

  /**
   * The numeric id for a user or group name: a number as it is; a backend that knows names (file://, from
   * the system's user database) overrides this.
   */
  protected async ownerId(kind: 'user' | 'group', name: string, path: Path): Promise<number> {
    if (/^\d+$/.test(name)) return Number(name);
    throw new IllegalArgumentError(`setOwner: ${path.toString()}: no ${kind} named ${JSON.stringify(name)}`, { path: path.toString() });
  }

  /** How an owner id is shown in a FileStatus (the number, unless a backend knows names). */
  protected ownerName(_kind: 'user' | 'group', id: number): string {
    return String(id);
  }

  protected override async setPathOwner(path: Path, username: string | undefined, groupname: string | undefined): Promise<void> {
    const native = this.nativePath(path);
    const current = await this.fsApi().stat(native).catch((error: unknown) => {
      throw translateErrno(error, 'setOwner', path);
    });
    const uid = username === undefined ? Number(current.uid) : await this.ownerId('user', username, path);
    const gid = groupname === undefined ? Number(current.gid) : await this.ownerId('group', groupname, path);
    await this.fsApi().chown(native, uid, gid).catch((error: unknown) => {
      throw translateErrno(error, 'setOwner', path);
    });
  }

  /**
   * Appends each source to the target, then removes the sources. Not atomic: a failure while appending
   * cuts the target back to its length before (the sources are untouched); a crash there can leave part
   * of the sources appended, and the sources still in place.
   */
  protected override async concatFiles(target: FileStatus, sources: readonly FileStatus[]): Promise<void> {
    const api = this.fsApi();
    const nativeTarget = this.nativePath(target.path);
    let out: FsFileHandle;
    try {
      out = await api.open(nativeTarget, APPEND_EXISTING);
    } catch (error) {
      throw this.#notAFile(error, 'concat', target.path);
    }
    const lengthBefore = Number((await out.stat()).size);
    try {
      const buffer = new Uint8Array(CONCAT_CHUNK);
      for (const source of sources) {
        const input = await api.open(this.nativePath(source.path), 'r');
        try {
          for (;;) {
            const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            for (let written = 0; written < bytesRead; ) written += (await out.write(buffer, written, bytesRead - written, null)).bytesWritten;
          }
        } finally {
          await input.close();
        }
      }
      await out.sync();
    } catch (error) {
      await out.close().catch(() => undefined);
      await api.truncate(nativeTarget, lengthBefore).catch(() => undefined);
      throw translateErrno(error, 'concat', target.path);
    }
    await out.close();
    for (const source of sources) {
      await api.unlink(this.nativePath(source.path)).catch((error: unknown) => {
        throw translateErrno(error, 'concat', source.path);
      });
    }
    await this.syncDirectory(this.nativePath(target.path.getParent()!));
  }

  protected override async checkAccess(path: Path, mode: string): Promise<void> {
    const flags = (mode.includes('r') ? 4 : 0) | (mode.includes('w') ? 2 : 0) | (mode.includes('x') ? 1 : 0);
    await this.fsApi().access(this.nativePath(path), flags).catch((error: unknown) => {
      throw translateErrno(error, 'access', path);
    });
  }

  protected override async truncatePath(path: Path, length: number): Promise<void> {
    await this.fsApi().truncate(this.nativePath(path), length).catch((error: unknown) => {
      throw translateErrno(error, 'truncate', path);
    });
  }

  protected createStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream> {
    const native = this.nativePath(path);
    const stream = (handle: FsFileHandle) =>
      new PosixOutputStream(path, handle, {
        bufferSize: options.bufferSize,
        startPosition: 0,
        syncParentDirectory: this.#syncParentOf,
        removeOnAbort: (created) => this.#removeIfStill(native, created),
      });
    // One promise on the way, not two async layers: a small file's create costs a few microseconds in all.
    return this.#openForCreate(path, native, options).then(stream);
  }

  /** Unlinks `native` only while it is still the file `created` describes (not one put there since). */
  async #removeIfStill(native: string, created: FsStats): Promise<void> {
    const now = await this.fsApi().stat(native).catch(() => undefined);
    if (!now || created.ino === undefined || now.ino !== created.ino || now.dev !== created.dev) return;
    await this.fsApi().unlink(native).catch(() => undefined);
  }

  #openForCreate(path: Path, native: string, options: ResolvedCreateOptions): Promise<FsFileHandle> {
    const opened = this.fsApi().open(native, options.overwrite ? 'w' : 'wx', options.permission?.mode);
    return opened.then(undefined, (error: unknown) => this.#openForCreateFailed(path, native, options, error));
  }

  /** Why open() refused, as Hadoop says it; a missing parent is made (recursive create) and open() tried again. */
  async #openForCreateFailed(path: Path, native: string, options: ResolvedCreateOptions, error: unknown): Promise<FsFileHandle> {
    const code = errnoOf(error);
    if (code === 'EISDIR' || (code === 'EEXIST' && !options.overwrite)) {
      throw new FileAlreadyExistsError(`create: ${path.toString()} already exists`, { path: path.toString(), cause: error });
    }
    if (code === 'ENOENT') {
      const parent = path.getParent()!;
      if (!options.recursive) {
        throw new FileNotFoundError(`create: parent directory ${parent.toString()} does not exist`, { path: parent.toString() });
      }
      await this.makeDirectories(parent);
      return this.#openForCreate(path, native, { ...options, recursive: false });
    }
    if (code === 'ENOTDIR') {
      throw new ParentNotDirectoryError(`create: a parent of ${path.toString()} is a file`, { path: path.toString(), cause: error });
    }
    throw translateErrno(error, 'create', path);
  }

  protected override async appendStream(path: Path, options: { bufferSize: number }): Promise<FSDataOutputStream> {
    const native = this.nativePath(path);
    let handle: FsFileHandle;
    try {
      // O_APPEND without O_CREAT: appending to a missing file must fail, not create it.
      handle = await this.fsApi().open(native, APPEND_EXISTING);
    } catch (error) {
      throw this.#notAFile(error, 'append', path);
    }
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw new PathIsDirectoryError(`append: ${path.toString()} is a directory`, { path: path.toString() });
      return new PosixOutputStream(path, handle, { bufferSize: options.bufferSize, startPosition: Number(stats.size) });
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw translateErrno(error, 'append', path);
    }
  }

  protected async openStream(path: Path, options: ResolvedOpenOptions): Promise<FSDataInputStream> {
    const native = this.nativePath(path);
    let handle: FsFileHandle;
    try {
      handle = await this.fsApi().open(native, 'r');
    } catch (error) {
      throw this.#notAFile(error, 'open', path);
    }
    // open(2) of a directory for reading succeeds; the contract wants it refused here, not at read().
    const stats = await handle.stat().catch(async (error: unknown) => {
      await handle.close().catch(() => undefined);
      throw translateErrno(error, 'open', path);
    });
    if (stats.isDirectory()) {
      await handle.close().catch(() => undefined);
      throw new PathIsDirectoryError(`open: ${path.toString()} is a directory`, { path: path.toString() });
    }
    return new PosixInputStream(path, handle, options.bufferSize, { seekPastEnd: this.seekPastEndOfFile() });
  }

  #notAFile(error: unknown, operation: string, path: Path): Error {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new FileNotFoundError(`${operation}: no such file: ${path.toString()}`, { path: path.toString(), cause: error });
    }
    if (code === 'EISDIR') return new PathIsDirectoryError(`${operation}: ${path.toString()} is a directory`, { path: path.toString() });
    return translateErrno(error, operation, path);
  }

  protected async statPath(path: Path): Promise<FileStatus> {
    try {
      return this.toFileStatus(path, await this.fsApi().stat(this.nativePath(path)));
    } catch (error) {
      throw this.#missing(error, 'getFileStatus', path);
    }
  }

  #missing(error: unknown, operation: string, path: Path): Error {
    const code = errnoOf(error);
    // A file in the middle of the path means nothing exists at the path: Hadoop answers FileNotFound.
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new FileNotFoundError(`${operation}: no such file or directory: ${path.toString()}`, { path: path.toString(), cause: error });
    }
    return translateErrno(error, operation, path);
  }

  protected toFileStatus(path: Path, stats: FsStats): FileStatus {
    const directory = stats.isDirectory();
    return new FileStatus({
      path,
      length: Number(stats.size),
      isDirectory: directory,
      modificationTime: Math.trunc(Number(stats.mtimeMs)),
      accessTime: Math.trunc(Number(stats.atimeMs)),
      blockSize: directory ? 0 : this.getDefaultBlockSize(path),
      owner: this.ownerName('user', Number(stats.uid)),
      group: this.ownerName('group', Number(stats.gid)),
      permission: new FsPermission(Number(stats.mode) & 0o7777),
    });
  }

  protected async *listPages(path: Path): AsyncIterable<readonly FileStatus[]> {
    const native = this.nativePath(path);
    let names: string[];
    try {
      names = (await this.fsApi().readdir(native)).map(String);
    } catch (error) {
      if (errnoOf(error) === 'ENOTDIR') {
        yield [await this.statPath(path)];
        return;
      }
      throw this.#missing(error, 'listStatus', path);
    }
    names.sort();
    const statPage = (start: number): Promise<FileStatus[]> =>
      Promise.all(
        names.slice(start, start + LIST_PAGE_SIZE).map((name) => {
          const child = path.child(name);
          return this.fsApi()
            .stat(`${native === '/' ? '' : native}/${name}`)
            .then(
              (stats) => this.toFileStatus(child, stats),
              (error: unknown) => {
                // Deleted between readdir and stat: it is simply no longer there.
                if (errnoOf(error) === 'ENOENT') return undefined;
                throw translateErrno(error, 'listStatus', child);
              },
            );
        }),
      ).then((page) => page.filter((status): status is FileStatus => status !== undefined));
    // One page is stat-ed ahead while the caller consumes the current one.
    let next = names.length > 0 ? statPage(0) : undefined;
    for (let i = 0; next; i += LIST_PAGE_SIZE) {
      const current = next;
      next = i + LIST_PAGE_SIZE < names.length ? statPage(i + LIST_PAGE_SIZE) : undefined;
      // A failure of the page fetched ahead surfaces when it is reached, not as an unhandled rejection.
      next?.catch(() => undefined);
      yield await current;
    }
  }

  protected async makeDirectories(path: Path, permission?: FsPermission): Promise<boolean> {
    const native = this.nativePath(path);
    const existing = await this.fsApi()
      .stat(native)
      .catch((error: unknown) => {
        const code = errnoOf(error);
        if (code === 'ENOENT') return undefined;
        if (code === 'ENOTDIR') {
          throw new ParentNotDirectoryError(`mkdirs: a parent of ${path.toString()} is a file`, { path: path.toString(), cause: error });
        }
        throw translateErrno(error, 'mkdirs', path);
      });
    if (existing?.isDirectory()) return true;
    if (existing) throw new FileAlreadyExistsError(`mkdirs: ${path.toString()} is a file`, { path: path.toString() });
    try {
      await this.fsApi().mkdir(native, { recursive: true, ...(permission ? { mode: permission.mode } : {}) });
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOTDIR' || code === 'EEXIST') {
        throw new ParentNotDirectoryError(`mkdirs: a parent of ${path.toString()} is a file`, { path: path.toString(), cause: error });
      }
      throw translateErrno(error, 'mkdirs', path);
    }
    return true;
  }

  protected async deletePath(path: Path, recursive: boolean): Promise<boolean> {
    const native = this.nativePath(path);
    const api = this.fsApi();
    try {
      await api.unlink(native);
      return true;
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      if (code !== 'EISDIR' && code !== 'EPERM') throw translateErrno(error, 'delete', path);
    }
    try {
      if (recursive) await api.rm(native, { recursive: true, force: false });
      else await api.rmdir(native);
      return true;
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOENT') return false;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new PathIsNotEmptyDirectoryError(`delete: directory ${path.toString()} is not empty and recursive is false`, {
          path: path.toString(),
        });
      }
      throw translateErrno(error, 'delete', path);
    }
  }

  protected async moveTo(source: FileStatus, target: Path): Promise<void> {
    try {
      await this.fsApi().rename(this.nativePath(source.path), this.nativePath(target));
    } catch (error) {
      throw translateErrno(error, 'rename', source.path);
    }
    await this.syncDirectory(this.nativePath(target.getParent()!));
    await this.syncDirectory(this.nativePath(source.path.getParent()!));
  }
}
