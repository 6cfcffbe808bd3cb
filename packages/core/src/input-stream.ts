import { Readable } from 'node:stream';
import { abortErrorFor, runCancellable, runWithSignal, withoutSignal } from './cancellation.js';
import { ClosedError, EOFError, IllegalArgumentError, IOError } from './errors.js';
import { SerialQueue } from './internal/serial-queue.js';
import { BIND_SIGNAL, MERGE_STATISTICS_ON_CLOSE } from './internal/statistics-link.js';
import type { Path } from './path.js';
import { StreamStatisticNames as S } from './statistics/statistic-names.js';
import { IOStatisticsStore, type IOStatistics, type IOStatisticsSource } from './statistics/io-statistics.js';

export const DEFAULT_READ_BUFFER = 64 * 1024;

/** One range of a vectored read (Hadoop's FileRange). */
export interface FileRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * What open() returns. Sequential reads (read, readByte, seek) are applied in call order and keep a
 * read-ahead buffer; positioned reads (read(position, …), readFully) touch neither the position nor the
 * buffer and may run concurrently. EOF rules follow Hadoop's fsdatainputstream.md: read() gives −1 at
 * EOF, a positioned read past EOF gives −1, readFully past EOF and seek outside [0, length] raise EOFError.
 */
export abstract class FSDataInputStream implements AsyncIterable<Uint8Array>, IOStatisticsSource {
  readonly path: Path;
  #position = 0;
  #closed = false;
  #buffer: Uint8Array | undefined;
  #bufferStart = 0;
  #bufferEnd = 0;
  readonly #bufferSize: number;
  readonly #queue = new SerialQueue();
  /** Hadoop's stream statistics (StreamStatisticNames); a store may add its own (protected ioStatistics). */
  protected readonly ioStatistics = new IOStatisticsStore();
  #mergeInto: IOStatisticsStore | undefined;
  /** open()'s signal: reads run under it, and when it fires the stream is closed. */
  #signal: AbortSignal | undefined;
  #stopListening: (() => void) | undefined;

  protected constructor(path: Path, bufferSize = DEFAULT_READ_BUFFER) {
    this.path = path;
    this.#bufferSize = Math.max(1, bufferSize);
  }

  /**
   * Reads up to `length` bytes at `position` into `target[offset…]`; returns how many (0 only at EOF).
   * May return fewer than asked.
   */
  protected abstract readAt(position: number, target: Uint8Array, offset: number, length: number): Promise<number>;
  /** The current length of the file. */
  protected abstract getLength(): Promise<number>;
  protected abstract closeStream(): Promise<void>;

  getPos(): number {
    return this.#position;
  }

  getIOStatistics(): IOStatistics {
    return this.ioStatistics;
  }

  [MERGE_STATISTICS_ON_CLOSE](into: IOStatisticsStore): void {
    this.#mergeInto = into;
  }

  isClosed(): boolean {
    return this.#closed;
  }

  [BIND_SIGNAL](signal: AbortSignal): void {
    this.#signal = signal;
    const onAbort = () => void this.close().catch(() => undefined);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#stopListening = () => signal.removeEventListener('abort', onAbort);
  }

  /** The store's readAt under the stream's signal: a read in flight is cut when it fires, and rejects with AbortError. */
  #readAt(position: number, target: Uint8Array, offset: number, length: number): Promise<number> {
    if (!this.#signal) return this.readAt(position, target, offset, length);
    return runCancellable(this.#signal, `read ${this.path.toString()}`, this.path.toString(), () => this.readAt(position, target, offset, length));
  }

  #getLength(): Promise<number> {
    if (!this.#signal) return this.getLength();
    return runCancellable(this.#signal, `seek ${this.path.toString()}`, this.path.toString(), () => this.getLength());
  }

  /** Sequential read at the current position: bytes read, −1 at EOF, 0 when `length` is 0. */
  read(target: Uint8Array, offset?: number, length?: number): Promise<number>;
  /** Positioned read: does not move the position; −1 when `position` is at or past EOF. */
  read(position: number, target: Uint8Array, offset?: number, length?: number): Promise<number>;
  read(a: Uint8Array | number, b?: Uint8Array | number, c?: number, d?: number): Promise<number> {
    if (typeof a === 'number') return this.#positionedRead(a, b as Uint8Array, c, d);
    return this.#sequentialRead(a, b as number | undefined, c);
  }

  /**
   * One byte (0–255) at the current position, or −1 at EOF: Java's InputStream.read(). (DataInput's
   * readByte, a signed byte that throws at EOF, is readSignedByte here.)
   */
  async readByte(): Promise<number> {
    const one = new Uint8Array(1);
    const n = await this.read(one, 0, 1);
    return n === 1 ? one[0]! : -1;
  }

  /**
   * Sequential readFully (Java's DataInput.readFully(byte[] b[, off, len])): fills `target[offset,
   * offset+length)` from the current position and moves it on, or raises EOFError.
   */
  async readFully(target: Uint8Array, offset?: number, length?: number): Promise<void>;
  /** Positioned readFully: fills `target[offset, offset+length)` from `position`, or raises EOFError; the position is untouched. */
  async readFully(position: number, target: Uint8Array, offset?: number, length?: number): Promise<void>;
  async readFully(a: number | Uint8Array, b?: Uint8Array | number, c?: number, d?: number): Promise<void> {
    if (typeof a !== 'number') return this.#sequentialReadFully(a, b as number | undefined, c);
    if (!(b instanceof Uint8Array)) throw new TypeError(`readFully: target must be a Uint8Array (readFully(position, target[, offset, length])), got ${b === null ? 'null' : typeof b}`);
    return this.#positionedReadFully(a, b, c, d);
  }

  async #sequentialReadFully(target: Uint8Array, offset = 0, length?: number): Promise<void> {
    if (!(target instanceof Uint8Array)) throw new TypeError(`readFully: target must be a Uint8Array or a position (a number), got ${target === null ? 'null' : typeof target}`);
    const len = checkRange(target, offset, length);
    let done = 0;
    while (done < len) {
      const n = await this.read(target, offset + done, len - done);
      if (n < 0) throw this.#eof(`readFully: reached end of file after ${done} of ${len} bytes at position ${this.#position}`);
      done += n;
    }
  }

  // ---- Java's DataInput, big-endian, each read from the current position or EOFError ----------------

  /** The next `n` bytes (a view valid until the next DataInput read). */
  async #next(n: number): Promise<DataView> {
    const bytes = (this.#dataScratch ??= new Uint8Array(8));
    await this.#sequentialReadFully(bytes, 0, n);
    return new DataView(bytes.buffer, bytes.byteOffset, n);
  }
  #dataScratch: Uint8Array | undefined;

  async readBoolean(): Promise<boolean> {
    return (await this.#next(1)).getUint8(0) !== 0;
  }
  /** DataInput's readByte: a signed byte, EOFError at the end (readByte() here is InputStream.read()). */
  async readSignedByte(): Promise<number> {
    return (await this.#next(1)).getInt8(0);
  }
  async readUnsignedByte(): Promise<number> {
    return (await this.#next(1)).getUint8(0);
  }
  async readShort(): Promise<number> {
    return (await this.#next(2)).getInt16(0);
  }
  async readUnsignedShort(): Promise<number> {
    return (await this.#next(2)).getUint16(0);
  }
  /** A UTF-16 code unit, as a one-character string. */
  async readChar(): Promise<string> {
    return String.fromCharCode((await this.#next(2)).getUint16(0));
  }
  async readInt(): Promise<number> {
    return (await this.#next(4)).getInt32(0);
  }
  /** A 64-bit signed integer, as a bigint (a number cannot hold every long). */
  async readLong(): Promise<bigint> {
    return (await this.#next(8)).getBigInt64(0);
  }
  async readFloat(): Promise<number> {
    return (await this.#next(4)).getFloat32(0);
  }
  async readDouble(): Promise<number> {
    return (await this.#next(8)).getFloat64(0);
  }
  /** DataInput's readUTF: a 2-byte length, then that many bytes of Java's modified UTF-8. */
  async readUTF(): Promise<string> {
    const length = await this.readUnsignedShort();
    const bytes = new Uint8Array(length);
    await this.#sequentialReadFully(bytes);
    return decodeModifiedUtf8(bytes, this.path.toString());
  }
  /** Skips up to `n` bytes (fewer at EOF); the number skipped. */
  async skipBytes(n: number): Promise<number> {
    if (!Number.isInteger(n)) throw new TypeError(`skipBytes: n must be an integer, got ${n}`);
    if (n <= 0) return 0;
    const skip = Math.min(n, Math.max(0, (await this.#getLength()) - this.#position));
    await this.seek(this.#position + skip);
    return skip;
  }

  async #positionedReadFully(position: number, target: Uint8Array, offset = 0, length?: number): Promise<void> {
    const len = checkRange(target, offset, length);
    if (len === 0) return;
    this.#checkOpen('readFully');
    if (!Number.isInteger(position) || position < 0) throw this.#eof(`readFully at negative position ${position}`);
    this.ioStatistics.incrementCounter(S.STREAM_READ_FULLY_OPERATIONS);
    let done = 0;
    while (done < len) {
      const n = await this.#counted(this.#readAt(position + done, target, offset + done, len - done));
      if (n > 0) this.ioStatistics.incrementCounter(S.STREAM_READ_BYTES, n);
      if (n <= 0) {
        throw this.#eof(`readFully: reached end of file after ${done} of ${len} bytes at position ${position}`);
      }
      done += n;
    }
  }

  /**
   * Whether seek() may go past the end of the file (a read there then returns −1), as POSIX lseek(2) and
   * Hadoop's RawLocalFileSystem allow; HDFS and the object stores refuse it (rejects-seek-past-eof).
   */
  protected seekPastEndAllowed(): boolean {
    return false;
  }

  /**
   * Hadoop's readVectored: the bytes of every range, one promise each, in the order given. Ranges may come
   * in any order but must not overlap (IllegalArgumentError, thrown at once, nothing read); a range past
   * the end rejects its own promise with EOFError. The position does not move. A store may coalesce
   * nearby ranges into fewer requests (readRanges).
   */
  readVectored(ranges: readonly FileRange[]): Array<Promise<Uint8Array>> {
    this.#checkOpen('readVectored');
    const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
    for (const [i, r] of sorted.entries()) {
      if (!Number.isSafeInteger(r.offset) || r.offset < 0 || !Number.isSafeInteger(r.length) || r.length < 0) {
        throw new IllegalArgumentError(`readVectored ${this.path.toString()}: invalid range offset ${r.offset} length ${r.length}`, { path: this.path.toString() });
      }
      const previous = sorted[i - 1];
      if (previous && previous.offset + previous.length > r.offset) {
        throw new IllegalArgumentError(
          `readVectored ${this.path.toString()}: ranges [${previous.offset}, +${previous.length}) and [${r.offset}, +${r.length}) overlap`,
          { path: this.path.toString() },
        );
      }
    }
    this.ioStatistics.incrementCounter(S.STREAM_READ_VECTORED_OPERATIONS);
    this.ioStatistics.incrementCounter(S.STREAM_READ_VECTORED_INCOMING_RANGES, sorted.length);
    const results = runWithSignal(this.#signal, () => this.readRanges(sorted));
    const byRange = new Map(sorted.map((r, i) => [r, results[i]!]));
    for (const promise of results) promise.catch(() => undefined);
    return ranges.map((r) => byRange.get(r)!);
  }

  /** The bytes of sorted, non-overlapping ranges (one positioned readFully each, by default). */
  protected readRanges(ranges: readonly FileRange[]): Array<Promise<Uint8Array>> {
    return ranges.map(async (r) => {
      const bytes = new Uint8Array(r.length);
      await this.readFully(r.offset, bytes);
      return bytes;
    });
  }

  /** Moves the position; raises EOFError for a negative position or, unless the stream allows it, one past the end of the file. */
  seek(position: number): Promise<void> {
    return this.#queue.run(async () => {
      this.#checkOpen('seek');
      if (!Number.isInteger(position) || position < 0) throw this.#eof(`cannot seek to negative offset ${position}`);
      if (position > 0 && !this.seekPastEndAllowed() && !(position >= this.#bufferStart && position <= this.#bufferEnd)) {
        const length = await this.#getLength();
        if (position > length) throw this.#eof(`cannot seek past end of file: ${position} > ${length}`);
      }
      this.ioStatistics.incrementCounter(S.STREAM_READ_SEEK_OPERATIONS);
      if (position < this.#position) this.ioStatistics.incrementCounter(S.STREAM_READ_SEEK_BACKWARD_OPERATIONS);
      else if (position > this.#position) this.ioStatistics.incrementCounter(S.STREAM_READ_SEEK_FORWARD_OPERATIONS);
      this.#position = position;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer = undefined;
    this.ioStatistics.incrementCounter(S.STREAM_READ_CLOSE_OPERATIONS);
    this.#stopListening?.();
    try {
      await withoutSignal(() => this.closeStream());
    } finally {
      this.#mergeInto?.aggregate(this.ioStatistics);
      this.#mergeInto = undefined;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Chunks from the current position to EOF; the stream stays open afterwards. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = new Uint8Array(this.#bufferSize);
      const n = await this.read(chunk, 0, chunk.length);
      if (n < 0) return;
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
    }
  }

  /** A Node Readable from the current position; closes this stream when it ends or is destroyed. */
  toReadable(options: { chunkSize?: number; autoClose?: boolean } = {}): Readable {
    const chunkSize = options.chunkSize ?? Math.max(this.#bufferSize, 256 * 1024);
    const autoClose = options.autoClose ?? true;
    const readable: Readable = new Readable({
      highWaterMark: chunkSize,
      read: (size) => {
        const chunk = Buffer.allocUnsafe(Math.max(size, chunkSize));
        this.read(chunk, 0, chunk.length).then(
          (n) => readable.push(n < 0 ? null : chunk.subarray(0, n)),
          (error: unknown) => readable.destroy(error as Error),
        );
      },
      destroy: (error, callback) => {
        if (!autoClose) return callback(error);
        this.close().then(
          () => callback(error),
          (closeError: unknown) => callback(error ?? (closeError as Error)),
        );
      },
    });
    return readable;
  }

  async #sequentialRead(target: Uint8Array, offset = 0, length?: number): Promise<number> {
    const len = checkRange(target, offset, length);
    return this.#queue.run(async () => {
      this.#checkOpen('read');
      if (len === 0) return 0;
      this.ioStatistics.incrementCounter(S.STREAM_READ_OPERATIONS);
      const n = await this.#counted(this.#readThroughBuffer(target, offset, len));
      if (n <= 0) return -1;
      this.ioStatistics.incrementCounter(S.STREAM_READ_BYTES, n);
      this.#position += n;
      return n;
    });
  }

  async #readThroughBuffer(target: Uint8Array, offset: number, len: number): Promise<number> {
    const pos = this.#position;
    if (this.#buffer && pos >= this.#bufferStart && pos < this.#bufferEnd) {
      const n = Math.min(len, this.#bufferEnd - pos);
      const from = pos - this.#bufferStart;
      target.set(this.#buffer.subarray(from, from + n), offset);
      return n;
    }
    // Large reads go straight to the caller's buffer: a copy through ours would only cost time.
    if (len >= this.#bufferSize) return this.#readAt(pos, target, offset, len);
    this.#buffer ??= new Uint8Array(this.#bufferSize);
    const filled = await this.#readAt(pos, this.#buffer, 0, this.#bufferSize);
    this.#bufferStart = pos;
    this.#bufferEnd = pos + Math.max(0, filled);
    if (filled <= 0) return 0;
    const n = Math.min(len, filled);
    target.set(this.#buffer.subarray(0, n), offset);
    return n;
  }

  async #positionedRead(position: number, target: Uint8Array, offset = 0, length?: number): Promise<number> {
    const len = checkRange(target, offset, length);
    this.#checkOpen('read');
    if (!Number.isInteger(position) || position < 0) throw this.#eof(`positioned read at negative position ${position}`);
    if (len === 0) return 0;
    this.ioStatistics.incrementCounter(S.STREAM_READ_OPERATIONS);
    const n = await this.#counted(this.#readAt(position, target, offset, len));
    if (n > 0) this.ioStatistics.incrementCounter(S.STREAM_READ_BYTES, n);
    return n <= 0 ? -1 : n;
  }

  /** A read's outcome, its failure counted (stream_read_exceptions). */
  async #counted(read: Promise<number>): Promise<number> {
    try {
      return await read;
    } catch (error) {
      this.ioStatistics.incrementCounter(S.STREAM_READ_EXCEPTIONS);
      throw error;
    }
  }

  #checkOpen(operation: string): void {
    if (this.#signal?.aborted) throw abortErrorFor(this.#signal, `${operation}() ${this.path.toString()}`, this.path.toString());
    if (this.#closed) {
      throw new ClosedError(`${operation}() on a closed stream: ${this.path.toString()}`, { path: this.path.toString() });
    }
  }

  #eof(message: string): EOFError {
    return new EOFError(`${message}: ${this.path.toString()}`, { path: this.path.toString() });
  }
}

/** Validates (target, offset, length) the way Java's InputStream does; returns the effective length. */
function checkRange(target: Uint8Array, offset: number, length: number | undefined): number {
  if (!(target instanceof Uint8Array)) throw new TypeError('read target must be a Uint8Array');
  const len = length ?? target.length - offset;
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`negative or invalid buffer offset ${offset}`);
  if (!Number.isInteger(len) || len < 0) throw new RangeError(`negative or invalid length ${len}`);
  if (offset + len > target.length) {
    throw new RangeError(`offset ${offset} + length ${len} exceeds the buffer size ${target.length}`);
  }
  return len;
}

/** Java's modified UTF-8 (DataOutput.writeUTF) to a string; malformed bytes are an IOError naming the file. */
function decodeModifiedUtf8(bytes: Uint8Array, path: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const a = bytes[i]!;
    if (a < 0x80) {
      out += String.fromCharCode(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0 && i + 1 < bytes.length && (bytes[i + 1]! & 0xc0) === 0x80) {
      out += String.fromCharCode(((a & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0 && i + 2 < bytes.length && (bytes[i + 1]! & 0xc0) === 0x80 && (bytes[i + 2]! & 0xc0) === 0x80) {
      out += String.fromCharCode(((a & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      throw new IOError(`readUTF: malformed modified UTF-8 at byte ${i} of ${bytes.length}: ${path}`, 'EIO', { path });
    }
  }
  return out;
}
