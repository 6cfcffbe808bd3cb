import { open as openFile, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';
import { LineBatch, newlineOffsets, type FlumeEvent } from './event.js';
import type { Channel } from './channel.js';

/** A source pushes events into its channel and can be stopped. */
/** What a source counts, under Flume's monitoring names (SOURCE.<name>). */
export interface SourceCounters {
  /** EventReceivedCount: events read or posted. */
  received: number;
  /** EventAcceptedCount: events the channel took (for the file channel: written and fsynced). */
  accepted: number;
}

/** Puts events, counting them as received, then as accepted once the channel has them. */
export async function putCounted(channel: Channel, counters: SourceCounters, events: readonly FlumeEvent[]): Promise<void> {
  counters.received += events.length;
  await channel.put(events);
  counters.accepted += events.length;
}

export interface Source {
  readonly counters: SourceCounters;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the source has nothing more to deliver (stdin at EOF); never for a server source. */
  readonly finished: Promise<void>;
}

export type Interceptor = ((event: FlumeEvent) => FlumeEvent) & {
  /**
   * Where an interceptor changes every event of a read the same way (no header of its own, a time): that
   * change made to one headers object the read's events are given copies of (LineBatch).
   */
  readonly interceptHeaders?: (headers: Record<string, string>) => void;
};

/**
 * Flume's timestamp interceptor: a `timestamp` header with the current time, unless one is kept. Like
 * Flume's, it sets the header on the event it is given (its headers object is changed, not copied: a
 * source makes one per event, and a copy per event was a third of the agent's garbage). The lines of one
 * read get one time (the read's): Flume's takes the clock per event, microseconds apart.
 */
export function timestampInterceptor(preserveExisting: boolean, now: () => number = Date.now): Interceptor {
  // The decimal text of the last millisecond seen: events come many to a millisecond.
  let lastMs = NaN;
  let lastText = '';
  const stamp = (headers: Record<string, string>) => {
    if (preserveExisting && headers['timestamp'] !== undefined) return;
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastText = String(ms);
    }
    headers['timestamp'] = lastText;
  };
  return Object.assign(
    (event: FlumeEvent) => {
      stamp(event.headers);
      return event;
    },
    { interceptHeaders: stamp },
  );
}

function applyAll(interceptors: Interceptor[], event: FlumeEvent): FlumeEvent {
  let intercepted = event;
  for (const interceptor of interceptors) intercepted = interceptor(intercepted);
  return intercepted;
}

/** What a tail source reads at once: the lines in it become one put (or several, of at most transactionCapacity). */
const TAIL_READ = 1024 * 1024;

/** Lines of a stream (stdin by default) as events. */
export class StdinSource implements Source {
  readonly counters: SourceCounters = { received: 0, accepted: 0 };
  readonly finished: Promise<void>;
  #done!: () => void;
  #stopped = false;

  constructor(
    private readonly channel: Channel,
    private readonly interceptors: Interceptor[],
    private readonly input: NodeJS.ReadableStream = process.stdin,
  ) {
    this.finished = new Promise((resolve) => (this.#done = resolve));
  }

  async start(): Promise<void> {
    const lines = createInterface({ input: this.input, crlfDelay: Infinity });
    void (async () => {
      for await (const line of lines) {
        if (this.#stopped) break;
        await putCounted(this.channel, this.counters, [applyAll(this.interceptors, { headers: {}, body: Buffer.from(line) })]);
      }
      this.#done();
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
  }
}

/**
 * Flume's HTTP source with its JSON handler: POST a JSON array of `{"headers": {…}, "body": "…"}`; the
 * answer is 200 once every event is in the channel (503 while stopping, 400 for a malformed body). The
 * body must say it is JSON (415 otherwise: a cross-site form or text/plain POST cannot) and stay within
 * `maxBodySize` bytes (413, read no further): one request cannot take the agent's memory.
 */
export class HttpSource implements Source {
  readonly counters: SourceCounters = { received: 0, accepted: 0 };
  readonly finished = new Promise<void>(() => undefined);
  #server: Server | undefined;
  #stopping = false;
  port = 0;

  constructor(
    private readonly channel: Channel,
    private readonly interceptors: Interceptor[],
    private readonly bind: string,
    private readonly requestedPort: number,
    private readonly maxBodySize = 16 * 1024 * 1024,
  ) {}

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const refuse = (status: number, message: string) => {
        // Unread body bytes would be taken for the next request: this connection ends here.
        res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(`${message}\n`);
        req.resume();
      };
      if (this.#stopping) return void res.writeHead(503).end();
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return refuse(415, `the body must be application/json, not "${type || 'unset'}"`);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.maxBodySize) return refuse(413, `the body exceeds maxBodySize (${this.maxBodySize} bytes)`);
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (d: Buffer) => {
        if (tooLarge) return;
        size += d.length;
        if (size > this.maxBodySize) {
          tooLarge = true;
          chunks.length = 0;
          refuse(413, `the body exceeds maxBodySize (${this.maxBodySize} bytes)`);
          req.destroy();
          return;
        }
        chunks.push(d);
      });
      req.on('end', () => {
        if (tooLarge) return;
        let events: FlumeEvent[];
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          if (!Array.isArray(parsed)) throw new Error('the body must be a JSON array of events');
          events = parsed.map((e: { headers?: Record<string, unknown>; body?: unknown }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(e.headers ?? {})) headers[k] = String(v);
            return applyAll(this.interceptors, { headers, body: Buffer.from(String(e.body ?? ''), 'utf8') });
          });
        } catch (error) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
          return;
        }
        putCounted(this.channel, this.counters, events).then(
          () => res.writeHead(200).end(),
          (error: unknown) => res.writeHead(503).end(`${(error as Error).message}\n`),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(this.requestedPort, this.bind, () => resolve());
    });
    this.port = (this.#server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

/**
 * Lines appended to a file, from a byte offset on (hadoopfs's small tail source; Flume's TAILDIR does
 * more). A partial last line waits for its newline. The file is polled every `pollMs`.
 */
export class TailSource implements Source {
  readonly counters: SourceCounters = { received: 0, accepted: 0 };
  readonly finished = new Promise<void>(() => undefined);
  #position: number;
  #partial: Buffer = Buffer.alloc(0);
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** Lines were accepted since the position file was last written, and when that was. */
  #positionDirty = false;
  #positionWrittenAt = 0;

  constructor(
    private readonly channel: Channel,
    private readonly interceptors: Interceptor[],
    private readonly file: string,
    offset: number,
    private readonly pollMs: number,
    /** Flume TAILDIR's positionFile: where the position is kept across restarts (JSON [{inode, pos, file}]). */
    private readonly positionFile?: string,
    /**
     * Flume TAILDIR's writePosInterval: the position file is written at most this often (and at stop), as
     * Flume does — after a crash, at most this much is read again (at least once), never skipped.
     */
    private readonly writePosIntervalMs = 3000,
  ) {
    if (!file) throw new Error('a tail source needs a file');
    this.#position = offset;
  }

  /** The position recorded for this file, if the position file has one for the same file (same inode). */
  async #recordedPosition(): Promise<number | undefined> {
    if (!this.positionFile) return undefined;
    const text = await readFile(this.positionFile, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    let entries: Array<{ inode?: number; pos?: number; file?: string }>;
    try {
      entries = JSON.parse(text) as typeof entries;
    } catch {
      throw new Error(`${this.positionFile}: not a TAILDIR position file (JSON [{"inode", "pos", "file"}])`);
    }
    const inode = await stat(this.file).then((s) => s.ino, () => undefined);
    const entry = entries.find((e) => e.file === this.file);
    // Another inode: the file was replaced (rotated), so the recorded position is not in it.
    return entry && entry.inode === inode && typeof entry.pos === 'number' ? entry.pos : undefined;
  }

  /** Records the position after the last line the channel accepted: written, fsynced, renamed into place. */
  async #recordPosition(): Promise<void> {
    if (!this.positionFile) return;
    const inode = await stat(this.file).then((s) => s.ino, () => 0);
    const tmp = `${this.positionFile}.tmp`;
    const handle = await openFile(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify([{ inode, pos: this.position, file: this.file }]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.positionFile);
  }

  /** Where the line after the last one the channel accepted begins (what to give as offset to resume). */
  get position(): number {
    return this.#accepted;
  }

  /** File offset just after the last line the channel accepted. */
  #accepted = 0;

  async start(): Promise<void> {
    const recorded = await this.#recordedPosition();
    if (recorded !== undefined) this.#position = recorded;
    this.#accepted = this.#position;
    this.#loop = (async () => {
      let handle: FileHandle | undefined;
      let buffer = Buffer.allocUnsafeSlow(TAIL_READ);
      while (!this.#stopped) {
        handle ??= await openFile(this.file, 'r').catch(() => undefined);
        let n = 0;
        if (handle) {
          // The partial line goes first, then the read: a full read's buffer becomes the lines' block as
          // it is (a new one is read into next), a short one is copied out (a few lines do not hold a MiB).
          const partial = this.#partial;
          const room = partial.length <= TAIL_READ / 2 ? partial.length : 0;
          if (room > 0) buffer.set(partial);
          ({ bytesRead: n } = await handle.read(buffer, room, buffer.length - room, this.#position));
          if (n > 0) {
            const dataStart = this.#position - partial.length;
            this.#position += n;
            // The lines' block is the events' own (never written again): their bodies are views into it,
            // the lines' bytes as they are in the file (no decoding and encoding again).
            let data: Buffer;
            if (room === 0 && partial.length > 0) data = Buffer.concat([partial, buffer.subarray(0, n)]);
            else if (room + n >= TAIL_READ / 2) {
              data = buffer.subarray(0, room + n);
              buffer = Buffer.allocUnsafeSlow(TAIL_READ);
            } else data = Buffer.from(buffer.subarray(0, room + n));
            const newlines = newlineOffsets(data);
            const start = newlines.length === 0 ? 0 : newlines[newlines.length - 1]! + 1;
            this.#partial = start === 0 ? data : Buffer.from(data.subarray(start));
            const lines = this.#linesOf(data, newlines);
            this.counters.received += lines.length;
            // A put is one channel transaction: at most transactionCapacity events (a read of short lines holds more).
            const most = Math.max(1, this.channel.transactionCapacity);
            for (let at = 0; at < lines.length && !this.#stopped; ) {
              const batch = lines.length <= most ? lines : lines.slice(at, at + most);
              if (!(await this.#put(batch))) break;
              at += batch.length;
              this.counters.accepted += batch.length;
              this.#accepted = dataStart + newlines[at - 1]! + 1;
              this.#positionDirty = true;
            }
          }
        }
        if (this.#positionDirty && Date.now() - this.#positionWrittenAt >= this.writePosIntervalMs) await this.#writePosition();
        if (n === 0) await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      }
      await handle?.close();
    })();
  }

  /**
   * A read's lines as one batch where the channel keeps batches and every interceptor changes all events
   * alike (their headers changed once); else an event per line, each intercepted.
   */
  #linesOf(data: Buffer, newlines: Uint32Array): LineBatch | FlumeEvent[] {
    if (this.channel.putLines && this.interceptors.every((i) => i.interceptHeaders)) {
      const headers: Record<string, string> = {};
      for (const interceptor of this.interceptors) interceptor.interceptHeaders!(headers);
      return new LineBatch(data, newlines, headers);
    }
    const lines = new LineBatch(data, newlines, {});
    return Array.from({ length: newlines.length }, (_, k) => applyAll(this.interceptors, lines.at(k)));
  }

  #failures = 0;
  /** Told of each put the channel refused (the agent logs it); the source tries again either way. */
  onError: ((error: Error) => void) | undefined;

  /**
   * One put, tried again while the channel refuses it (a full disk, a log that cannot be written), backing
   * off as Flume's sources do (250 ms doubling to 5 s): a failing channel does not end the source. False
   * when stopped first: those lines were not accepted, and the position stays before them.
   */
  async #put(events: LineBatch | FlumeEvent[]): Promise<boolean> {
    for (;;) {
      try {
        await (events instanceof LineBatch ? this.channel.putLines!(events) : this.channel.put(events));
        this.#failures = 0;
        return true;
      } catch (error) {
        if (this.#stopped) return false;
        this.#failures++;
        this.onError?.(error as Error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** (this.#failures - 1))));
        if (this.#stopped) return false;
      }
    }
  }

  async #writePosition(): Promise<void> {
    this.#positionDirty = false;
    this.#positionWrittenAt = Date.now();
    await this.#recordPosition();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    if (this.#positionDirty) await this.#writePosition();
  }
}
