import { FileNotFoundError, Path, StreamCapabilities, type FileSystem, type FSDataOutputStream } from '@hadoopfs/core';
import { durableFlushRecoveryOf } from '@hadoopfs/object-store';
import { bodyLength, LineBatch, type FlumeEvent } from './event.js';
import { FlumeSequenceFile } from './sequence-file.js';
import { eventsOf, serializeItems } from './serializers.js';
import type { HdfsSinkConfig } from './sink-config.js';
import { Mutex, withTimeout } from './timeouts.js';

let sharedScratch: Buffer | undefined;
/** One serialisation buffer for every writer: writes are awaited in turn, and write() copies at once. */
function scratch(): Buffer {
  return (sharedScratch ??= Buffer.allocUnsafe(1024 * 1024));
}

export interface BucketWriterEvents {
  /** A file was completed and renamed to its final name. */
  onFileClosed?: (finalPath: Path, bytes: number) => void;
  /** Bytes made durable by an hflush (the file grew by this much since the last one). */
  onFlushed?: (bytes: number) => void;
  /** The writer closed itself (roll interval, idle timeout): the sink forgets it. */
  onIdleClose?: (writer: BucketWriter) => void;
  onError?: (error: Error) => void;
}

/**
 * One bucket of the sink (Flume's BucketWriter): the open file `prefix.<counter><suffix>` under `dir`,
 * written as `inUsePrefix + name + inUseSuffix` and renamed when closed. Rolls by count and size before
 * a write (as Flume checks them), by interval from open, and closes after idleTimeout without writes.
 * Unlike Flume, a rename that fails is retried and then reported, never ignored, and a stream whose
 * write or flush failed is never written, flushed or closed again: it is retired (#retire) and the next
 * event opens a new file, so that one failure cannot wedge the bucket.
 */
export class BucketWriter {
  readonly #fs: FileSystem;
  readonly #dir: Path;
  readonly #prefix: string;
  readonly #config: HdfsSinkConfig;
  readonly #events: BucketWriterEvents;
  readonly #mutex = new Mutex();
  #counter: number;
  #out: FSDataOutputStream | undefined;
  #inUsePath: Path | undefined;
  #finalPath: Path | undefined;
  #eventCount = 0;
  #bodyBytes = 0;
  #batchCount = 0;
  #flushedAt = 0;
  #pendingCompressed: Buffer[] = [];
  /** The open file's SequenceFile state (header written, sync points), for hdfs.fileType = SequenceFile. */
  #sequence: FlumeSequenceFile | undefined;
  #rollTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** The failure of a write or flush: the stream is not used again (see #retire). */
  #broken: Error | undefined;

  constructor(fs: FileSystem, dir: Path, prefix: string, config: HdfsSinkConfig, events: BucketWriterEvents = {}, counterStart = Date.now()) {
    this.#fs = fs;
    this.#dir = dir;
    this.#prefix = prefix;
    this.#config = config;
    this.#events = events;
    // Flume's counter: the construction time in ms, plus one per file.
    this.#counter = counterStart;
  }

  get isOpen(): boolean {
    return this.#out !== undefined;
  }

  get inUsePath(): Path | undefined {
    return this.#inUsePath;
  }

  /** Appends one event (opening or rolling the file first if due); flushes when a batch is full. */
  append(event: FlumeEvent): Promise<void> {
    return this.appendAll([event]);
  }

  /**
   * Appends events in order, with Flume's per-event rules (roll check before each write, flush when
   * batchSize events were appended since the last flush), but gathering consecutive events into one
   * write: a batch of 100 000 small events must not cost 100 000 stream calls. A run of lines (a
   * LineBatch) is its lines' events, appended as they are: split only where a roll or a flush falls.
   */
  appendAll(items: ReadonlyArray<FlumeEvent | LineBatch>): Promise<void> {
    return this.#mutex.run(async () => {
      this.#cancelIdle();
      if (this.#broken) await this.#retire();
      // Appended but not yet written: written together, before a roll or a flush.
      let pending: Array<FlumeEvent | LineBatch> = [];
      const writePending = async () => {
        if (pending.length === 0) return;
        const items = pending;
        pending = [];
        if (this.#sequence) {
          this.#sequence.append(eventsOf(items));
          const bytes = await this.#sequence.take();
          if (bytes.length > 0) await this.#guard(this.#call(this.#out!.write(bytes), 'append'));
          return;
        }
        for (const chunk of serializeItems(items, this.#config.serializer, this.#config.appendNewline, scratch())) {
          if (this.#config.fileType === 'CompressedStream') this.#pendingCompressed.push(Buffer.from(chunk));
          else await this.#guard(this.#call(this.#out!.write(chunk), 'append'));
        }
      };
      for (const item of items) {
        const lines = item instanceof LineBatch ? item : undefined;
        for (let k = 0; k < (lines ? lines.length : 1); ) {
          if (!this.#out) await this.#open();
          else if (this.#shouldRoll()) {
            await writePending();
            await this.#close();
            await this.#open();
          }
          if (lines) {
            const n = this.#linesBeforeCheck(lines, k);
            const run = n === lines.length ? lines : lines.slice(k, k + n);
            pending.push(run);
            this.#eventCount += n;
            this.#bodyBytes += run.bodyBytes();
            this.#batchCount += n;
            k += n;
          } else {
            pending.push(item);
            this.#eventCount++;
            this.#bodyBytes += bodyLength(item as FlumeEvent);
            this.#batchCount++;
            k++;
          }
          if (this.#batchCount >= this.#config.batchSize) {
            await writePending();
            await this.#flush();
          }
        }
      }
      await writePending();
    });
  }

  /**
   * How many of `lines` from `k` on go in before the next roll check could fire or the batch is full: the
   * lines an event-by-event walk would append without rolling or flushing in between (at least one).
   */
  #linesBeforeCheck(lines: LineBatch, k: number): number {
    const { rollCount, rollSize, batchSize } = this.#config;
    let n = Math.min(lines.length - k, batchSize - this.#batchCount);
    if (rollCount > 0) n = Math.min(n, rollCount - this.#eventCount);
    if (rollSize > 0 && this.#bodyBytes + lines.slice(k, k + n).bodyBytes() >= rollSize) {
      let bytes = this.#bodyBytes;
      for (let j = 0; j < n; j++) {
        bytes += lines.endOf(k + j) - lines.startOf(k + j) - 1;
        if (bytes >= rollSize) {
          n = j + 1;
          break;
        }
      }
    }
    return Math.max(1, n);
  }

  /** hflush if anything was appended since the last one (Flume's flush), then rearms the idle timer. */
  flush(): Promise<void> {
    return this.#mutex.run(async () => {
      if (this.#broken) await this.#retire();
      await this.#flush();
    });
  }

  /** Flushes, closes (with retries where the stream allows them) and renames the in-use file to its final name. */
  close(): Promise<void> {
    return this.#mutex.run(async () => {
      if (this.#broken) await this.#retire();
      await this.#close();
    });
  }

  /** Marks the stream broken when `operation` fails: its caller rolls back, and the stream is retired. */
  async #guard<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      this.#broken ??= error as Error;
      throw error;
    }
  }

  /**
   * Gives up a stream whose write or flush failed, keeping exactly what was committed (flushed): with
   * durable flush, the file is rebuilt from its last flush (recover, forced: the writer is this one) and
   * renamed; where hflush reached the store, it is closed once (never retried: its bytes are there) and
   * renamed; with nothing committed, it is aborted (the batch is delivered again). A file that cannot be
   * finished now stays in use for the next start-up (or `jindo jfs -recover`) and is reported.
   */
  async #retire(): Promise<void> {
    const out = this.#out;
    const failure = this.#broken;
    const from = this.#inUsePath;
    const to = this.#finalPath;
    const committed = this.#flushedAt;
    this.#broken = undefined;
    this.#out = undefined;
    this.#closed = true;
    this.#pendingCompressed = [];
    clearTimeout(this.#rollTimer);
    this.#rollTimer = undefined;
    if (!out || !from || !to) return;
    const report = (what: string) => this.#events.onError?.(new Error(`${from.toString()}: after ${failure?.message ?? 'a failure'}: ${what}`));
    try {
      if (committed === 0) {
        await out.abort();
        return report('nothing was committed to it; aborted (its events are delivered again)');
      }
      const recovery = out.hasCapability(StreamCapabilities.DURABLE_FLUSH) ? await durableFlushRecoveryOf(this.#fs, from) : undefined;
      if (recovery) {
        const reports = await recovery.recoverAll(from, { force: true });
        const failed = reports.find((r) => r.error);
        if (failed) return report(`recover failed (${failed.error!.message}); left in use for the next start or jindo jfs -recover`);
        // Recovered: the upload is complete and the staging gone, so the abort only frees the stream's buffers.
        await out.abort().catch(() => undefined);
      } else {
        await this.#call((signal) => out.close(signal ? { signal } : {}), 'close');
      }
      if (!from.equals(to)) await this.#rename(from, to);
      this.#events.onFileClosed?.(to, committed);
      report(`finished with the ${committed} committed bytes and renamed to ${to.getName()}`);
    } catch (error) {
      report(`could not be finished now (${(error as Error).message}); left in use for the next start`);
    }
  }

  #shouldRoll(): boolean {
    const { rollCount, rollSize } = this.#config;
    return (rollCount > 0 && this.#eventCount >= rollCount) || (rollSize > 0 && this.#bodyBytes >= rollSize);
  }

  #call<T>(operation: Promise<T> | ((signal: AbortSignal | undefined) => Promise<T>), what: string): Promise<T> {
    return withTimeout(operation, this.#config.callTimeoutMs, `${what} of ${this.#inUsePath?.toString() ?? this.#dir.toString()}`);
  }

  async #open(): Promise<void> {
    const { inUsePrefix, inUseSuffix, fileSuffix, fileType } = this.#config;
    this.#counter++;
    // Flume names a compressed file with its codec's extension unless hdfs.fileSuffix is set.
    const extension = this.#config.codec && fileSuffix === '' ? this.#config.codec.extension : '';
    const name = `${this.#prefix}.${this.#counter}${fileSuffix}${extension}`;
    this.#finalPath = new Path(this.#dir, name);
    this.#inUsePath = new Path(this.#dir, `${inUsePrefix}${name}${inUseSuffix}`);
    this.#out = await this.#call(this.#fs.create(this.#inUsePath, { overwrite: false }), 'create');
    this.#sequence = fileType === 'SequenceFile' ? new FlumeSequenceFile(this.#config.writeFormat, this.#config.codec) : undefined;
    if (this.#sequence) await this.#guard(this.#call(this.#out.write(await this.#sequence.take()), 'append'));
    this.#eventCount = 0;
    this.#bodyBytes = 0;
    this.#batchCount = 0;
    this.#flushedAt = 0;
    this.#closed = false;
    if (this.#config.rollIntervalMs > 0) {
      this.#rollTimer = setTimeout(() => this.#timerClose('roll interval'), this.#config.rollIntervalMs);
      this.#rollTimer.unref();
    }
  }

  async #flush(): Promise<void> {
    if (!this.#out) return;
    if (this.#batchCount > 0) {
      if (this.#pendingCompressed.length > 0) {
        // One codec stream per flush (Flume's finish() at sync): each flushed stream is complete, and
        // Hadoop's decompressor streams (and gunzip) read concatenated ones.
        const member = await this.#config.codec!.compress(Buffer.concat(this.#pendingCompressed.splice(0)));
        await this.#guard(this.#call(this.#out.write(member), 'append'));
      }
      // Flume's HDFSSequenceFile.sync(): Writer.sync() (a sync point, or the buffered block), then hflush.
      if (this.#sequence) {
        this.#sequence.syncPoint();
        const bytes = await this.#sequence.take();
        if (bytes.length > 0) await this.#guard(this.#call(this.#out.write(bytes), 'append'));
      }
      const out = this.#out;
      await this.#guard(this.#call((signal) => out.hflush(signal ? { signal } : {}), 'hflush'));
      this.#batchCount = 0;
      const position = this.#out.getPos();
      this.#events.onFlushed?.(position - this.#flushedAt);
      this.#flushedAt = position;
    }
    this.#armIdle();
  }

  async #close(): Promise<void> {
    this.#cancelIdle();
    clearTimeout(this.#rollTimer);
    this.#rollTimer = undefined;
    const out = this.#out;
    if (!out || this.#closed) return;
    try {
      await this.#flush();
    } catch (error) {
      // The stream failed: it is not closed (that would keep the rolled-back bytes) but retired.
      this.#events.onError?.(error as Error);
      await this.#retire();
      return;
    }
    // A close that failed is tried again only where the stream says a retry can succeed; one that cannot
    // leaves the file in use for the next start-up, and the writer moves on.
    try {
      await this.#retrying('close', () => this.#call((signal) => out.close(signal ? { signal } : {}), 'close'), () => out.canRetryClose());
    } catch (error) {
      this.#closed = true;
      this.#out = undefined;
      throw error;
    }
    this.#closed = true;
    this.#out = undefined;
    const from = this.#inUsePath!;
    const to = this.#finalPath!;
    if (!from.equals(to)) await this.#retrying('rename', () => this.#rename(from, to));
    this.#events.onFileClosed?.(to, out.getPos());
  }

  async #rename(from: Path, to: Path): Promise<void> {
    try {
      const renamed = await this.#call((signal) => this.#fs.rename(from, to, signal ? { signal } : {}), 'rename');
      // HDFS answers false where others throw: a retried rename finding its earlier attempt done included.
      if (!renamed && !(await this.#fs.exists(from)) && (await this.#fs.exists(to))) return;
      if (!renamed) throw new Error(`rename ${from.toString()} → ${to.toString()} returned false`);
    } catch (error) {
      // A retried rename may find its own earlier attempt done.
      if (error instanceof FileNotFoundError && (await this.#fs.exists(to))) return;
      throw error;
    }
  }

  /** closeTries attempts (0 = until it works), retryInterval apart, while `worthIt`; the last error is raised. */
  async #retrying(what: string, attempt: () => Promise<void>, worthIt: () => boolean = () => true): Promise<void> {
    const tries = this.#config.closeTries;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if ((tries > 0 && n >= tries) || !worthIt()) throw error;
        this.#events.onError?.(new Error(`${what} failed (attempt ${n}), retrying in ${this.#config.retryIntervalMs} ms: ${(error as Error).message}`));
        await new Promise((resolve) => setTimeout(resolve, this.#config.retryIntervalMs));
      }
    }
  }

  #armIdle(): void {
    if (this.#config.idleTimeoutMs <= 0) return;
    this.#cancelIdle();
    this.#idleTimer = setTimeout(() => this.#timerClose('idle timeout'), this.#config.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #cancelIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #timerClose(reason: string): void {
    this.close().then(
      () => this.#events.onIdleClose?.(this),
      (error: unknown) => this.#events.onError?.(new Error(`close on ${reason} failed: ${(error as Error).message}`)),
    );
  }
}
