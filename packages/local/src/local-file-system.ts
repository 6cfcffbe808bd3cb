import * as fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
import {
  FileSystem,
  IllegalArgumentError,
  InvalidPathError,
  Path,
  PosixFileSystem,
  POSIX_RENAME_RULES,
  type Configuration,
  type RenameRules,
  type FileSystemUri,
  type FsPromisesApi,
  type FsStatus,
} from '@hadoopfs/core';
import { UserDatabase } from './user-database.js';

/** Configuration key: when set, paths outside this directory are refused. */
export const LOCAL_ROOT_KEY = 'fs.file.root';

/**
 * `file:///…` on node:fs, with Hadoop's RawLocalFileSystem semantics (rename as rename(2), seek past
 * EOF allowed) — what a Java port on file:// gets from Hadoop. hflush hands buffered bytes to the OS (visible to every reader); hsync fsyncs
 * the file and, the first time for a created file, its directory, so the name survives a power cut too.
 * rename fsyncs both directories it touched. With `fs.file.root` set, any path outside that directory is
 * refused with InvalidPathError before the disk is touched.
 */
export class LocalFileSystem extends PosixFileSystem {
  static readonly SCHEME = 'file';
  #root: string | undefined;
  #users = UserDatabase.empty();

  override async initialize(uri: FileSystemUri, conf: Configuration): Promise<void> {
    if (uri.authority !== '') {
      throw new InvalidPathError(`file:// URIs take no authority, got "file://${uri.authority}"`);
    }
    await super.initialize(uri, conf);
    const root = conf.getTrimmed(LOCAL_ROOT_KEY);
    this.#root = root === undefined ? undefined : resolve(root);
    this.#users = await UserDatabase.load();
  }

  /** Owners by name, as RawLocalFileSystem shows them. */
  protected override ownerName(kind: 'user' | 'group', id: number): string {
    return kind === 'user' ? this.#users.userName(id) : this.#users.groupName(id);
  }

  protected override async ownerId(kind: 'user' | 'group', name: string, path: Path): Promise<number> {
    const id = this.#users.idOf(kind, name);
    if (id === undefined) throw new IllegalArgumentError(`setOwner: ${path.toString()}: no ${kind} named ${JSON.stringify(name)}`, { path: path.toString() });
    return id;
  }

  /** Hadoop's RawLocalFileSystem renames with rename(2) (a file replaces a file, an empty directory is replaced) and creates missing parents. */
  protected override renameRules(): RenameRules {
    return POSIX_RENAME_RULES;
  }

  /** lseek(2) goes past the end; a read there returns −1 (RawLocalFileSystem: rejects-seek-past-eof false). */
  protected override seekPastEndOfFile(): boolean {
    return true;
  }

  /** Hadoop's LocalFileSystem keeps its trash under the user's home (user.home), not the working directory. */
  override getTrashRoot(): Path {
    return this.makeQualified(new Path(homedir())).child('.Trash');
  }

  /** The disk holding the path (statfs): its size, bytes used, bytes free to this user. */
  protected override async fsStatus(path: Path): Promise<FsStatus> {
    const s = await fs.statfs(this.nativePath(path));
    const capacity = s.blocks * s.bsize;
    return { capacity, used: (s.blocks - s.bfree) * s.bsize, remaining: s.bavail * s.bsize };
  }

  override getHomeDirectory(): Path {
    return this.makeQualified(new Path(process.cwd()));
  }

  /** The configured root, if any. */
  getRoot(): string | undefined {
    return this.#root;
  }

  protected fsApi(): FsPromisesApi {
    return fs as unknown as FsPromisesApi;
  }

  protected nativePath(path: Path): string {
    const native = path.path;
    if (this.#root !== undefined && native !== this.#root && !native.startsWith(this.#root.endsWith(sep) ? this.#root : this.#root + sep)) {
      throw new InvalidPathError(`${path.toString()} is outside the configured root ${this.#root} (${LOCAL_ROOT_KEY})`, {
        path: path.toString(),
      });
    }
    return native;
  }

  protected override async syncDirectory(nativeDir: string): Promise<void> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(nativeDir, constants.O_RDONLY);
      await handle.sync();
    } catch (error) {
      // Some filesystems refuse fsync on a directory (EINVAL/EISDIR); the data itself is already synced.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EBADF') throw error;
    } finally {
      await handle?.close();
    }
  }
}

export function registerLocalFileSystem(): void {
  FileSystem.register(LocalFileSystem.SCHEME, LocalFileSystem);
}
