import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Crc64Offload, crc64Offloaded, IOError, isProcessRunning } from '@hadoopfs/core';

/** Hadoop's fast-upload buffer values (bytebuffer ones mean the same here: Buffers live outside the JS heap). */
export type UploadBufferMode = 'array' | 'disk' | 'array_disk';

export interface UploadBufferSettings {
  mode: UploadBufferMode;
  /** Directories for disk buffers, used in turn. */
  dirs: string[];
  /** The key that sets `dirs`, for messages. */
  dirsKey: string;
  /** Folder under each dir for this backend's buffer files: one sub-folder per process below it. */
  folder: string;
  /** Memory all streams of one FileSystem may hold before array_disk spills. */
  memoryLimit: number;
}

/** First capacity of a memory part: a stream holding a few events holds a few KiB, not a part. */
const FIRST_CAPACITY = 1024;
/** Bytes a disk part keeps in memory before appending them to its file: few system calls for small writes. */
const DISK_STAGING = 64 * 1024;
/**
 * Once a part is on disk its bytes go to the file through chunks of this size, taken from a pool and
 * given back when written: no allocation per write (a fresh 1 MiB Buffer per write cost the writer more
 * in allocation and collection than the file write itself).
 */
const DISK_CHUNK = DISK_STAGING;
/** Chunks kept for reuse across the parts of one FileSystem (a streaming part has up to DISK_WRITE_AHEAD of them in flight). */
const DISK_CHUNK_POOL = 128;
/**
 * Bytes a disk part may have on their way to its file before a write waits for them: writing to disk
 * overlaps with the caller's next writes and with uploads, within a bound.
 */
const DISK_WRITE_AHEAD = 4 * 1024 * 1024;
/** Chunk size of a part file read for upload: few, large socket writes. */
const UPLOAD_CHUNK = 1024 * 1024;

import type { PartBody } from '../store/object-store.js';

/**
 * The bytes of all streams of one FileSystem waiting to go up. Memory parts grow with their data, and
 * a stream's next part starts at the size its last one reached, from a pool of buffers by size (so
 * steady streaming, and steady flushing of runs smaller than a part, does not allocate); disk parts
 * append to a file under the buffer dirs; array_disk keeps parts in memory until the streams together hold the memory limit, then starts new growth on disk. A
 * bound applied by waiting could deadlock (every stream holding half a part, none able to send), so
 * the bound spills instead.
 *
 * Files live in `<dir>/<folder>/<pid>-<random>/`, are removed when their part is uploaded
 * or dropped, and folders of processes that no longer run are removed at the next start.
 */
export class UploadBuffers {
  readonly settings: UploadBufferSettings;
  readonly partSize: number;
  #held = 0;
  /** Buffers given back, by length; at most #poolLimit bytes in all. */
  readonly #pool = new Map<number, Buffer[]>();
  #pooled = 0;
  readonly #poolLimit: number;
  readonly #chunks: Buffer[] = [];
  #folders: Promise<string[]> | undefined;
  readonly #writes = new Set<Promise<void>>();
  #nextDir = 0;
  #nextFile = 0;

  /** `poolParts`: how many part sizes of memory the pool may keep. */
  constructor(settings: UploadBufferSettings, partSize: number, poolParts: number) {
    this.settings = settings;
    this.partSize = partSize;
    this.#poolLimit = poolParts * partSize;
  }

  /** Bytes of memory the streams hold now (capacity of their buffers). */
  get memoryHeld(): number {
    return this.#held;
  }

  /**
   * A new, empty part. A memory part's buffer starts at `startCapacity` (the size the stream's last part
   * reached: a part it filled, or a run it flushed) and doubles from there up to the part size.
   */
  newPart(partSize: number, startCapacity = 0): PartBuffer {
    return new PartBuffer(this, partSize, this.settings.mode === 'disk' ? 'disk' : 'memory', startCapacity);
  }

  /**
   * A memory buffer of `size` bytes, counted as held; undefined when array_disk must spill instead. A
   * fresh buffer is external memory V8 counts against the old generation's limit until a collection
   * frees it: a part grown afresh after every flush (1, 2, 4, 8 MiB: 15 MiB for a run of 8) brought a full
   * collection every few flushes, hence the pool.
   */
  takeMemory(size: number): Buffer | undefined {
    if (this.settings.mode === 'array_disk' && this.#held + size > this.settings.memoryLimit) return undefined;
    this.#held += size;
    const pooled = this.#pool.get(size)?.pop();
    if (pooled) {
      this.#pooled -= size;
      return pooled;
    }
    return Buffer.allocUnsafe(size);
  }

  /**
   * Back to the pool, within its byte limit — unless it is a step of a buffer's growth (`pooled` false):
   * a size the stream just grew past, which would fill the pool and keep out the sizes parts end at.
   */
  giveMemory(buffer: Buffer, pooled = true): void {
    this.#held -= buffer.length;
    if (!pooled || this.#pooled + buffer.length > this.#poolLimit) return;
    let same = this.#pool.get(buffer.length);
    if (!same) this.#pool.set(buffer.length, (same = []));
    same.push(buffer);
    this.#pooled += buffer.length;
  }


  /** A DISK_CHUNK buffer for bytes on their way to a file (not counted as held: a part has few in flight). */
  takeChunk(): Buffer {
    return this.#chunks.pop() ?? Buffer.allocUnsafe(DISK_CHUNK);
  }

  giveChunk(chunk: Buffer): void {
    if (this.#chunks.length < DISK_CHUNK_POOL) this.#chunks.push(chunk);
  }

  /** Tracks a queued buffer-file write until it is done. */
  track(write: Promise<void>): void {
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }

  /** Resolves once every buffer-file write queued so far is done (they overlap with the writers' next writes). */
  async settled(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  /** A fresh file name for a disk part, in the buffer dirs in turn. */
  async newFile(): Promise<string> {
    const folders = await this.#ownFolders();
    const folder = folders[this.#nextDir++ % folders.length]!;
    return join(folder, `part-${this.#nextFile++}`);
  }

  #ownFolders(): Promise<string[]> {
    this.#folders ??= (async () => {
      const name = `${process.pid}-${randomBytes(4).toString('hex')}`;
      const folders: string[] = [];
      for (const dir of this.settings.dirs) {
        await removeDeadProcessFolders(join(dir, this.settings.folder));
        const folder = join(dir, this.settings.folder, name);
        await mkdir(folder, { recursive: true, mode: 0o700 });
        folders.push(folder);
      }
      return folders;
    })();
    // A failure (a dir that cannot be created) is tried again by the next part, not remembered.
    this.#folders.catch(() => (this.#folders = undefined));
    return this.#folders;
  }

  /** Removes this process's buffer folders (at FileSystem close: every stream is closed or aborted by then). */
  async close(): Promise<void> {
    const folders = await this.#folders?.catch(() => undefined);
    this.#folders = undefined;
    for (const folder of folders ?? []) await rm(folder, { recursive: true, force: true });
    this.#pool.clear();
    this.#pooled = 0;
    this.#chunks.length = 0;
  }
}

/** Folders `<pid>-<random>` whose process is gone: what a crash left behind. */
async function removeDeadProcessFolders(root: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessRunning(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}


/**
 * One part's bytes on their way up: a memory buffer that grows by doubling up to the part size, or a
 * file with a small memory staging area. A memory part that may not grow (array_disk over its limit)
 * moves to disk. The CRC-64 of a disk part is computed as it is written, so the file is never read
 * again just for it.
 */
export class PartBuffer {
  readonly #buffers: UploadBuffers;
  readonly #partSize: number;
  #kind: 'memory' | 'disk';
  #memory: Buffer | undefined;
  #filled = 0;
  #file: string | undefined;
  /** The file, open for appending from its first write until the part is sealed or released. */
  #handle: Promise<FileHandle> | undefined;
  #onDisk = 0;
  /** Whether bytes went to the file's chunks (from then on all do). */
  get #spilled(): boolean {
    return this.#chunk !== undefined || this.#onDisk > 0;
  }
  /** The pooled chunk being filled once the part is on disk, and how much of it. */
  #chunk: Buffer | undefined;
  #chunkFilled = 0;
  /** Chunks queued for the write after the one under way. */
  #nextBatch: Array<{ chunk: Buffer; length: number }> | undefined;
  /** A disk part's CRC-64, computed (off the writer's thread) as its bytes go to the file. */
  #crc: Crc64Offload | undefined;
  /** Appends to the file, in order; its failure is raised by the next append, bytes() or seal(). */
  #writes: Promise<void> = Promise.resolve();
  #writing = 0;
  #failure: Error | undefined;
  readonly #startCapacity: number;
  #released = false;
  /** A piece of a split part: its memory is a view, given back (by this) once every piece is released. */
  #onRelease: (() => void) | undefined;

  constructor(buffers: UploadBuffers, partSize: number, kind: 'memory' | 'disk', startCapacity: number) {
    this.#buffers = buffers;
    this.#partSize = partSize;
    this.#kind = kind;
    this.#startCapacity = startCapacity;
  }

  get length(): number {
    return this.#onDisk + this.#chunkFilled + this.#filled;
  }

  /** The size of its memory buffer (0 for a part on disk). */
  get capacity(): number {
    return this.#memory?.length ?? 0;
  }


  /** Copies `bytes` in (the caller may reuse them once this returns or resolves). At most part size in all. */
  append(bytes: Uint8Array): Promise<void> | undefined {
    if (this.#failure) return Promise.reject(this.#failure);
    if (bytes.length === 0) return undefined;
    if (this.#kind === 'memory' && this.#fitMemory(this.#filled + bytes.length)) {
      this.#memory!.set(bytes, this.#filled);
      this.#filled += bytes.length;
      return undefined;
    }
    // Before its first spill a disk part stages small writes in memory (a small file never touches disk); after it, the chunks do that.
    if (this.#kind === 'disk' && !this.#spilled && this.#filled + bytes.length <= DISK_STAGING && this.#fitMemory(this.#filled + bytes.length)) {
      this.#memory!.set(bytes, this.#filled);
      this.#filled += bytes.length;
      return undefined;
    }
    if (this.#kind === 'memory') this.#kind = 'disk';
    this.#toFile();
    this.#copyToFile(bytes);
    return this.#writing > DISK_WRITE_AHEAD ? this.#writes : undefined;
  }

  /** Grows the memory buffer to hold `needed` bytes; false if the budget says spill. */
  #fitMemory(needed: number): boolean {
    const capacity = this.#memory?.length ?? 0;
    if (needed <= capacity) return true;
    const limit = this.#kind === 'disk' ? DISK_STAGING : this.#partSize;
    let size = Math.max(FIRST_CAPACITY, capacity === 0 && this.#kind === 'memory' ? this.#startCapacity : capacity);
    while (size < needed) size *= 2;
    size = Math.min(size, limit);
    if (size < needed) return false;
    const grown = this.#buffers.takeMemory(size);
    if (!grown) return false;
    if (this.#memory) {
      grown.set(this.#memory.subarray(0, this.#filled));
      this.#buffers.giveMemory(this.#memory, false);
    }
    this.#memory = grown;
    return true;
  }

  /** Moves the staged memory bytes to the file's chunks and gives the memory back (from now on the chunks stage). */
  #toFile(): void {
    if (this.#filled === 0) return;
    this.#copyToFile(this.#memory!.subarray(0, this.#filled));
    this.#filled = 0;
    this.#buffers.giveMemory(this.#memory!);
    this.#memory = undefined;
  }

  /** Copies `bytes` into pooled chunks, each queued for the file when full. */
  #copyToFile(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) {
      this.#chunk ??= this.#buffers.takeChunk();
      const n = Math.min(bytes.length - at, this.#chunk.length - this.#chunkFilled);
      this.#chunk.set(bytes.subarray(at, at + n), this.#chunkFilled);
      this.#chunkFilled += n;
      at += n;
      if (this.#chunkFilled === this.#chunk.length) this.#queueChunk();
    }
  }

  /**
   * Queues the chunk being filled for the file (created on first use); length and CRC-64 count it at once.
   * Chunks queued while a write is under way go down together in the next (one writev), in order.
   */
  #queueChunk(): void {
    const chunk = this.#chunk;
    const length = this.#chunkFilled;
    this.#chunk = undefined;
    this.#chunkFilled = 0;
    if (!chunk || length === 0) {
      if (chunk) this.#buffers.giveChunk(chunk);
      return;
    }
    this.#onDisk += length;
    this.#writing += length;
    let batch = this.#nextBatch;
    if (!batch) {
      const next: Array<{ chunk: Buffer; length: number }> = (batch = this.#nextBatch = []);
      this.#writes = this.#writes.then(() => {
        if (this.#nextBatch === next) this.#nextBatch = undefined;
        return this.#writeBatch(next);
      });
      this.#buffers.track(this.#writes);
    }
    batch.push({ chunk, length });
  }

  /** Appends the chunks' bytes to the file, adds them to the CRC-64, and gives the chunks back. */
  async #writeBatch(batch: Array<{ chunk: Buffer; length: number }>): Promise<void> {
    const views = batch.map(({ chunk, length }) => chunk.subarray(0, length));
    const total = views.reduce((n, v) => n + v.length, 0);
    try {
      // A released part's bytes are no one's: nothing more is written (or checksummed) for it.
      if (this.#failure || this.#released) return;
      this.#crc ??= new Crc64Offload();
      this.#handle ??= (async () => open((this.#file ??= await this.#buffers.newFile()), 'a', 0o600))();
      const handle = await this.#handle;
      for (let left = views; left.length > 0; ) {
        let written = (await handle.writev(left)).bytesWritten;
        const rest: Buffer[] = [];
        for (const view of left) {
          if (written >= view.length) written -= view.length;
          else {
            rest.push(view.subarray(written));
            written = 0;
          }
        }
        left = rest;
      }
      // Copied (a worker's batch) or computed in place: the chunks are free once this is done.
      for (const view of views) await this.#crc.update(view);
    } catch (error) {
      this.#failure = new IOError(`cannot write an upload buffer file under ${this.#buffers.settings.dirs.join(', ')} (${this.#buffers.settings.dirsKey}): ${(error as Error).message}`, (error as { code?: string }).code ?? 'EIO', { cause: error });
    } finally {
      this.#writing -= total;
      for (const { chunk } of batch) this.#buffers.giveChunk(chunk);
    }
  }

  /** Closes the file's handle once the writes queued before are done (their failure is kept in #failure). */
  async #closeFile(): Promise<void> {
    await this.#writes;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close().catch(() => undefined);
  }

  /** All the bytes, in memory (a durable flush's tail, a small file's PutObject). */
  async bytes(): Promise<Buffer> {
    this.#queueChunk();
    await this.#writes;
    if (this.#failure) throw this.#failure;
    const memory = this.#memory ? this.#memory.subarray(0, this.#filled) : Buffer.alloc(0);
    if (!this.#file || this.#onDisk === 0) return memory;
    const onDisk = await readFile(this.#file);
    return Buffer.concat([onDisk.subarray(0, this.#onDisk), memory]);
  }

  /**
   * The request body and its CRC-64: memory as it is, a disk part as its file (staged bytes written first).
   * A memory part's CRC-64 is still being computed (off the thread) when this answers: the upload need not
   * wait for it, only the check of the store's answer does.
   */
  async seal(checksums: boolean): Promise<{ body: PartBody; crc64: Promise<string> | string | undefined }> {
    if (!this.#spilled) {
      const body = this.#memory ? this.#memory.subarray(0, this.#filled) : Buffer.alloc(0);
      return { body, crc64: checksums ? crc64Offloaded(body) : undefined };
    }
    this.#queueChunk();
    await this.#closeFile();
    if (this.#failure) throw this.#failure;
    const file = this.#file!;
    const size = this.#onDisk;
    const crc64 = checksums ? await this.#crc!.digest() : (this.#crc!.cancel(), undefined);
    this.#crc = undefined;
    return { body: { size, open: () => createReadStream(file, { start: 0, end: size - 1, highWaterMark: UPLOAD_CHUNK }) }, crc64 };
  }

  /**
   * A memory part's bytes as `count` parts of their own (the last takes the remainder), sharing its memory
   * — no copy; the memory goes back once every piece is released, and this part is spent. Undefined for a
   * part with bytes on disk.
   */
  split(count: number): PartBuffer[] | undefined {
    if (this.#spilled || !this.#memory || this.#released || this.#filled === 0) return undefined;
    const memory = this.#memory;
    const total = this.#filled;
    const previous = this.#onRelease;
    this.#memory = undefined;
    this.#filled = 0;
    this.#released = true;
    let unreleased = count;
    const giveBack = () => {
      if (--unreleased > 0) return;
      if (previous) previous();
      else this.#buffers.giveMemory(memory);
    };
    const size = Math.floor(total / count);
    return Array.from({ length: count }, (_, i) => {
      const piece = new PartBuffer(this.#buffers, this.#partSize, 'memory', 0);
      piece.#memory = memory.subarray(i * size, i === count - 1 ? total : (i + 1) * size);
      piece.#filled = piece.#memory.length;
      piece.#onRelease = giveBack;
      return piece;
    });
  }

  /** Gives the memory back (pooled when whole) and removes the file. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#crc?.cancel();
    this.#crc = undefined;
    if (this.#onRelease) this.#onRelease();
    else if (this.#memory) this.#buffers.giveMemory(this.#memory);
    this.#memory = undefined;
    this.#filled = 0;
    if (this.#chunk) this.#buffers.giveChunk(this.#chunk);
    this.#chunk = undefined;
    this.#chunkFilled = 0;
    // Appends still queued land first, or a late one would recreate the removed file.
    await this.#closeFile();
    if (this.#file) await rm(this.#file, { force: true });
  }

}
