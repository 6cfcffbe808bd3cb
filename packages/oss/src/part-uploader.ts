import { crc64, IOError } from '@hadoopfs/core';
import type { OssClient } from './oss-client.js';

export interface UploadedPart {
  number: number;
  size: number;
  etag: string;
  /** The server's x-oss-hash-crc64ecma for the part, when it sent one. */
  crc64: string | undefined;
}

export interface PartUploaderOptions {
  key: string;
  partSize: number;
  /** Parts uploading at once; a writer past that waits (backpressure). */
  activeBlocks: number;
  /** Turns a part upload's failure into the error the stream should raise (e.g. fencing). */
  translateError?: (error: unknown) => Error;
  /** The highest part number this writer may use (OSS allows 10 000). */
  maxParts?: number;
  /** `x-oss-meta-*` headers for InitiateMultipartUpload: the completed object carries them. */
  meta?: Record<string, string>;
}

interface FailedPart {
  number: number;
  body: Buffer;
  whole: Buffer;
  /** Computed once, on the first attempt: a retry sends the same bytes. */
  crc64?: string | undefined;
}

/**
 * The multipart half of an OSS writer: bytes gather in a part-sized buffer; each full part goes up in
 * the background, at most `activeBlocks` at a time, so memory stays within (active + 1) × part size;
 * part buffers are reused once uploaded (fresh 8 MiB allocations cost page faults and garbage
 * collection on the writer's core). The upload is initiated with the first part.
 *
 * A part that failed keeps its number and bytes and is sent again by the next drain() or write(): a
 * failure is reported, not final, and a part number never carries two different contents, so a late
 * attempt that lands after the retry writes the same bytes.
 */
export class PartUploader {
  readonly #client: OssClient;
  readonly #options: PartUploaderOptions;
  #buffer: Buffer | undefined;
  readonly #spare: Buffer[] = [];
  #filled = 0;
  #uploadId: Promise<string> | undefined;
  readonly #parts = new Map<number, UploadedPart>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #failed = new Map<number, FailedPart>();
  #lastFailure: Error | undefined;
  #nextPart = 1;

  constructor(client: OssClient, options: PartUploaderOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** The multipart upload id, once the first part (or ensureUpload) started one. */
  get uploadId(): Promise<string> | undefined {
    return this.#uploadId;
  }

  /** Bytes buffered after the last part handed to an upload. */
  get buffered(): Buffer {
    return this.#buffer ? this.#buffer.subarray(0, this.#filled) : Buffer.alloc(0);
  }

  /** Parts uploaded so far, by number. */
  get parts(): UploadedPart[] {
    return [...this.#parts.values()].sort((a, b) => a.number - b.number);
  }

  /** Part numbers handed out so far (uploaded, in flight or failed). */
  get partsStarted(): number {
    return this.#nextPart - 1;
  }

  get #maxParts(): number {
    return this.#options.maxParts ?? 10_000;
  }

  throwIfFailed(): void {
    if (this.#failed.size > 0) throw this.#lastFailure!;
  }

  /** Starts the multipart upload if none was started (or the last attempt failed). */
  ensureUpload(): Promise<string> {
    if (!this.#uploadId) {
      const started = this.#client.initUpload(this.#options.key, this.#options.meta);
      this.#uploadId = started;
      // A failed initiation is tried again by the next caller, not remembered.
      started.catch(() => {
        if (this.#uploadId === started) this.#uploadId = undefined;
      });
    }
    return this.#uploadId;
  }

  /**
   * Buffers `bytes`, sending full parts. The bytes are copied before anything is awaited (the caller may
   * reuse its buffer at once). All or nothing: a refusal (failed parts, part limit) takes no byte.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#failed.size > 0) {
      const owned = Buffer.from(bytes);
      return this.drain().then(() => this.write(owned));
    }
    const { partSize } = this.#options;
    const full: Buffer[] = [];
    if (this.partsStarted + Math.floor((this.#filled + bytes.byteLength) / partSize) > this.#maxParts) return Promise.reject(this.#tooManyParts());
    let at = 0;
    while (at < bytes.byteLength) {
      this.#buffer ??= this.#spare.pop() ?? Buffer.allocUnsafe(partSize);
      const n = Math.min(partSize - this.#filled, bytes.byteLength - at);
      this.#buffer.set(bytes.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === partSize) {
        full.push(this.#buffer);
        this.#buffer = undefined;
        this.#filled = 0;
      }
    }
    if (full.length === 0) return Promise.resolve();
    return (async () => {
      for (const whole of full) await this.#send(whole, whole);
    })();
  }

  #tooManyParts(): IOError {
    const { key, partSize } = this.#options;
    return new IOError(
      `oss://${this.#client.bucket}/${key}: the file would need more than ${this.#maxParts} parts of at most ${partSize} bytes; ` +
        'set a larger fs.oss.multipart.part.size for files this large',
      'EFBIG',
      { path: `oss://${this.#client.bucket}/${key}` },
    );
  }

  /** Hands what is buffered (a flushed run of bytes, or the last part at close) to a background upload. */
  async sendBuffered(): Promise<void> {
    const whole = this.#buffer ?? Buffer.alloc(0);
    const body = whole.subarray(0, this.#filled);
    this.#buffer = undefined;
    this.#filled = 0;
    await this.#send(whole, body);
  }

  /** Waits for a free slot (backpressure), numbers the part and starts its upload. */
  async #send(whole: Buffer, body: Buffer): Promise<void> {
    while (this.#inFlight.size >= this.#options.activeBlocks) await Promise.race(this.#inFlight);
    const number = this.#nextPart;
    if (number > this.#maxParts) throw this.#tooManyParts();
    this.#nextPart++;
    this.#start({ number, body, whole });
  }

  #start(part: FailedPart): void {
    const task = (async () => {
      const uploadId = await this.ensureUpload();
      if (this.#client.checksums) part.crc64 ??= crc64(part.body).toString();
      const uploaded = await this.#client.uploadPartWithChecksum(this.#options.key, uploadId, part.number, part.body, part.crc64);
      this.#parts.set(part.number, { number: part.number, size: part.body.length, etag: uploaded.etag, crc64: uploaded.crc64 });
    })().then(
      () => {
        this.#failed.delete(part.number);
        if (part.whole.length === this.#options.partSize) this.#spare.push(part.whole);
      },
      (error: unknown) => {
        this.#lastFailure = this.#options.translateError ? this.#options.translateError(error) : (error as Error);
        this.#failed.set(part.number, part);
      },
    );
    const tracked: Promise<void> = task.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Waits for every part in flight, sends failed parts once more, and raises a failure that remains. */
  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
    if (this.#failed.size > 0) {
      for (const part of [...this.#failed.values()]) this.#start(part);
      await Promise.all(this.#inFlight);
    }
    this.throwIfFailed();
  }

  /** Drops the buffers (after close or abort). */
  release(): void {
    this.#buffer = undefined;
    this.#filled = 0;
    this.#spare.length = 0;
    this.#failed.clear();
  }

  /** Lets the parts in flight settle, then aborts the upload, if one was started. */
  async abort(): Promise<void> {
    this.release();
    await Promise.allSettled(this.#inFlight);
    const uploadId = await this.#uploadId?.catch(() => undefined);
    if (uploadId) await this.#client.abort(this.#options.key, uploadId);
  }
}
