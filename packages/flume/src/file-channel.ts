import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, statfs, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { isProcessRunning } from '@hadoopfs/core';
import { bodyLength, copyBody, LineBatch, newlineOffsets, type FlumeEvent } from './event.js';
import { ChannelError, TakeQueue, type Channel, type ChannelTransaction } from './channel.js';
import { Mutex } from './timeouts.js';

export interface FileChannelOptions {
  /** Flume's checkpointDir: holds the lock (one agent per channel). */
  checkpointDir: string;
  /** Flume's dataDirs (the first is used): the write-ahead log. */
  dataDirs: string[];
  capacity?: number;
  transactionCapacity?: number;
  /** ms between checkpoints (the log rewritten with only the events still in the channel). */
  checkpointInterval?: number;
  /** Puts are refused while the data dir's disk has less free space than this. */
  minimumRequiredSpace?: number;
  /** Flume's maxFileSize: a log grown past this many bytes is checkpointed at once (default 256 MiB). */
  maxFileSize?: number;
}

// Record types. 1 and 2 (one event per record) are what hadoopfs 0.1 wrote, 3 and 4 what 0.2 wrote for
// every put and commit, all still replayed; a put or a commit is one record of many events: one CRC-32
// and one framing per transaction, which is also the unit a crash can tear. A put of a source's lines is
// 5 (their headers once, then the lines as they were read: one copy, no framing per line), a commit is 6
// (the ids taken as runs of consecutive ids: a batch of 100 000 takes is a few bytes, not 800 KB).
const PUT = 1;
const TAKE = 2;
const PUTS = 3;
const TAKES = 4;
const LINES = 5;
const TAKE_RUNS = 6;
/** A header length meaning "the same headers as the event before it in this record". */
const SAME_HEADERS = 0xffffffff;
const LOG = /^log-(\d+)$/;
const LOCK = 'in_use.lock';
/** Log bytes that trigger a checkpoint between the timer's: replay time and disk use stay bounded. */
const LOG_LIMIT = 256 * 1024 * 1024;

interface Stored {
  id: number;
  event: FlumeEvent;
}

/** Room for a record of `size` bytes. */
type Allocate = (size: number) => Buffer;

/**
 * Where the records of a group's puts of lines are built, one after another, in one buffer that every group
 * reuses: a fresh buffer per such record (a megabyte per tail-source read) was external memory that V8
 * counts against the old generation's limit, and it brought a full collection every few tens of megabytes
 * logged. Kept while at most `KEPT_RECORDS` large; a larger group's buffer is let go after it is written.
 */
class GroupRecords {
  #buffer = Buffer.allocUnsafeSlow(64 * 1024);
  #used = 0;

  /** Room after the records built so far (the buffer grown and those records moved, as needed: each is whole by then). */
  readonly alloc: Allocate = (size) => {
    if (this.#used + size > this.#buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.#buffer.length * 2, this.#used + size));
      this.#buffer.copy(grown, 0, 0, this.#used);
      this.#buffer = grown;
    }
    const room = this.#buffer.subarray(this.#used, this.#used + size);
    this.#used += size;
    return room;
  };

  get used(): number {
    return this.#used;
  }

  /** Drops what was built after `used` (a record that failed midway, or a put refused). */
  rewind(used: number): void {
    this.#used = used;
  }

  /** The group was written: the room is free again. */
  reset(): void {
    this.#used = 0;
    if (this.#buffer.length > KEPT_RECORDS) this.#buffer = Buffer.allocUnsafeSlow(64 * 1024);
  }
}
const KEPT_RECORDS = 32 * 1024 * 1024;

/** A put or a commit waiting to be logged (FileChannel#logged). */
interface LogChange {
  /** Events it adds (a put), or 0 (a commit). */
  events: number;
  /**
   * Its record, built in log order (`adding`: events admitted before it in the same group) in room `alloc`
   * gives; undefined: no room.
   */
  record: (adding: number, alloc: Allocate) => Buffer | undefined;
  /** Makes it visible, once logged. */
  apply: () => void;
  resolve: (logged: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Flume's file channel: a write-ahead log on local disk. A put returns once its events are written and
 * fsynced, so an acknowledgement (the HTTP source's 200) survives a SIGKILL or a power cut; a take's
 * commit is logged (and fsynced) too, so a replay does not deliver again what the sink committed. A
 * checkpoint writes the events still in the channel into a new log generation (fsync, rename, fsync
 * of the directory) and drops the older one: replay reads the newest complete generation. A record is
 * `u32 length, u32 CRC-32, payload`, one per put or commit (putRecords, takeRecords); a torn last record
 * (a crash in the middle of a write, never acknowledged) is cut off at replay; a bad record before the end is an error naming
 * the file and offset, since dropping it would lose acknowledged events.
 */
export class FileChannel implements Channel {
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly #options: Required<FileChannelOptions>;
  readonly #dir: string;
  readonly #mutex = new Mutex();
  /** Changes queued for the next group commit. */
  #changes: LogChange[] = [];
  #queue = new TakeQueue<Stored, StoredLines>();
  /** Where each group's records are built (under the mutex, written before the next group). */
  readonly #records = new GroupRecords();
  #nextId = 1;
  #generation = 0;
  #log: FileHandle | undefined;
  #logBytes = 0;
  /** A write or fsync of the log failed, and no checkpoint has replaced that log since. */
  #logFailure: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #waiting: Array<() => void> = [];
  #lockPath: string | undefined;
  #free = Infinity;
  #freeAt = -Infinity;
  onPut: (() => void) | undefined;

  constructor(options: FileChannelOptions) {
    this.#options = { capacity: 1_000_000, transactionCapacity: 10_000, checkpointInterval: 30_000, minimumRequiredSpace: 524_288_000, maxFileSize: LOG_LIMIT, ...options };
    if (this.#options.dataDirs.length === 0) throw new ChannelError('a file channel needs dataDirs');
    this.capacity = this.#options.capacity;
    this.transactionCapacity = this.#options.transactionCapacity;
    if (this.transactionCapacity > this.capacity) throw new ChannelError(`transactionCapacity ${this.transactionCapacity} exceeds capacity ${this.capacity}`);
    this.#dir = this.#options.dataDirs[0]!;
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Takes the lock and replays the log: the events put and not taken before the last stop or crash. */
  async open(): Promise<number> {
    mkdirSync(this.#options.checkpointDir, { recursive: true });
    mkdirSync(this.#dir, { recursive: true });
    this.#lock();
    const generations = (await readdir(this.#dir)).map((n) => Number(LOG.exec(n)?.[1])).filter((n) => Number.isInteger(n)).sort((a, b) => a - b);
    for (const name of await readdir(this.#dir)) if (name.endsWith('.tmp')) await rm(join(this.#dir, name), { force: true });
    const newest = generations.at(-1);
    if (newest !== undefined) {
      this.#generation = newest;
      await this.#replay(join(this.#dir, `log-${newest}`));
      for (const older of generations.slice(0, -1)) await rm(join(this.#dir, `log-${older}`), { force: true });
    }
    // Replay is followed by a checkpoint: the log starts again with exactly what is in the channel.
    await this.#checkpoint();
    this.#timer = setInterval(() => void this.#mutex.run(() => this.#checkpoint()).catch(() => undefined), this.#options.checkpointInterval);
    this.#timer.unref();
    return this.size;
  }

  #lock(): void {
    const path = join(this.#options.checkpointDir, LOCK);
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch {
      const holder = Number(readLock(path));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessRunning(holder)) {
        throw new ChannelError(`${this.#options.checkpointDir} is in use by process ${holder} (${LOCK}): one agent per file channel`);
      }
      unlinkSync(path);
      fd = openSync(path, 'wx');
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    this.#lockPath = path;
  }

  async #replay(file: string): Promise<void> {
    const bytes = await readFile(file);
    const pending = new Map<number, FlumeEvent>();
    let at = 0;
    while (at < bytes.length) {
      if (at + 8 > bytes.length) break;
      const length = bytes.readUInt32BE(at);
      const sum = bytes.readUInt32BE(at + 4);
      const end = at + 8 + length;
      if (end > bytes.length) break;
      const payload = bytes.subarray(at + 8, end);
      if (crc32(payload) !== sum) {
        // Only a torn tail may be cut: anything after it means a record in the middle went bad.
        if (end < bytes.length) throw new ChannelError(`${file}: record at offset ${at} fails its CRC-32; the log is damaged (events after it would be lost)`);
        break;
      }
      const type = payload[0];
      const badRecord = (why: string): never => {
        throw new ChannelError(`${file}: record at offset ${at} ${why}`);
      };
      if (type === PUT) {
        const id = payload.readDoubleBE(1);
        const headersLength = payload.readUInt32BE(9);
        const headers = JSON.parse(payload.subarray(13, 13 + headersLength).toString('utf8')) as Record<string, string>;
        const bodyLength = payload.readUInt32BE(13 + headersLength);
        const body = Buffer.from(payload.subarray(17 + headersLength, 17 + headersLength + bodyLength));
        pending.set(id, { headers, body });
        this.#nextId = Math.max(this.#nextId, id + 1);
      } else if (type === TAKE) {
        pending.delete(payload.readDoubleBE(1));
      } else if (type === PUTS) {
        const count = payload.readUInt32BE(1);
        let p = 5;
        let headers: Record<string, string> | undefined;
        for (let i = 0; i < count; i++) {
          if (p + 12 > payload.length) badRecord('ends inside an event');
          const id = payload.readDoubleBE(p);
          const headersLength = payload.readUInt32BE(p + 8);
          p += 12;
          if (headersLength !== SAME_HEADERS) {
            headers = JSON.parse(payload.subarray(p, p + headersLength).toString('utf8')) as Record<string, string>;
            p += headersLength;
          } else if (!headers) badRecord('repeats headers before any');
          const bodyLength = payload.readUInt32BE(p);
          // Each event its own headers (equal ones were written once): no event's change reaches another's.
          pending.set(id, { headers: { ...headers! }, body: Buffer.from(payload.subarray(p + 4, p + 4 + bodyLength)) });
          p += 4 + bodyLength;
          this.#nextId = Math.max(this.#nextId, id + 1);
        }
      } else if (type === TAKES) {
        const count = payload.readUInt32BE(1);
        for (let i = 0; i < count; i++) pending.delete(payload.readDoubleBE(5 + 8 * i));
      } else if (type === LINES) {
        if (payload.length < 17) badRecord('ends inside its header');
        const count = payload.readUInt32BE(1);
        const firstId = payload.readDoubleBE(5);
        const headersLength = payload.readUInt32BE(13);
        if (17 + headersLength > payload.length) badRecord('ends inside its headers');
        const headers = JSON.parse(payload.subarray(17, 17 + headersLength).toString('utf8')) as Record<string, string>;
        // The lines' own block (the log's buffer is let go after replay).
        const block = Buffer.from(payload.subarray(17 + headersLength));
        const newlines = newlineOffsets(block);
        if (newlines.length !== count || (count > 0 && newlines[count - 1] !== block.length - 1)) badRecord(`holds ${newlines.length} whole lines where it says ${count}`);
        const lines = new LineBatch(block, newlines, headers);
        for (let i = 0; i < count; i++) pending.set(firstId + i, lines.at(i));
        this.#nextId = Math.max(this.#nextId, firstId + count);
      } else if (type === TAKE_RUNS) {
        const runs = payload.readUInt32BE(1);
        if (payload.length !== 5 + 12 * runs) badRecord(`is ${payload.length} bytes for ${runs} runs of ids`);
        for (let r = 0; r < runs; r++) {
          const first = payload.readDoubleBE(5 + 12 * r);
          const count = payload.readUInt32BE(13 + 12 * r);
          for (let i = 0; i < count; i++) pending.delete(first + i);
        }
      } else {
        badRecord(`has unknown type ${String(type)}`);
      }
      at = end;
    }
    this.#queue = new TakeQueue<Stored, StoredLines>();
    this.#queue.push([...pending.entries()].sort((a, b) => a[0] - b[0]).map(([id, event]) => ({ id, event })));
  }

  /**
   * A new log generation holding the events still in the channel (taken-but-uncommitted ones included).
   * The handle that wrote it stays the log: once the rename has made it the newest generation, appends
   * must go to it (replay reads only the newest), whatever fails after.
   */
  async #checkpoint(): Promise<void> {
    const generation = this.#generation + 1;
    const path = join(this.#dir, `log-${generation}`);
    const tmp = `${path}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    let bytes = 0;
    try {
      const live = this.#queue.held();
      for (let i = 0; i < live.length; i += 1000) {
        const chunk = putRecords(live.slice(i, i + 1000));
        await handle.write(chunk);
        bytes += chunk.length;
      }
      await handle.sync();
      await rename(tmp, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
    const old = this.#log;
    const oldGeneration = this.#generation;
    this.#log = handle;
    this.#logBytes = bytes;
    this.#generation = generation;
    await old?.close().catch(() => undefined);
    // The older generation goes only once the rename is on disk.
    await syncDirectory(this.#dir);
    await rm(join(this.#dir, `log-${oldGeneration}`), { force: true });
  }

  /**
   * Appends and fsyncs (under the lock). A write or fsync that fails fails its put or commit, and the log is not appended to again:
   * after a failed fsync the kernel may have dropped the dirty pages, so a later fsync that succeeds
   * proves nothing about them. A checkpoint rewrites the channel from memory (which holds exactly what was
   * accepted) into a new generation; until one succeeds, every put and commit tries it first.
   */
  async #append(records: Buffer): Promise<void> {
    if (this.#logFailure) await this.#recoverLog();
    try {
      await this.#log!.write(records);
      await this.#log!.sync();
    } catch (error) {
      this.#logFailure = error as Error;
      await this.#recoverLog().catch(() => undefined);
      throw error;
    }
    this.#logBytes += records.length;
  }

  /**
   * Queues a change to be logged: the first holder of the lock writes every change queued by then with
   * one write and one fsync (group commit: concurrent puts and commits share an fsync), then applies each
   * in order, then — the log grown past maxFileSize — checkpoints: after the apply, so that what the
   * checkpoint rewrites includes every change it acknowledged (before, a put that crossed the limit was
   * left out of the generation that replaced its log). Answers false for a put refused for want of room.
   */
  #logged(change: Omit<LogChange, 'resolve' | 'reject'>): Promise<boolean> {
    const done = new Promise<boolean>((resolve, reject) => this.#changes.push({ ...change, resolve, reject }));
    void this.#mutex.run(() => this.#writeChanges()).catch(() => undefined);
    return done;
  }

  async #writeChanges(): Promise<void> {
    const queued = this.#changes.splice(0);
    const admitted: LogChange[] = [];
    const records = this.#records;
    const written: Buffer[] = [];
    let adding = 0;
    // A put refused for want of room makes every later put of the group wait too (they come again in their
    // order); commits, which only free room, are never refused.
    let refusing = false;
    for (const change of queued) {
      let record: Buffer | undefined;
      const before = records.used;
      try {
        record = refusing && change.events > 0 ? undefined : change.record(adding, records.alloc);
      } catch (error) {
        // An event that cannot be written (a body that is no byte array): that put fails, the others go on.
        records.rewind(before);
        change.reject(error);
        continue;
      }
      if (record === undefined) {
        records.rewind(before);
        refusing = true;
        change.resolve(false);
        continue;
      }
      adding += change.events;
      if (record.length > 0) written.push(record);
      admitted.push(change);
    }
    try {
      if (admitted.length === 0) return;
      if (written.length > 0) await this.#append(written.length === 1 ? written[0]! : Buffer.concat(written));
    } catch (error) {
      for (const change of admitted) change.reject(error);
      return;
    } finally {
      records.reset();
    }
    for (const change of admitted) change.apply();
    for (const change of admitted) change.resolve(true);
    if (this.#logBytes > this.#options.maxFileSize) {
      // Acknowledged already (written and fsynced): a failed checkpoint only leaves the longer log, and
      // the next change tries it again first.
      await this.#checkpoint().catch((error: unknown) => {
        this.#logFailure ??= error as Error;
      });
    }
  }

  async #recoverLog(): Promise<void> {
    try {
      await this.#checkpoint();
      this.#logFailure = undefined;
    } catch (error) {
      throw new ChannelError(`${this.#dir}: the log cannot be written since ${this.#logFailure?.message ?? 'a failure'} (${(error as Error).message}); puts and commits refused`);
    }
  }

  /** Free bytes on the data dir's disk, asked at most once a second: a statfs per put would be on the hot path. */
  async #freeSpace(): Promise<number> {
    const now = Date.now();
    if (now - this.#freeAt >= 1_000) {
      this.#free = await statfs(this.#dir).then((s) => s.bavail * s.bsize, () => Infinity);
      this.#freeAt = now;
    }
    return this.#free;
  }

  /** Logs and fsyncs the events, then makes them available; waits while the channel is full. */
  put(events: readonly FlumeEvent[]): Promise<void> {
    return this.#put(events);
  }

  /**
   * As a put of the batch's events, logged from the batch (its headers written once) and kept as the batch: the
   * events are made when taken.
   */
  putLines(lines: LineBatch): Promise<void> {
    return this.#put(lines);
  }

  async #put(events: readonly FlumeEvent[] | LineBatch): Promise<void> {
    if (!this.#log) throw new ChannelError('the file channel is not open');
    if (events.length > this.transactionCapacity) throw new ChannelError(`a put of ${events.length} events exceeds transactionCapacity ${this.transactionCapacity}`);
    const free = await this.#freeSpace();
    if (free < this.#options.minimumRequiredSpace) {
      throw new ChannelError(`${this.#dir}: ${free} bytes free, below minimumRequiredSpace ${this.#options.minimumRequiredSpace}; put refused`);
    }
    // The room is checked again under the lock (with what the same group adds before it): two puts that
    // both waited for it must not both take it.
    for (;;) {
      while (this.size + events.length > this.capacity) await new Promise<void>((resolve) => this.#waiting.push(resolve));
      let stored: readonly Stored[] | StoredLines = [];
      const accepted = await this.#logged({
        events: events.length,
        record: (adding, alloc) => {
          if (this.size + adding + events.length > this.capacity) return undefined;
          if (events instanceof LineBatch) {
            const lines = new StoredLines(this.#nextId, events);
            this.#nextId += events.length;
            stored = lines;
            return lineRecords(lines, alloc);
          }
          const each = events.map((event) => ({ id: this.#nextId++, event }));
          stored = each;
          // A caller's events (an HTTP source's tens or hundreds) get a buffer of their own, as a commit's ids
          // do: the reused one is for the megabyte records of lines (small puts were no faster in it).
          return putRecords(each);
        },
        apply: () => this.#queue.push(stored),
      });
      if (accepted) break;
    }
    this.onPut?.();
  }

  getTransaction(): ChannelTransaction {
    const tx = this.#queue.transaction(
      this.transactionCapacity,
      // Logged under the lock: a checkpoint sees the take either not at all or in full.
      async (taken, apply) => {
        await this.#logged({ events: 0, record: () => (taken.length > 0 ? takeRecords(taken) : Buffer.alloc(0)), apply });
      },
      () => {
        for (const wake of this.#waiting.splice(0)) wake();
      },
    );
    return { take: () => tx.take()?.event, takeLines: (most) => tx.takeRun(most)?.lines, commit: () => tx.commit(), rollback: () => tx.rollback() };
  }

  /** A last checkpoint, then the log and the lock are released. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#log) return;
    await this.#mutex.run(() => this.#checkpoint());
    await this.#log.close();
    this.#log = undefined;
    if (this.#lockPath) await rm(this.#lockPath, { force: true });
  }
}

/**
 * One put record holding `stored`, in one buffer allocated once: `u32 length, u32 CRC-32`, then the
 * payload `type 3, u32 count`, and per event `f64 id, u32 headers length (SAME_HEADERS: those of the
 * event before), headers JSON, u32 body length, body`.
 */
function putRecords(stored: readonly Stored[]): Buffer {
  const headers: Array<string | undefined> = new Array(stored.length);
  const headerBytes: number[] = new Array(stored.length);
  let payloadLength = 5;
  let previous: Record<string, string> | undefined;
  for (let i = 0; i < stored.length; i++) {
    const event = stored[i]!.event;
    // Events of one source batch often carry the same headers (one object, or equal ones): written once.
    if (i === 0 || !sameHeaders(event.headers, previous!)) {
      headers[i] = JSON.stringify(event.headers);
      headerBytes[i] = Buffer.byteLength(headers[i]!, 'utf8');
    } else {
      headerBytes[i] = 0;
    }
    previous = event.headers;
    payloadLength += 16 + headerBytes[i]! + bodyLength(event);
  }
  return putRecord(stored.length, payloadLength, (out) => {
    let at = 13;
    for (let i = 0; i < stored.length; i++) {
      const { id, event } = stored[i]!;
      out.writeDoubleBE(id, at);
      const text = headers[i];
      if (text === undefined) {
        out.writeUInt32BE(SAME_HEADERS, at + 8);
        at += 12;
      } else {
        out.writeUInt32BE(headerBytes[i]!, at + 8);
        at += 12 + out.write(text, at + 12, 'utf8');
      }
      const length = copyBody(event, out, at + 4);
      out.writeUInt32BE(length, at);
      at += 4 + length;
    }
  });
}

/** A put record of `count` events: `u32 length, u32 CRC-32`, then `type 3, u32 count` and what `writeEvents` writes from offset 13. */
function putRecord(count: number, payloadLength: number, writeEvents: (out: Buffer) => void): Buffer {
  const out = Buffer.allocUnsafe(8 + payloadLength);
  out.writeUInt32BE(payloadLength, 0);
  out[8] = PUTS;
  out.writeUInt32BE(count, 9);
  writeEvents(out);
  out.writeUInt32BE(crc32(out.subarray(8)), 4);
  return out;
}

/** A batch of lines as the channel keeps it: ids from `firstId` on, each event made when taken. */
class StoredLines {
  readonly length: number;

  constructor(
    readonly firstId: number,
    readonly lines: LineBatch,
  ) {
    this.length = lines.length;
  }

  at(index: number): Stored {
    return { id: this.firstId + index, event: this.lines.at(index) };
  }

  slice(start: number, end = this.length): StoredLines {
    return new StoredLines(this.firstId + start, this.lines.slice(start, end));
  }
}

/** The put record of a batch of lines: `type 5, u32 count, f64 first id, u32 headers length, headers JSON`, then the lines as read, each with its newline. */
function lineRecords({ firstId, lines }: StoredLines, alloc: Allocate): Buffer {
  const headers = JSON.stringify(lines.headers);
  const headerBytes = Buffer.byteLength(headers, 'utf8');
  const text = lines.text();
  const payloadLength = 17 + headerBytes + text.length;
  const out = alloc(8 + payloadLength);
  out.writeUInt32BE(payloadLength, 0);
  out[8] = LINES;
  out.writeUInt32BE(lines.length, 9);
  out.writeDoubleBE(firstId, 13);
  out.writeUInt32BE(headerBytes, 21);
  out.write(headers, 25, 'utf8');
  out.set(text, 25 + headerBytes);
  out.writeUInt32BE(crc32(out.subarray(8)), 4);
  return out;
}

/** Equal as JSON would write them (own string values, in any order); cheaper than writing them again. */
function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  let keys = 0;
  for (const key in a) {
    if (a[key] !== b[key] || !Object.hasOwn(b, key)) return false;
    keys++;
  }
  for (const key in b) if (Object.hasOwn(b, key)) keys--;
  return keys === 0;
}

/** One take record (a commit) of what was taken, events and runs of lines: `type 6, u32 runs`, then per run of consecutive ids `f64 first, u32 count`. */
function takeRecords(taken: ReadonlyArray<Stored | StoredLines>): Buffer {
  const firsts: number[] = [];
  const counts: number[] = [];
  for (const item of taken) {
    const [first, count] = item instanceof StoredLines ? [item.firstId, item.length] : [item.id, 1];
    const last = firsts.length - 1;
    if (last >= 0 && firsts[last]! + counts[last]! === first) counts[last]! += count;
    else {
      firsts.push(first);
      counts.push(count);
    }
  }
  const payloadLength = 5 + 12 * firsts.length;
  const out = Buffer.allocUnsafe(8 + payloadLength);
  out.writeUInt32BE(payloadLength, 0);
  out[8] = TAKE_RUNS;
  out.writeUInt32BE(firsts.length, 9);
  for (let r = 0; r < firsts.length; r++) {
    out.writeDoubleBE(firsts[r]!, 13 + 12 * r);
    out.writeUInt32BE(counts[r]!, 21 + 12 * r);
  }
  out.writeUInt32BE(crc32(out.subarray(8)), 4);
  return out;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function readLock(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
