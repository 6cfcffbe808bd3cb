import { Writable } from 'node:stream';
import { abortErrorFor, abortIn, runCancellable, withoutSignal } from './cancellation.js';
import { ClosedError, IOError } from './errors.js';
import { SerialQueue } from './internal/serial-queue.js';
import { BIND_SIGNAL, MERGE_STATISTICS_ON_CLOSE, SET_PROGRESS_LISTENER } from './internal/statistics-link.js';
import type { Path } from './path.js';
import { StreamStatisticNames as S } from './statistics/statistic-names.js';
import { IOStatisticsStore, type IOStatistics, type IOStatisticsSource } from './statistics/io-statistics.js';

/** Stream capability names, as Hadoop's StreamCapabilities spells them. */
export const StreamCapabilities = {
  HFLUSH: 'hflush',
  HSYNC: 'hsync',
  /** abort() guarantees that nothing written becomes visible at the path. */
  ABORTABLE: 'fs.capability.outputstream.abortable',
  /**
   * hflush()/hsync() make every byte written so far durable (it survives the writer's death and can be
   * recovered), without making it visible to readers: not Hadoop's Syncable, which promises visibility.
   */
  DURABLE_FLUSH: 'hadoopfs.capability.outputstream.durable-flush',
} as const;

type OutputState = 'open' | 'closing' | 'closed';

/** A signal for one call of a stream (hflush, hsync, close): it cuts that call, not the stream. */
export interface StreamCallOptions {
  signal?: AbortSignal;
}

/**
 * What create() and append() return. Calls are applied in call order even when not awaited one by one.
 *
 * - flush(): pushes client-side buffers towards the store; what that makes visible or durable depends on
 *   the store, and no promise is made beyond that.
 * - hflush(): every byte written so far is visible to new readers, or (for stores declaring it) survives
 *   the writer's death. Only where hasCapability('hflush') is true; elsewhere it is an honest flush().
 * - hsync(): as hflush(), and persisted to the storage medium (fsync) where hasCapability('hsync').
 * - close(): idempotent; completes the file. abort(): releases the stream without completing it.
 */
export abstract class FSDataOutputStream implements IOStatisticsSource {
  readonly path: Path;
  #position: number;
  #state: OutputState = 'open';
  #closing: Promise<void> | undefined;
  readonly #queue = new SerialQueue();
  static readonly #encoder = new TextEncoder();
  /** Hadoop's stream statistics (StreamStatisticNames); a store may add its own. */
  protected readonly ioStatistics = new IOStatisticsStore();
  #mergeInto: IOStatisticsStore | undefined;
  #progress: ((bytes: number) => void) | undefined;
  #acknowledged = 0;
  readonly #startPosition: number;
  /** create()'s signal: every call runs under it, and when it fires the stream is aborted. */
  #signal: AbortSignal | undefined;
  #stopListening: (() => void) | undefined;
  /** The signal fired before close() committed: the stream was (or is being) aborted. */
  #cancelled = false;

  protected constructor(path: Path, startPosition = 0) {
    this.path = path;
    this.#position = startPosition;
    this.#startPosition = startPosition;
  }

  getIOStatistics(): IOStatistics {
    return this.ioStatistics;
  }

  [MERGE_STATISTICS_ON_CLOSE](into: IOStatisticsStore): void {
    this.#mergeInto = into;
  }

  /** create()'s onProgress: told the bytes the store has acknowledged so far, ending with all of them at close. */
  [SET_PROGRESS_LISTENER](listener: (bytes: number) => void): void {
    this.#progress = listener;
  }

  [BIND_SIGNAL](signal: AbortSignal): void {
    this.#signal = signal;
    const onAbort = () => this.#abortedBySignal();
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#stopListening = () => signal.removeEventListener('abort', onAbort);
  }

  /**
   * The signal fired: an open stream, or one whose close failed and could be tried again, is aborted at
   * once. A close() in progress is let finish — its commit is never cut; if the abort made it fail, close()
   * gives the stream up itself (see close()).
   */
  #abortedBySignal(): void {
    this.#stopListening?.();
    if (this.#state === 'open' || this.canRetryClose()) this.#cancel();
  }

  /** Gives the stream up for its signal: aborted, where it still can be (open, or after a close that can be tried again). */
  #cancel(): void {
    this.#cancelled = true;
    if (this.#state === 'open' || this.canRetryClose()) void this.abort().catch(() => undefined);
  }

  /** A call's failure; one that came from the signal is answered only once the abort's clean-up is done. */
  async #afterAbort(error: unknown): Promise<never> {
    if (this.#cancelled && abortIn(error)) await this.#closing?.catch(() => undefined);
    throw error;
  }

  /** What close() answers once the signal aborted the stream: AbortError, after the abort's clean-up is done. */
  async #abortedOutcome(): Promise<never> {
    await this.#closing?.catch(() => undefined);
    throw abortErrorFor(this.#signal!, `close() ${this.path.toString()}`, this.path.toString());
  }

  /**
   * Runs a call under the stream's signal and the call's own (its requests cut when either fires, its
   * failure then AbortError).
   */
  #underSignal<T>(operation: string, body: () => Promise<T>, callSignal?: AbortSignal): Promise<T> {
    const signal = callSignal && this.#signal ? AbortSignal.any([this.#signal, callSignal]) : (callSignal ?? this.#signal);
    if (!signal) return body();
    return runCancellable(signal, `${operation}() ${this.path.toString()}`, this.path.toString(), body);
  }

  /**
   * A store's acknowledgement of `bytes` more (an object store's part): progress by what the store has, not
   * by what this process buffered. Each stream reports its whole length at close on its own.
   */
  protected acknowledged(bytes: number): void {
    this.#acknowledged += bytes;
    this.#progress?.(this.#acknowledged);
  }

  /** Bytes written through this stream, plus the starting length for an append stream. */
  getPos(): number {
    return this.#position;
  }

  isClosed(): boolean {
    return this.#state !== 'open';
  }

  /** After a failed close(): whether close() would try again (else it answers the same failure). */
  canRetryClose(): boolean {
    return this.#state === 'closing' && this.#closing === undefined;
  }

  abstract hasCapability(capability: string): boolean;

  /**
   * Writes bytes (a string as UTF-8). Java's shapes too: `write(b, off, len)` writes that range of `b`,
   * `write(int)` one byte (its low 8 bits).
   */
  write(data: Uint8Array | string, offset?: number, length?: number): Promise<void>;
  write(byte: number): Promise<void>;
  write(data: Uint8Array | string | number, offset?: number, length?: number): Promise<void> {
    let bytes = typeof data === 'string' ? FSDataOutputStream.#encoder.encode(data) : typeof data === 'number' ? oneByte(data) : data;
    if (!(bytes instanceof Uint8Array)) {
      return Promise.reject(new TypeError(`write() takes a Uint8Array, a string or a byte (a number), got ${data === null ? 'null' : typeof data}`));
    }
    if (offset !== undefined || length !== undefined) {
      const from = offset ?? 0;
      const len = length ?? bytes.byteLength - from;
      if (!Number.isInteger(from) || !Number.isInteger(len) || from < 0 || len < 0 || from + len > bytes.byteLength) {
        return Promise.reject(new RangeError(`write: offset ${from} and length ${len} do not lie within ${bytes.byteLength} bytes`));
      }
      bytes = bytes.subarray(from, from + len);
    }
    // Nothing queued, no signal, and the stream takes the bytes in hand (into its buffer): done now, without
    // a round through the queue — the common small write of a log line or a small file.
    if (this.#state === 'open' && !this.#signal && !this.#queue.busy && !this.#cancelled && this.writeBuffered(bytes)) {
      this.#wrote(bytes.byteLength);
      return RESOLVED;
    }
    // Java's rule: once write() was called, the caller may reuse its buffer. A write that must wait for
    // earlier calls works on a copy; one that starts at once hands writeChunk the caller's bytes, which it
    // takes (copies) before its first await.
    const owned = this.#queue.busy ? Buffer.from(bytes) : bytes;
    return this.#run('write', async () => {
      if (owned.byteLength === 0) return;
      try {
        await this.writeChunk(owned);
      } catch (error) {
        this.ioStatistics.incrementCounter(S.STREAM_WRITE_EXCEPTIONS);
        throw error;
      }
      this.#wrote(owned.byteLength);
    });
  }

  /** `bytes` more taken by the stream: its position and statistics. */
  #wrote(bytes: number): void {
    this.#position += bytes;
    this.ioStatistics.incrementCounter(S.STREAM_WRITE_BYTES, bytes);
  }

  flush(): Promise<void> {
    return this.#run('flush', () => this.flushBuffers());
  }

  // ---- Java's DataOutput, big-endian ------------------------------------------------------------------

  writeBoolean(value: boolean): Promise<void> {
    return this.write(dataBytes(1, (view) => view.setUint8(0, value ? 1 : 0)));
  }
  /** The low 8 bits of `value`. */
  writeByte(value: number): Promise<void> {
    return this.write(oneByte(value));
  }
  writeShort(value: number): Promise<void> {
    return this.write(dataBytes(2, (view) => view.setUint16(0, checkedInteger(value, 'writeShort') & 0xffff)));
  }
  /** A UTF-16 code unit: a number, or the first of a string. */
  writeChar(value: number | string): Promise<void> {
    const unit = typeof value === 'string' ? value.charCodeAt(0) : checkedInteger(value, 'writeChar');
    return this.write(dataBytes(2, (view) => view.setUint16(0, unit & 0xffff)));
  }
  writeInt(value: number): Promise<void> {
    return this.write(dataBytes(4, (view) => view.setInt32(0, checkedInteger(value, 'writeInt') | 0)));
  }
  /** A 64-bit signed integer: a bigint, or a number that is a safe integer. */
  writeLong(value: bigint | number): Promise<void> {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return Promise.reject(new TypeError(`writeLong: ${value} is not a safe integer (pass a bigint)`));
    if (typeof value !== 'number' && typeof value !== 'bigint') return Promise.reject(new TypeError(`writeLong: value must be a bigint or a number, got ${typeof value}`));
    return this.write(dataBytes(8, (view) => view.setBigInt64(0, BigInt.asIntN(64, BigInt(value)))));
  }
  writeFloat(value: number): Promise<void> {
    return this.write(dataBytes(4, (view) => view.setFloat32(0, value)));
  }
  writeDouble(value: number): Promise<void> {
    return this.write(dataBytes(8, (view) => view.setFloat64(0, value)));
  }
  /** DataOutput's writeBytes: the low byte of each UTF-16 unit. */
  writeBytes(text: string): Promise<void> {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
    return this.write(out);
  }
  /** DataOutput's writeChars: each UTF-16 unit as two bytes. */
  writeChars(text: string): Promise<void> {
    return this.write(dataBytes(text.length * 2, (view) => {
      for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i));
    }));
  }
  /**
   * DataOutput's writeUTF: a 2-byte length, then Java's modified UTF-8 (NUL as two bytes, characters
   * outside the BMP as their two surrogates of three bytes each). Over 65 535 bytes is an IOError, as
   * Java's UTFDataFormatException, and nothing is written.
   */
  writeUTF(text: string): Promise<void> {
    let length = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      length += c >= 0x01 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
    }
    if (length > 0xffff) return Promise.reject(new IOError(`writeUTF: encoded string too long: ${length} bytes (at most 65535): ${this.path.toString()}`, 'EINVAL', { path: this.path.toString() }));
    const out = new Uint8Array(2 + length);
    out[0] = length >>> 8;
    out[1] = length & 0xff;
    let at = 2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x01 && c <= 0x7f) out[at++] = c;
      else if (c <= 0x7ff) {
        out[at++] = 0xc0 | (c >> 6);
        out[at++] = 0x80 | (c & 0x3f);
      } else {
        out[at++] = 0xe0 | (c >> 12);
        out[at++] = 0x80 | ((c >> 6) & 0x3f);
        out[at++] = 0x80 | (c & 0x3f);
      }
    }
    return this.write(out);
  }

  /**
   * `signal` cuts this call only: it rejects with AbortError and the stream stays as after any failed
   * flush — open, the previous flush still in force, able to flush again.
   */
  hflush(options: StreamCallOptions = {}): Promise<void> {
    return this.#run('hflush', () => this.ioStatistics.trackDuration(S.OP_HFLUSH, () => this.hflushBytes()), options.signal);
  }

  /** As hflush(), `signal` included. */
  hsync(options: StreamCallOptions = {}): Promise<void> {
    return this.#run('hsync', () => this.ioStatistics.trackDuration(S.OP_HSYNC, () => this.hsyncBytes()), options.signal);
  }

  /**
   * Completes the stream. A second call returns the first call's outcome, except where the stream says a
   * failed close can be tried again (closeIsRetryable): then a later close() tries again and abort()
   * gives the stream up. Writes and flushes stay refused after the first close().
   *
   * `signal` cuts this call only (a deadline on the close): a close whose signal has fired does not begin;
   * one it cuts before the commit rejects with AbortError and leaves the stream as any failed close does
   * (an object store's upload aborted; a durable writer's everything kept, for close() again or abort()). A
   * commit already sent is not cut.
   */
  close(options: StreamCallOptions = {}): Promise<void> {
    if (this.#cancelled) return this.#abortedOutcome();
    if (this.#closing) return this.#closing;
    const callSignal = options.signal;
    if (callSignal?.aborted) return Promise.reject(abortErrorFor(callSignal, `close() ${this.path.toString()}`, this.path.toString()));
    if (this.#signal?.aborted) {
      // A close tried again after the signal cut the last one: nothing more is sent; the stream is given up.
      this.#cancel();
      return this.#abortedOutcome();
    }
    this.#state = 'closing';
    this.#closing = this.#queue.run(async () => {
      try {
        await this.#underSignal('close', () => this.closeStream(), callSignal);
      } catch (error) {
        if (this.closeIsRetryable()) this.#closing = undefined;
        throw error;
      } finally {
        if (this.#closing !== undefined) {
          this.#state = 'closed';
          this.#mergeStatistics();
          this.#stopListening?.();
        }
      }
      // Closed: the store has every byte written through this stream.
      const written = this.#position - this.#startPosition;
      if (written > this.#acknowledged) this.acknowledged(written - this.#acknowledged);
    });
    if (!this.#signal) return this.#closing;
    // A close the signal cut (before its commit) is given up here, before its caller could try it again:
    // what it had uploaded does not stay behind, and the caller hears of it once that clean-up is done.
    return this.#closing.catch((error: unknown) => {
      if (this.#signal!.aborted && abortIn(error) && this.canRetryClose()) this.#cancel();
      return this.#afterAbort(error);
    });
  }

  /** Gives up the stream: unflushed bytes are discarded and, where the store allows, nothing becomes visible. */
  abort(): Promise<void> {
    if (this.#closing) return this.#closing.catch(() => undefined);
    this.#state = 'closing';
    this.#closing = this.#queue.run(async () => {
      this.ioStatistics.incrementCounter(S.OP_ABORT);
      try {
        // Clean-up: it must run to the end even when the signal that asked for it has fired.
        await withoutSignal(() => this.abortStream());
      } finally {
        this.#state = 'closed';
        this.#mergeStatistics();
        this.#stopListening?.();
      }
    });
    return this.#closing;
  }

  /**
   * Leaving an `await using` scope: a stream still open is aborted, never committed — JavaScript does not
   * tell a disposer whether its scope threw, and on an object store close() is the commit, so a scope that
   * throws must not publish what it wrote. Commit with an explicit `await out.close()` at the end of the
   * scope, or write with `fs.writeFile(path, …)`. A stream left open warns once (HADOOPFS_STREAM_NOT_CLOSED).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state !== 'open') {
      await this.#closing?.catch(() => undefined);
      return;
    }
    process.emitWarning(`${this.path.toString()}: an output stream left its scope without close(); it was aborted and nothing was committed`, {
      code: 'HADOOPFS_STREAM_NOT_CLOSED',
    });
    await this.abort();
  }

  /**
   * A Node Writable over this stream. Backpressure comes from awaiting each write; end() closes this
   * stream, destroy() before end() aborts it.
   */
  toWritable(options: { highWaterMark?: number } = {}): Writable {
    return new Writable({
      highWaterMark: options.highWaterMark ?? 1024 * 1024,
      write: (chunk: Uint8Array, _encoding, callback) => {
        this.write(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.close().then(() => callback(), callback);
      },
      destroy: (error, callback) => {
        if (this.isClosed()) return callback(error);
        this.abort().then(
          () => callback(error),
          () => callback(error),
        );
      },
    });
  }

  /**
   * Buffers `bytes` or passes them on; may return before they reach the store. It must not read `bytes`
   * after its first await (the caller may already be reusing them): copy what has to wait.
   */
  protected abstract writeChunk(bytes: Uint8Array): Promise<void>;
  /**
   * Takes `bytes` at once if the stream can without waiting for anything (copies them into its buffer) and
   * answers true; false (the default) sends them through writeChunk in turn.
   */
  protected writeBuffered(_bytes: Uint8Array): boolean {
    return false;
  }
  /** Pushes buffered bytes to the store as far as a plain flush goes. */
  protected abstract flushBuffers(): Promise<void>;
  protected hflushBytes(): Promise<void> {
    return this.flushBuffers();
  }
  protected hsyncBytes(): Promise<void> {
    return this.hflushBytes();
  }
  protected abstract closeStream(): Promise<void>;
  protected abstract abortStream(): Promise<void>;
  /** After closeStream() failed: may close() be called again (the stream kept what it needs)? */
  protected closeIsRetryable(): boolean {
    return false;
  }

  #run(operation: string, body: () => Promise<void>, callSignal?: AbortSignal): Promise<void> {
    if (this.#cancelled) return Promise.reject(abortErrorFor(this.#signal!, `${operation}() ${this.path.toString()}`, this.path.toString()));
    if (this.#state !== 'open') {
      return Promise.reject(new ClosedError(`${operation}() on a closed stream: ${this.path.toString()}`, { path: this.path.toString() }));
    }
    if (!this.#signal && !callSignal) return this.#queue.run(body);
    const run = this.#queue.run(() => this.#underSignal(operation, body, callSignal));
    return this.#signal ? run.catch((error: unknown) => this.#afterAbort(error)) : run;
  }

  #mergeStatistics(): void {
    this.#mergeInto?.aggregate(this.ioStatistics);
    this.#mergeInto = undefined;
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

function oneByte(value: number): Uint8Array {
  return Uint8Array.of(checkedInteger(value, 'write') & 0xff);
}

function checkedInteger(value: number, call: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${call}: ${String(value)} is not an integer`);
  return value;
}

function dataBytes(size: number, fill: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}
