/**
 * The slice of `node:fs/promises` a POSIX-style backend needs. node:fs satisfies it, and so does a memfs
 * Volume's `promises`, which lets the local and memory backends share one implementation of the contract.
 */
export interface FsStats {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number | bigint;
  mtimeMs: number | bigint;
  atimeMs: number | bigint;
  mode: number | bigint;
  uid: number | bigint;
  gid: number | bigint;
  /** Which file this is (with dev): how a stream tells that a path still names the file it created. */
  ino?: number | bigint;
  dev?: number | bigint;
}

export interface FsFileHandle {
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position?: number | null): Promise<{ bytesWritten: number }>;
  stat(): Promise<FsStats>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FsDirent {
  name: string | Uint8Array;
}

export interface FsPromisesApi {
  open(path: string, flags: string | number, mode?: number): Promise<FsFileHandle>;
  stat(path: string): Promise<FsStats>;
  readdir(path: string): Promise<unknown[]>;
  mkdir(path: string, options: { recursive: boolean; mode?: number }): Promise<unknown>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  utimes(path: string, atime: number | Date, mtime: number | Date): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  access(path: string, mode: number): Promise<void>;
}
