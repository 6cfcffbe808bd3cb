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

/** getContentSummary's answer: totals under a path, the path itself counted. */
export interface ContentSummary {
  length: number;
  fileCount: number;
  directoryCount: number;
}

/** Hadoop's BlockLocation: where a range of a file lives (one block, on "localhost", for every hadoopfs store). */
export interface BlockLocation {
  readonly offset: number;
  readonly length: number;
  /** host:port of each replica. */
  readonly names: readonly string[];
  readonly hosts: readonly string[];
}

/** Hadoop's LocatedFileStatus: a status with its block locations (empty for a directory). */
export interface LocatedFileStatus {
  readonly status: FileStatus;
  readonly blockLocations: readonly BlockLocation[];
}

/** Hadoop's FsStatus: the filesystem's capacity, bytes used and bytes remaining. */
export interface FsStatus {
  readonly capacity: number;
  readonly used: number;
  readonly remaining: number;
}
