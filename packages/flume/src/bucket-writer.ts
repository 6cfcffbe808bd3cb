import { gzipSync } from 'node:zlib';
import { FileNotFoundError, Path, type FileSystem, type FSDataOutputStream } from '@hadoopfs/core';
import type { FlumeEvent } from './event.js';
import { serializeAll } from './serializers.js';
import type { HdfsSinkConfig } from './sink-config.js';
import { Mutex, withTimeout } from './timeouts.js';

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
 * Unlike Flume, a rename that fails is retried and then reported, never ignored.
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
  #rollTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

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
   * write: a batch of 100 000 small events must not cost 100 000 stream calls.
   */
  appendAll(events: readonly FlumeEvent[]): Promise<void> {
    return this.#mutex.run(async () => {
      this.#cancelIdle();
      let pending: FlumeEvent[] = [];
      const writePending = async () => {
        if (pending.length === 0) return;
        const bytes = serializeAll(pending, this.#config.serializer, this.#config.appendNewline);
        pending = [];
        if (this.#config.fileType === 'CompressedStream') this.#pendingCompressed.push(bytes);
        else await this.#call(this.#out!.write(bytes), 'append');
      };
      for (const event of events) {
        if (!this.#out) await this.#open();
        else if (this.#shouldRoll()) {
          await writePending();
          await this.#close();
          await this.#open();
        }
        pending.push(event);
        this.#eventCount++;
        this.#bodyBytes += event.body.byteLength;
        this.#batchCount++;
        if (this.#batchCount >= this.#config.batchSize) {
          await writePending();
          await this.#flush();
        }
      }
      await writePending();
    });
  }

  /** hflush if anything was appended since the last one (Flume's flush), then rearms the idle timer. */
  flush(): Promise<void> {
    return this.#mutex.run(() => this.#flush());
  }

  /** Flushes, closes (with retries) and renames the in-use file to its final name. */
  close(): Promise<void> {
    return this.#mutex.run(() => this.#close());
  }

  #shouldRoll(): boolean {
    const { rollCount, rollSize } = this.#config;
    return (rollCount > 0 && this.#eventCount >= rollCount) || (rollSize > 0 && this.#bodyBytes >= rollSize);
  }

  #call<T>(operation: Promise<T>, what: string): Promise<T> {
    return withTimeout(operation, this.#config.callTimeoutMs, `${what} of ${this.#inUsePath?.toString() ?? this.#dir.toString()}`);
  }

  async #open(): Promise<void> {
    const { inUsePrefix, inUseSuffix, fileSuffix, fileType } = this.#config;
    this.#counter++;
    const extension = fileType === 'CompressedStream' && fileSuffix === '' ? '.gz' : '';
    const name = `${this.#prefix}.${this.#counter}${fileSuffix}${extension}`;
    this.#finalPath = new Path(this.#dir, name);
    this.#inUsePath = new Path(this.#dir, `${inUsePrefix}${name}${inUseSuffix}`);
    this.#out = await this.#call(this.#fs.create(this.#inUsePath, { overwrite: false }), 'create');
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
        // One gzip member per flush: each flushed member is complete, and members concatenate into valid gzip.
        const member = gzipSync(Buffer.concat(this.#pendingCompressed.splice(0)));
        await this.#call(this.#out.write(member), 'append');
      }
      await this.#call(this.#out.hflush(), 'hflush');
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
      // Flume logs a failed flush at close and goes on to close: the close below reports what matters.
      this.#events.onError?.(error as Error);
    }
    await this.#retrying('close', () => this.#call(out.close(), 'close'));
    this.#closed = true;
    this.#out = undefined;
    const from = this.#inUsePath!;
    const to = this.#finalPath!;
    if (!from.equals(to)) await this.#retrying('rename', () => this.#rename(from, to));
    this.#events.onFileClosed?.(to, out.getPos());
  }

  async #rename(from: Path, to: Path): Promise<void> {
    try {
      const renamed = await this.#call(this.#fs.rename(from, to), 'rename');
      if (!renamed) throw new Error(`rename ${from.toString()} → ${to.toString()} returned false`);
    } catch (error) {
      // A retried rename may find its own earlier attempt done.
      if (error instanceof FileNotFoundError && (await this.#fs.exists(to))) return;
      throw error;
    }
  }

  /** closeTries attempts (0 = until it works), retryInterval apart; the last error is raised. */
  async #retrying(what: string, attempt: () => Promise<void>): Promise<void> {
    const tries = this.#config.closeTries;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (tries > 0 && n >= tries) throw error;
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
