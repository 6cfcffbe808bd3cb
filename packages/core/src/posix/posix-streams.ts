import { FSDataInputStream } from '../input-stream.js';
import { FSDataOutputStream, StreamCapabilities } from '../output-stream.js';
import type { Path } from '../path.js';
import { translateErrno } from './errno.js';
import type { FsFileHandle, FsStats } from './fs-api.js';

const MIN_BUFFER = 256;

export interface PosixOutputOptions {
  bufferSize: number;
  startPosition: number;
  /** Makes a new file's directory entry durable; called with the file's path on its first hsync. */
  syncParentDirectory?: (path: Path) => Promise<void>;
  /**
   * For a created file: abort() removes it, if the path still names this file (given the handle's stats
   * before it closed), so that an aborted create publishes nothing.
   */
  removeOnAbort?: (created: FsStats) => Promise<void>;
}

/**
 * Writes through a file handle. Small writes gather in a buffer of `bufferSize`; flush and hflush hand the
 * buffer to the OS (visible to new readers at once), hsync also fsyncs the file and, once, its directory.
 */
export class PosixOutputStream extends FSDataOutputStream {
  readonly #handle: FsFileHandle;
  readonly #bufferSize: number;
  // Allocated on the first small write: many streams (one per small file) never need one.
  #buffer: Uint8Array | undefined;
  #buffered = 0;
  /** Large writes are copied here before they go out (allocated on the first one). */
  #scratch: Buffer | undefined;
  #syncParent: ((path: Path) => Promise<void>) | undefined;
  readonly #removeOnAbort: ((created: FsStats) => Promise<void>) | undefined;

  constructor(path: Path, handle: FsFileHandle, options: PosixOutputOptions) {
    super(path, options.startPosition);
    this.#handle = handle;
    this.#bufferSize = Math.max(1, options.bufferSize);
    this.#syncParent = options.syncParentDirectory;
    this.#removeOnAbort = options.removeOnAbort;
  }

  hasCapability(capability: string): boolean {
    return capability === StreamCapabilities.HFLUSH || capability === StreamCapabilities.HSYNC;
  }

  protected override writeBuffered(bytes: Uint8Array): boolean {
    if (bytes.byteLength === 0 || this.#buffered + bytes.byteLength > this.#bufferSize || bytes.byteLength >= this.#bufferSize) return false;
    this.#reserve(this.#buffered + bytes.byteLength);
    this.#buffer!.set(bytes, this.#buffered);
    this.#buffered += bytes.byteLength;
    return true;
  }

  protected async writeChunk(bytes: Uint8Array): Promise<void> {
    if (this.#buffered + bytes.byteLength > this.#bufferSize) {
      // The OS reads the bytes while this awaits, and the caller may reuse its buffer at once: a large
      // write goes out of a scratch buffer of the stream's own (writes run one at a time, so one is enough).
      if (bytes.byteLength >= this.#bufferSize) {
        const owned = this.#scratchCopy(bytes);
        await this.flushBuffers();
        return this.#writeFully(owned);
      }
      const owned = Buffer.from(bytes);
      await this.flushBuffers();
      bytes = owned;
    }
    this.#reserve(this.#buffered + bytes.byteLength);
    this.#buffer!.set(bytes, this.#buffered);
    this.#buffered += bytes.byteLength;
  }

  #scratchCopy(bytes: Uint8Array): Uint8Array {
    if (!this.#scratch || this.#scratch.byteLength < bytes.byteLength) this.#scratch = Buffer.allocUnsafe(bytes.byteLength);
    this.#scratch.set(bytes);
    return this.#scratch.subarray(0, bytes.byteLength);
  }

  /** Grows the buffer by doubling up to bufferSize: a small file never pays for a full-size buffer. */
  #reserve(needed: number): void {
    const capacity = this.#buffer?.byteLength ?? 0;
    if (needed <= capacity) return;
    let size = Math.max(capacity * 2, MIN_BUFFER);
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(Math.min(size, this.#bufferSize));
    if (this.#buffer && this.#buffered > 0) grown.set(this.#buffer.subarray(0, this.#buffered));
    this.#buffer = grown;
  }

  protected async flushBuffers(): Promise<void> {
    if (this.#buffered === 0 || !this.#buffer) return;
    const pending = this.#buffer.subarray(0, this.#buffered);
    await this.#writeFully(pending);
    this.#buffered = 0;
  }

  protected override async hsyncBytes(): Promise<void> {
    await this.flushBuffers();
    try {
      await this.#handle.sync();
    } catch (error) {
      throw translateErrno(error, 'hsync', this.path);
    }
    if (this.#syncParent) {
      await this.#syncParent(this.path);
      this.#syncParent = undefined;
    }
  }

  protected async closeStream(): Promise<void> {
    this.#scratch = undefined;
    try {
      if (this.#buffered > 0) await this.#writeFully(this.#buffer!.subarray(0, this.#buffered));
      this.#buffered = 0;
    } finally {
      await this.#handle.close().catch((error: unknown) => {
        throw translateErrno(error, 'close', this.path);
      });
    }
  }

  protected async abortStream(): Promise<void> {
    this.#buffered = 0;
    const created = this.#removeOnAbort ? await this.#handle.stat().catch(() => undefined) : undefined;
    await this.#handle.close().catch(() => undefined);
    if (created) await this.#removeOnAbort!(created);
  }

  async #writeFully(bytes: Uint8Array): Promise<void> {
    let done = 0;
    try {
      while (done < bytes.byteLength) {
        const { bytesWritten } = await this.#handle.write(bytes, done, bytes.byteLength - done, null);
        done += bytesWritten;
        // In the file once the write returns: what create()'s onProgress reports.
        this.acknowledged(bytesWritten);
      }
    } catch (error) {
      throw translateErrno(error, 'write', this.path);
    }
  }
}

export class PosixInputStream extends FSDataInputStream {
  readonly #handle: FsFileHandle;
  readonly #seekPastEnd: boolean;

  constructor(path: Path, handle: FsFileHandle, bufferSize: number, options: { seekPastEnd?: boolean } = {}) {
    super(path, bufferSize);
    this.#handle = handle;
    this.#seekPastEnd = options.seekPastEnd ?? false;
  }

  protected override seekPastEndAllowed(): boolean {
    return this.#seekPastEnd;
  }

  protected async readAt(position: number, target: Uint8Array, offset: number, length: number): Promise<number> {
    try {
      const { bytesRead } = await this.#handle.read(target, offset, length, position);
      return bytesRead;
    } catch (error) {
      throw translateErrno(error, 'read', this.path);
    }
  }

  protected async getLength(): Promise<number> {
    return Number((await this.#handle.stat()).size);
  }

  protected async closeStream(): Promise<void> {
    await this.#handle.close();
  }
}
