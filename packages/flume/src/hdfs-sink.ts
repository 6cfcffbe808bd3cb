import { FileSystem, Path, PathCapabilities, runBounded, type Configuration } from '@hadoopfs/core';
import { durableFlushRecoveryOf } from '@hadoopfs/object-store';
import { BucketWriter } from './bucket-writer.js';
import { escapeString, MissingTimestampError, staticPrefix, type EscapeOptions } from './escapes.js';
import { bodyLength, type FlumeEvent, type LineBatch } from './event.js';
import type { Channel } from './channel.js';
import { FlumeConfigurationError, type HdfsSinkConfig } from './sink-config.js';

export interface SinkMetrics {
  eventsTaken: number;
  eventsCommitted: number;
  batchesCommitted: number;
  batchesRolledBack: number;
  /** Committed batches that were full (Flume's BatchCompleteCount), short (BatchUnderflowCount), empty (BatchEmptyCount). */
  batchesComplete: number;
  batchesUnderflow: number;
  batchesEmpty: number;
  eventsDeadLettered: number;
  filesOpened: number;
  filesClosed: number;
  bytesFlushed: number;
  leftoversRecovered: number;
}

export type ProcessResult = 'READY' | 'BACKOFF';

/** Event bytes gathered for one bucket before they are appended, while the transaction takes on. */
const APPEND_CHUNK = 1024 * 1024;

export interface HdfsSinkOptions {
  conf: Configuration;
  log?: (line: string) => void;
}

/**
 * Flume's HDFS sink over any hadoopfs FileSystem. process() is one transaction: take up to batchSize
 * events, append each to the file of its bucket (path and prefix escaped per event), hflush every file
 * touched, commit; any failure rolls the transaction back so that the events are delivered again.
 */
export class HdfsEventSink {
  readonly config: HdfsSinkConfig;
  readonly metrics: SinkMetrics = {
    eventsTaken: 0,
    eventsCommitted: 0,
    batchesCommitted: 0,
    batchesRolledBack: 0,
    eventsDeadLettered: 0,
    filesOpened: 0,
    filesClosed: 0,
    bytesFlushed: 0,
    leftoversRecovered: 0,
    batchesComplete: 0,
    batchesUnderflow: 0,
    batchesEmpty: 0,
  };
  readonly #options: HdfsSinkOptions;
  /** Open writers by bucket path, in least-recently-used order (Map keeps insertion order). */
  readonly #writers = new Map<string, BucketWriter>();
  readonly #escape: EscapeOptions;
  #deadLetter: BucketWriter | undefined;
  /** Path and prefix depend on the event's time only (no %{header}, %[host], local time stamp). */
  readonly #timeOnly: boolean;

  constructor(config: HdfsSinkConfig, options: HdfsSinkOptions) {
    this.config = config;
    this.#options = options;
    this.#escape = {
      timeZone: config.timeZone,
      round: config.round,
      roundValue: config.roundValue,
      roundUnit: config.roundUnit,
      useLocalTimeStamp: config.useLocalTimeStamp,
    };
    const headerFree = (t: string) => !/%\{|%\[/.test(t);
    this.#timeOnly = !config.useLocalTimeStamp && headerFree(config.path) && headerFree(config.filePrefix);
  }

  get openFiles(): number {
    return [...this.#writers.values()].filter((w) => w.isOpen).length;
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }

  async #fsFor(path: Path): Promise<FileSystem> {
    return FileSystem.get(path, this.#options.conf);
  }

  /**
   * Tidies what a dead agent left under the sink's path: with durable flush, flushed files are first
   * recovered from the staging area; then every in-use file is renamed to its final name. Returns the
   * number of files made final.
   */
  async start(): Promise<number> {
    const root = new Path(staticPrefix(this.config.path) || '/');
    const fs = await this.#fsFor(root);
    await this.#checkDurableFlush(fs, root);
    // In-use files whose flushed bytes could not be recovered yet (a writer within its lease, a manifest
    // that does not read): renaming them would publish a file short of what was committed.
    const unfinished = new Set<string>();
    const recovery = await durableFlushRecoveryOf(fs, root);
    if (recovery) {
      for (const report of await recovery.recoverAll(root, { recursive: true })) {
        if (report.error) this.#log(`leftover ${report.path}: ${report.state}: ${report.error.message}`);
        if (report.state === 'live-writer' || report.state === 'corrupt-manifest' || report.state === 'failed') unfinished.add(report.path);
      }
    }
    if (!(await fs.exists(root))) return 0;
    const { inUsePrefix, inUseSuffix } = this.config;
    if (inUseSuffix === '' && inUsePrefix === '') return 0;
    let count = 0;
    for await (const status of fs.listFiles(root, true)) {
      const name = status.path.getName();
      if (!name.startsWith(inUsePrefix) || !name.endsWith(inUseSuffix) || name.length <= inUsePrefix.length + inUseSuffix.length) continue;
      const finalPath = new Path(status.path.getParent()!, name.slice(inUsePrefix.length, name.length - inUseSuffix.length));
      if (status.length === 0) {
        // Killed between create and its first flush: no event is in it (nor a SequenceFile header).
        await fs.delete(status.path, false);
        this.#log(`leftover ${status.path.toString()} removed: empty`);
        continue;
      }
      if (unfinished.has(status.path.toString())) {
        this.#log(`leftover ${status.path.toString()} left in use: its flushed bytes are not recovered yet (run jindo jfs -recover once its writer is dead)`);
        continue;
      }
      if (await fs.exists(finalPath)) {
        // Rename is copy + delete on an object store: a kill between the two leaves both. The same bytes
        // in both mean the rename had finished its copy; the in-use copy goes.
        if (await sameContent(fs, status.path, finalPath)) {
          await fs.delete(status.path, false);
          this.#log(`leftover ${status.path.toString()} removed: ${finalPath.toString()} holds the same bytes (a rename cut between copy and delete)`);
          count++;
        } else {
          this.#log(`leftover ${status.path.toString()} not renamed: ${finalPath.toString()} exists with other content`);
        }
        continue;
      }
      if (!(await fs.rename(status.path, finalPath))) {
        this.#log(`leftover ${status.path.toString()} not renamed to ${finalPath.toString()}: the filesystem refused (rename returned false)`);
        continue;
      }
      count++;
    }
    this.metrics.leftoversRecovered += count;
    return count;
  }

  /**
   * The sink commits a transaction after hflush returns: that must mean the events survive a crash
   * (hflush that reaches a place outliving the agent, or hadoopfs's durable flush). A store that flushes
   * nothing (plain oss://) is refused unless the operator accepted the loss (hdfs.acceptLossOnCrash).
   */
  async #checkDurableFlush(fs: FileSystem, root: Path): Promise<void> {
    const durable = (await fs.hasPathCapability(root, PathCapabilities.DURABLE_FLUSH)) || (await fs.hasPathCapability(root, PathCapabilities.HFLUSH));
    if (durable) return;
    if (!this.config.acceptLossOnCrash) {
      throw new FlumeConfigurationError(
        `hdfs.path ${this.config.path}: ${fs.getUri()} declares neither durable flush nor hflush, so a committed transaction ` +
          'would be lost if the agent crashed; on oss:// set fs.jfs.cache.oss.flush.enable = true (with @hadoopfs/jindo), on s3a:// fs.s3a.flush.enable = true, ' +
          'or set hdfs.acceptLossOnCrash = true to accept that loss',
        'hdfs.acceptLossOnCrash',
      );
    }
    this.#log(`WARNING: ${fs.getUri()} does not make flushes durable; hdfs.acceptLossOnCrash = true: events committed since a file's last close are lost if the agent crashes`);
  }

  /** Marks an open writer the most recently used. */
  #touch(lookup: string): void {
    const writer = this.#writers.get(lookup);
    if (!writer) return;
    this.#writers.delete(lookup);
    this.#writers.set(lookup, writer);
  }

  async #writerFor(realPath: string, realName: string): Promise<BucketWriter> {
    const lookup = `${realPath}/${realName}`;
    const existing = this.#writers.get(lookup);
    if (existing) {
      this.#writers.delete(lookup);
      this.#writers.set(lookup, existing);
      return existing;
    }
    while (this.#writers.size >= this.config.maxOpenFiles) {
      const [oldestKey, oldest] = this.#writers.entries().next().value as [string, BucketWriter];
      this.#writers.delete(oldestKey);
      await oldest.close();
    }
    const dir = new Path(realPath);
    const writer = new BucketWriter(await this.#fsFor(dir), dir, realName, this.config, {
      onFileClosed: () => {
        this.metrics.filesClosed++;
      },
      onFlushed: (bytes) => {
        this.metrics.bytesFlushed += bytes;
      },
      onIdleClose: (w) => {
        if (this.#writers.get(lookup) === w) this.#writers.delete(lookup);
      },
      onError: (error) => this.#log(error.message),
    });
    this.#writers.set(lookup, writer);
    return writer;
  }

  async #toDeadLetter(event: FlumeEvent, reason: string): Promise<void> {
    if (!this.#deadLetter) {
      // A dead-letter path without a scheme lives on the sink's own filesystem.
      const home = new Path(staticPrefix(this.config.path) || this.config.path);
      const configured = new Path(this.config.deadLetterPath ?? `${home.path === '/' ? '' : home.path}/_dead_letter`);
      const dir = configured.scheme === undefined && home.scheme !== undefined ? Path.of(home.scheme, home.authority, configured.path) : configured;
      this.#deadLetter = new BucketWriter(await this.#fsFor(dir), dir, 'deadletter', {
        ...this.config,
        fileType: 'DataStream',
        codec: undefined,
        serializer: 'TEXT',
        appendNewline: true,
        fileSuffix: '.jsonl',
        rollIntervalMs: 0,
        idleTimeoutMs: 0,
        rollCount: 0,
        rollSize: 0,
      });
    }
    const line = JSON.stringify({ reason, headers: event.headers, body: Buffer.from(event.body).toString('utf8') });
    await this.#deadLetter.append({ headers: {}, body: Buffer.from(line) });
    this.metrics.eventsDeadLettered++;
  }

  /** One transaction of at most batchSize events. */
  async process(channel: Channel): Promise<ProcessResult> {
    const tx = channel.getTransaction();
    let count = 0;
    try {
      // Events are gathered per bucket and appended a chunk at a time while the take goes on, so that
      // parts fill and upload during the batch, not only at its flush. A run of lines a source put as one
      // batch is taken, placed and appended as that run: one headers object, so one bucket, and no event
      // made for any of its lines.
      type Bucket = { path: string; name: string; items: Array<FlumeEvent | LineBatch>; bytes: number; last: number };
      const buckets = new Map<string, Bucket>();
      const touched = new Set<BucketWriter>();
      const appendGathered = async (bucket: Bucket) => {
        const writer = await this.#writerFor(bucket.path, bucket.name);
        const wasOpen = writer.isOpen;
        const items = bucket.items;
        bucket.items = [];
        bucket.bytes = 0;
        await writer.appendAll(items);
        if (!wasOpen) this.metrics.filesOpened++;
        touched.add(writer);
      };
      const deadLetters: Array<{ event: FlumeEvent; reason: string }> = [];
      // Within a batch, events with the same timestamp land in the same bucket when the templates use no
      // headers: one escape per distinct timestamp instead of two per event.
      const byTimestamp = this.#timeOnly ? new Map<string, string>() : undefined;
      let lastStamp: string | undefined;
      let lastBucket: Bucket | undefined;
      /** The bucket of an event with these headers, or why it has none (it goes to the dead letters). */
      const bucketOf = (headers: Readonly<Record<string, string>>): Bucket | string => {
        const stamp = headers['timestamp'];
        // The same time as the event before (a source's batch often is): the same bucket.
        if (stamp !== undefined && stamp === lastStamp) return lastBucket!;
        let lookup = stamp !== undefined ? byTimestamp?.get(stamp) : undefined;
        let realPath = '';
        let realName = '';
        if (lookup === undefined) {
          try {
            realPath = escapeString(this.config.path, headers, this.#escape);
            realName = escapeString(this.config.filePrefix, headers, this.#escape);
          } catch (error) {
            if (!(error instanceof MissingTimestampError)) throw error;
            return error.message;
          }
          lookup = `${realPath}/${realName}`;
          if (stamp !== undefined) byTimestamp?.set(stamp, lookup);
        }
        let bucket = buckets.get(lookup);
        // (a bucket found through byTimestamp was created with its path and name by an earlier event)
        if (!bucket) buckets.set(lookup, (bucket = { path: realPath, name: realName, items: [], bytes: 0, last: 0 }));
        if (byTimestamp) {
          lastStamp = stamp;
          lastBucket = bucket;
        }
        return bucket;
      };
      while (count < this.config.batchSize) {
        const lines = tx.takeLines?.(this.config.batchSize - count);
        const event = lines ? undefined : tx.take();
        const item = lines ?? event;
        if (!item) break;
        const n = lines ? lines.length : 1;
        this.metrics.eventsTaken += n;
        const bucket = bucketOf(item.headers);
        if (typeof bucket === 'string') {
          if (lines) for (let i = 0; i < n; i++) deadLetters.push({ event: lines.at(i), reason: bucket });
          else deadLetters.push({ event: event!, reason: bucket });
          count += n;
          continue;
        }
        bucket.items.push(item);
        bucket.bytes += lines ? lines.bodyBytes() : bodyLength(event!);
        bucket.last = count + n - 1;
        count += n;
        if (bucket.bytes >= APPEND_CHUNK) await appendGathered(bucket);
      }
      // The rest, buckets in the order of their last event, so that the LRU of open files ends as
      // Flume's event-by-event walk leaves it.
      for (const bucket of [...buckets.values()].sort((x, y) => x.last - y.last)) {
        if (bucket.items.length > 0) await appendGathered(bucket);
        else this.#touch(`${bucket.path}/${bucket.name}`);
      }
      for (const { event, reason } of deadLetters) await this.#toDeadLetter(event, reason);
      // Flume runs the flushes of a transaction on its call pool (hdfs.threadsPoolSize): so do we.
      await runBounded([...touched], this.config.threadsPoolSize, (writer) => writer.flush());
      if (this.#deadLetter && deadLetters.length > 0) await this.#deadLetter.flush();
      await tx.commit();
      this.metrics.eventsCommitted += count;
      if (count > 0) this.metrics.batchesCommitted++;
      if (count === 0) this.metrics.batchesEmpty++;
      else if (count >= this.config.batchSize) this.metrics.batchesComplete++;
      else this.metrics.batchesUnderflow++;
      return count === 0 ? 'BACKOFF' : 'READY';
    } catch (error) {
      tx.rollback();
      this.metrics.batchesRolledBack++;
      this.#log(`transaction of ${count} event(s) rolled back: ${(error as Error).message}`);
      return 'BACKOFF';
    }
  }

  /** Closes every open file (renaming each to its final name). */
  async stop(): Promise<void> {
    const writers = [...this.#writers.values()];
    this.#writers.clear();
    const errors: Error[] = [];
    for (const w of [...writers, ...(this.#deadLetter ? [this.#deadLetter] : [])]) {
      await w.close().catch((error: unknown) => errors.push(error as Error));
    }
    this.#deadLetter = undefined;
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} file(s) failed to close: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/** Whether two files hold the same bytes: lengths first, then the bytes themselves, chunk by chunk. */
async function sameContent(fs: FileSystem, a: Path, b: Path): Promise<boolean> {
  const [sa, sb] = await Promise.all([fs.getFileStatus(a), fs.getFileStatus(b)]);
  if (sa.length !== sb.length) return false;
  if (sa.etag !== undefined && sa.etag !== '' && sa.etag === sb.etag) return true;
  await using ia = await fs.open(a);
  await using ib = await fs.open(b);
  const chunk = 1024 * 1024;
  const ba = new Uint8Array(chunk);
  const bb = new Uint8Array(chunk);
  for (let at = 0; at < sa.length; at += chunk) {
    const n = Math.min(chunk, sa.length - at);
    await ia.readFully(at, ba.subarray(0, n));
    await ib.readFully(at, bb.subarray(0, n));
    if (Buffer.compare(ba.subarray(0, n), bb.subarray(0, n)) !== 0) return false;
  }
  return true;
}
