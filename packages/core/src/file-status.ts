import type { Path } from './path.js';

/** POSIX permission bits, printed the way `hadoop fs -ls` prints them. */
export class FsPermission {
  constructor(readonly mode: number) {}

  static readonly FILE_DEFAULT = new FsPermission(0o644);
  static readonly DIRECTORY_DEFAULT = new FsPermission(0o755);

  toString(): string {
    const chars = 'rwxrwxrwx';
    let out = '';
    for (let bit = 8; bit >= 0; bit--) out += this.mode & (1 << bit) ? chars[8 - bit] : '-';
    return out;
  }

  toOctal(): string {
    return (this.mode & 0o777).toString(8).padStart(3, '0');
  }
}

export interface FileStatusInit {
  path: Path;
  length: number;
  isDirectory: boolean;
  modificationTime: number;
  accessTime?: number;
  blockSize: number;
  replication?: number;
  owner?: string;
  group?: string;
  permission?: FsPermission;
  /** Object stores: the ETag of the object, when the listing gave one. */
  etag?: string;
  /** Object stores: the CRC-64/ECMA the store keeps for the object (decimal), when the request gave it. */
  crc64?: string;
}

/** What getFileStatus and the listings say about one path. Lengths of directories are 0. */
export class FileStatus {
  readonly path: Path;
  readonly length: number;
  readonly modificationTime: number;
  readonly accessTime: number;
  readonly blockSize: number;
  readonly replication: number;
  readonly owner: string;
  readonly group: string;
  readonly permission: FsPermission;
  readonly etag: string | undefined;
  readonly crc64: string | undefined;
  readonly #directory: boolean;

  constructor(init: FileStatusInit) {
    this.path = init.path;
    this.#directory = init.isDirectory;
    this.length = init.isDirectory ? 0 : init.length;
    this.modificationTime = init.modificationTime;
    this.accessTime = init.accessTime ?? 0;
    this.blockSize = init.isDirectory ? 0 : init.blockSize;
    this.replication = init.isDirectory ? 0 : (init.replication ?? 1);
    this.owner = init.owner ?? '';
    this.group = init.group ?? '';
    this.permission = init.permission ?? (init.isDirectory ? FsPermission.DIRECTORY_DEFAULT : FsPermission.FILE_DEFAULT);
    this.etag = init.etag;
    this.crc64 = init.crc64;
  }

  isFile(): boolean {
    return !this.#directory;
  }

  isDirectory(): boolean {
    return this.#directory;
  }

  // Hadoop's getters, for code ported from Java (the fields above are the same values).
  getPath(): Path {
    return this.path;
  }
  getLen(): number {
    return this.length;
  }
  /** @deprecated Hadoop's isDir(): isDirectory(). */
  isDir(): boolean {
    return this.#directory;
  }
  /** No hadoopfs store has symbolic links. */
  isSymlink(): boolean {
    return false;
  }
  getModificationTime(): number {
    return this.modificationTime;
  }
  getAccessTime(): number {
    return this.accessTime;
  }
  getBlockSize(): number {
    return this.blockSize;
  }
  getReplication(): number {
    return this.replication;
  }
  getOwner(): string {
    return this.owner;
  }
  getGroup(): string {
    return this.group;
  }
  getPermission(): FsPermission {
    return this.permission;
  }
  isEncrypted(): boolean {
    return false;
  }
  isErasureCoded(): boolean {
    return false;
  }
  hasAcl(): boolean {
    return false;
  }

  toString(): string {
    const kind = this.#directory ? 'dir' : 'file';
    return `FileStatus{${kind} ${this.path.toString()} length=${this.length} mtime=${this.modificationTime}}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      path: this.path.toString(),
      type: this.#directory ? 'directory' : 'file',
      length: this.length,
      modificationTime: this.modificationTime,
      blockSize: this.blockSize,
      owner: this.owner,
      group: this.group,
      permission: this.permission.toString(),
    };
  }
}

/** What ContentSummary's constructor takes; quotas default to −1 (none), spaceConsumed to length. */
export interface ContentSummaryInit {
  length: number;
  fileCount: number;
  directoryCount: number;
  quota?: number;
  spaceConsumed?: number;
  spaceQuota?: number;
}

/**
 * getContentSummary's answer, Hadoop's ContentSummary: totals under a path, the path itself counted.
 * No hadoopfs store has quotas (−1, Hadoop's "none"); spaceConsumed is the bytes stored (length × the
 * replication of 1 every store here has).
 */
export class ContentSummary {
  readonly length: number;
  readonly fileCount: number;
  readonly directoryCount: number;
  readonly quota: number;
  readonly spaceConsumed: number;
  readonly spaceQuota: number;

  constructor(init: ContentSummaryInit) {
    this.length = init.length;
    this.fileCount = init.fileCount;
    this.directoryCount = init.directoryCount;
    this.quota = init.quota ?? -1;
    this.spaceConsumed = init.spaceConsumed ?? init.length;
    this.spaceQuota = init.spaceQuota ?? -1;
  }

  getLength(): number {
    return this.length;
  }
  getFileCount(): number {
    return this.fileCount;
  }
  getDirectoryCount(): number {
    return this.directoryCount;
  }
  getQuota(): number {
    return this.quota;
  }
  getSpaceConsumed(): number {
    return this.spaceConsumed;
  }
  getSpaceQuota(): number {
    return this.spaceQuota;
  }

  /**
   * Hadoop's toString(qOption): `hadoop fs -count`'s columns (DIR_COUNT in 12, FILE_COUNT in 12,
   * CONTENT_SIZE in 18, each followed by a space), preceded with `qOption` by the quota columns (12, 15,
   * 15, 15: "none" and "inf" where there is no quota).
   */
  toString(qOption = false): string {
    const quotas = qOption
      ? `${(this.quota < 0 ? 'none' : String(this.quota)).padStart(12)} ${(this.quota < 0 ? 'inf' : String(this.quota - this.directoryCount - this.fileCount)).padStart(15)} ` +
        `${(this.spaceQuota < 0 ? 'none' : String(this.spaceQuota)).padStart(15)} ${(this.spaceQuota < 0 ? 'inf' : String(this.spaceQuota - this.spaceConsumed)).padStart(15)} `
      : '';
    return `${quotas}${String(this.directoryCount).padStart(12)} ${String(this.fileCount).padStart(12)} ${String(this.length).padStart(18)} `;
  }

  toJSON(): ContentSummaryInit {
    return { length: this.length, fileCount: this.fileCount, directoryCount: this.directoryCount, quota: this.quota, spaceConsumed: this.spaceConsumed, spaceQuota: this.spaceQuota };
  }
}

/** Hadoop's BlockLocation: where a range of a file lives (one block, on "localhost", for every hadoopfs store). */
export interface BlockLocation {
  readonly offset: number;
  readonly length: number;
  /** host:port of each replica. */
  readonly names: readonly string[];
  readonly hosts: readonly string[];
}

/** Hadoop's LocatedFileStatus: a FileStatus with its block locations (none for a directory). */
export class LocatedFileStatus extends FileStatus {
  readonly blockLocations: readonly BlockLocation[];

  constructor(status: FileStatus, blockLocations: readonly BlockLocation[]) {
    super({
      path: status.path,
      length: status.length,
      isDirectory: status.isDirectory(),
      modificationTime: status.modificationTime,
      accessTime: status.accessTime,
      blockSize: status.blockSize,
      replication: status.replication,
      owner: status.owner,
      group: status.group,
      permission: status.permission,
      ...(status.etag !== undefined ? { etag: status.etag } : {}),
      ...(status.crc64 !== undefined ? { crc64: status.crc64 } : {}),
    });
    this.blockLocations = blockLocations;
  }

  getBlockLocations(): readonly BlockLocation[] {
    return this.blockLocations;
  }

  /** @deprecated The status itself (listLocatedStatus answered `{ status, blockLocations }` before 0.x). */
  get status(): FileStatus {
    return this;
  }
}

/** Hadoop's FsStatus: the filesystem's capacity, bytes used and bytes remaining. */
export interface FsStatus {
  readonly capacity: number;
  readonly used: number;
  readonly remaining: number;
}
