import type { Readable } from 'node:stream';
import { ChecksumError, Crc64Offload, EOFError, FSDataInputStream, IOError, runBounded, throwIfAborted, type FileRange, type Path } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';

const MAX_RANGE = 64 * 1024 * 1024;
/** Vectored reads: ranges closer than this are fetched by one GET (the gap read and dropped)… */
export const VECTORED_MIN_SEEK = 4 * 1024;
/** …as long as that GET stays within this size (Hadoop's vectored-read defaults). */
export const VECTORED_MAX_MERGED = 1024 * 1024;
const VECTORED_CONCURRENCY = 4;

/**
 * Reads an object with ranged GETs. A reader that keeps reading where the last range ended gets ranges
 * that double (from `readAhead` up to 64 MiB), so a sequential scan costs few requests, and the next
 * range is requested while the current one is read, so that the scan never waits for a round trip; a
 * short forward seek skips within the open range instead of opening another; any other jump starts over
 * small and drops the range fetched ahead.
 *
 * Every range is pinned to the ETag seen at open (If-Match): an object replaced while open ends the read
 * with RemoteFileChangedError instead of mixing two versions. A read of the whole object from its start,
 * in order, is checked at EOF against the store's CRC-64 (ChecksumError if a byte changed on the way).
 */
export class ObjectInputStream extends FSDataInputStream {
  readonly #client: StoreClient;
  readonly #key: string;
  readonly #length: number;
  readonly #readAhead: number;
  #body: AsyncIterator<Buffer> | undefined;
  #stream: Readable | undefined;
  #leftover: Buffer | undefined;
  /** File position of the next byte the open range yields, and where that range ends. */
  #position = 0;
  #rangeEnd = 0;
  #nextRange: number;
  /** The range after the open one, requested ahead while reading sequentially. */
  #ahead: { position: number; end: number; stream: Promise<Readable> } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  readonly #attempts: number;
  /** The version every range is pinned to: from the HEAD at open, or (opened without one) the first response. */
  #etag: string | undefined;
  /** The store's CRC-64 of the object, when it is to be checked (learnt from the first response, like the ETag). */
  #expectedCrc: string | undefined;
  readonly #random: boolean;
  /**
   * CRC-64 of bytes [0, #crcEnd) while every read so far continued the last (computed in a worker, so
   * that the reading thread only copies); undefined before the first read and once a read jumped.
   */
  #crc: Crc64Offload | undefined;
  #crcEnd = 0;
  #crcAbandoned = false;

  constructor(
    path: Path,
    client: StoreClient,
    options: {
      key: string;
      length: number;
      etag?: string;
      crc64?: string | undefined;
      /** Check the CRC-64 even when none was given (it comes with the first response). */
      checkCrc?: boolean;
      readAhead: number;
      bufferSize: number;
      attempts?: number;
      /** fs.option.openfile.read.policy `random`: ranges stay small, nothing is fetched ahead. */
      random?: boolean;
    },
  ) {
    super(path, options.bufferSize);
    this.#etag = options.etag || undefined;
    this.#expectedCrc = options.crc64;
    this.#crcAbandoned = options.crc64 === undefined && !options.checkCrc;
    this.#random = options.random ?? false;
    this.#attempts = Math.max(1, options.attempts ?? 1);
    this.#client = client;
    this.#key = options.key;
    this.#length = options.length;
    this.#readAhead = Math.max(64 * 1024, options.readAhead);
    this.#nextRange = this.#readAhead;
  }

  /**
   * Coalesced vectored reads: sorted ranges with gaps below VECTORED_MIN_SEEK become one GET of at most
   * VECTORED_MAX_MERGED bytes; the GETs run a few at a time, each pinned to the ETag (a stream opened
   * without one fetches its first group alone, and that response pins the rest). The sequential
   * position and its open range are untouched.
   */
  protected override readRanges(ranges: readonly FileRange[]): Array<Promise<Uint8Array>> {
    const groups: Array<{ start: number; end: number; members: FileRange[] }> = [];
    for (const r of ranges) {
      const last = groups.at(-1);
      const end = r.offset + r.length;
      if (last && r.offset - last.end < VECTORED_MIN_SEEK && end - last.start <= VECTORED_MAX_MERGED) {
        last.end = Math.max(last.end, end);
        last.members.push(r);
      } else groups.push({ start: r.offset, end, members: [r] });
    }
    type Group = (typeof groups)[number];
    const fetched = new Map<Group, Promise<Buffer>>();
    const settle = new Map<Group, { resolve: (b: Buffer) => void; reject: (e: unknown) => void }>();
    const groupOf = new Map<FileRange, Group>();
    for (const group of groups) {
      const promise = new Promise<Buffer>((resolve, reject) => settle.set(group, { resolve, reject }));
      promise.catch(() => undefined);
      fetched.set(group, promise);
      for (const member of group.members) groupOf.set(member, group);
    }
    const fetchGroup = async (group: Group) => {
      const { resolve, reject } = settle.get(group)!;
      await this.#fetchBytes(group.start, Math.min(group.end, this.#length)).then(resolve, reject);
    };
    void (async () => {
      let todo = groups;
      if (groups.length > 0 && this.#etag === undefined) {
        await fetchGroup(groups[0]!);
        todo = groups.slice(1);
      }
      await runBounded(todo, VECTORED_CONCURRENCY, fetchGroup);
    })();
    return ranges.map((r) => {
      const group = groupOf.get(r)!;
      return fetched.get(group)!.then((bytes) => {
        if (r.offset + r.length > this.#length) {
          throw new EOFError(`readVectored ${this.path.toString()}: range [${r.offset}, +${r.length}) ends past the end of the file (${this.#length} bytes)`, { path: this.path.toString() });
        }
        return new Uint8Array(bytes.subarray(r.offset - group.start, r.offset - group.start + r.length));
      });
    });
  }

  /** Bytes [start, end) with one pinned GET, asked again from where a cut body stopped. */
  async #fetchBytes(start: number, end: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(Math.max(0, end - start));
    let at = 0;
    for (let attempt = 1; at < out.length; attempt++) {
      try {
        const stream = await this.#range(start + at, end);
        for await (const chunk of stream) {
          const piece = chunk as Buffer;
          piece.copy(out, at, 0, Math.min(piece.length, out.length - at));
          at += piece.length;
        }
        if (at < out.length) throw new Error(`the response ended ${out.length - at} bytes early`);
      } catch (error) {
        // A body cut by the reader's signal is not a failure to try again.
        throwIfAborted(`read ${this.path.toString()}`, this.path.toString());
        if (attempt >= this.#attempts || (error as { code?: string }).code === 'ESTALE' || (error as { code?: string }).code === 'ENOENT') throw error;
      }
    }
    return out;
  }

  protected getLength(): Promise<number> {
    return Promise.resolve(this.#length);
  }

  protected readAt(position: number, target: Uint8Array, offset: number, length: number): Promise<number> {
    // One open range serves every read, so reads (positioned ones included) take turns.
    const run = this.#queue.then(() => this.#read(position, target, offset, length));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(position: number, target: Uint8Array, offset: number, length: number): Promise<number> {
    if (position >= this.#length || length === 0) return 0;
    const open = this.#body !== undefined;
    if (open && position > this.#position && position < this.#rangeEnd && position - this.#position <= this.#readAhead) {
      await this.#skip(position - this.#position);
    } else if (!open || position !== this.#position) {
      const sequential = position === this.#rangeEnd;
      this.#nextRange = sequential && !this.#random ? Math.min(MAX_RANGE, this.#nextRange * 2) : this.#readAhead;
      await this.#openRange(position, Math.max(length, this.#nextRange));
      if (sequential) this.#fetchAhead();
    }
    let done = 0;
    const from = this.#position;
    while (done < length) {
      const chunk = await this.#nextChunk();
      if (!chunk) break;
      const n = Math.min(chunk.length, length - done);
      target.set(chunk.subarray(0, n), offset + done);
      done += n;
      this.#position += n;
      this.#leftover = n < chunk.length ? chunk.subarray(n) : undefined;
      if (this.#position >= this.#rangeEnd) break;
    }
    if (this.#position >= this.#rangeEnd) await this.#finishRange();
    await this.#checksum(from, target.subarray(offset, offset + done));
    return done;
  }

  /** Adds bytes read at `from` to the running CRC-64 while the reads are one run from 0, and checks it at EOF. */
  async #checksum(from: number, bytes: Uint8Array): Promise<void> {
    if (this.#crcAbandoned || bytes.length === 0) return;
    if (from !== this.#crcEnd) {
      this.#abandonCrc();
      return;
    }
    this.#crc ??= new Crc64Offload();
    const wait = this.#crc.update(bytes);
    this.#crcEnd += bytes.length;
    if (wait) await wait;
    if (this.#crcEnd < this.#length) return;
    const crc = this.#crc;
    this.#crc = undefined;
    this.#crcAbandoned = true;
    const actual = await crc.digest();
    // A response without the header (a store that does not send it) leaves nothing to compare.
    if (this.#expectedCrc !== undefined && actual !== this.#expectedCrc) {
      throw new ChecksumError(
        `read ${this.path.toString()}: the ${this.#length} bytes read have CRC-64 ${actual}, ${this.#client.capabilities.store}'s is ${this.#expectedCrc} (corrupted on the way)`,
        { path: this.path.toString() },
      );
    }
  }

  #abandonCrc(): void {
    this.#crc?.cancel();
    this.#crc = undefined;
    this.#crcAbandoned = true;
  }

  /** A range read to its end is let finish, so that its keep-alive connection goes back to the pool. */
  async #finishRange(): Promise<void> {
    const body = this.#body;
    this.#body = undefined;
    this.#stream = undefined;
    this.#leftover = undefined;
    if (body) await body.next().catch(() => undefined);
  }

  async #openRange(position: number, size: number): Promise<void> {
    this.#closeRange();
    const end = Math.min(this.#length, position + size);
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead && ahead.position === position && ahead.end >= end) {
      const stream = await ahead.stream.catch(() => undefined);
      if (stream) {
        this.#stream = stream;
        this.#body = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        this.#position = position;
        this.#rangeEnd = ahead.end;
        return;
      }
    } else this.#dropAhead(ahead);
    this.#stream = await this.#range(position, end);
    this.#body = this.#stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.#position = position;
    this.#rangeEnd = end;
  }

  /** A range pinned to the ETag; the first response of a stream opened without one pins the rest. */
  async #range(position: number, end: number): Promise<Readable> {
    const response = await this.#client.getRange(this.#key, position, end, this.#etag);
    this.#etag ??= response.etag;
    this.#expectedCrc ??= response.checksum;
    return response.stream;
  }

  /** Requests the range after the open one, sized as the next sequential range will be. */
  #fetchAhead(): void {
    const position = this.#rangeEnd;
    if (position >= this.#length) return;
    const end = Math.min(this.#length, position + Math.min(MAX_RANGE, this.#nextRange * 2));
    if (this.#random) return;
    const stream = this.#range(position, end);
    // A failure surfaces when (and if) the range is used: then it is requested again.
    stream.catch(() => undefined);
    this.#ahead = { position, end, stream };
  }

  #dropAhead(ahead = this.#ahead): void {
    if (ahead) ahead.stream.then((s) => s.destroy(), () => undefined);
    if (ahead === this.#ahead) this.#ahead = undefined;
  }

  async #nextChunk(): Promise<Buffer | undefined> {
    if (this.#leftover) {
      const chunk = this.#leftover;
      this.#leftover = undefined;
      return chunk;
    }
    // A connection cut in the middle of a body (or a body that ends early) is not the end of the file:
    // the rest of the range is requested again from the current position, as often as other idempotent
    // requests are retried, and a final failure is an IOError naming the file and the offset.
    for (let attempt = 1; ; attempt++) {
      try {
        const next = await this.#body!.next();
        if (!next.done) return next.value;
        if (this.#position >= this.#rangeEnd) return undefined;
        throw new Error(`the response ended ${this.#rangeEnd - this.#position} bytes early`);
      } catch (error) {
        this.#stream?.destroy();
        throwIfAborted(`read ${this.path.toString()}`, this.path.toString());
        if (attempt >= this.#attempts) {
          throw new IOError(`read ${this.path.toString()} at offset ${this.#position}: ${(error as Error).message} (after ${attempt} attempt(s))`, 'ECONNRESET', {
            path: this.path.toString(),
            cause: error,
          });
        }
        this.#stream = await this.#range(this.#position, this.#rangeEnd);
        this.#body = this.#stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      }
    }
  }

  async #skip(bytes: number): Promise<void> {
    let left = bytes;
    while (left > 0) {
      const chunk = await this.#nextChunk();
      if (!chunk) return;
      if (chunk.length > left) {
        this.#leftover = chunk.subarray(left);
        this.#position += left;
        return;
      }
      left -= chunk.length;
      this.#position += chunk.length;
    }
  }

  #closeRange(): void {
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#body = undefined;
    this.#leftover = undefined;
  }

  protected async closeStream(): Promise<void> {
    await this.#queue;
    this.#abandonCrc();
    this.#closeRange();
    this.#dropAhead();
  }
}
