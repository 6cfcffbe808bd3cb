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
  /** Refuses to start part number `maxParts + 1`. */
  maxParts?: number;
}

/**
 * The multipart half of an OSS writer: bytes gather in a part-sized buffer; each full part goes up in
 * the background, at most `activeBlocks` at a time, so memory stays within (active + 1) × part size;
 * part buffers are reused once uploaded (fresh 8 MiB allocations cost page faults and garbage
 * collection on the writer's core). The upload is initiated with the first part.
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
  #nextPart = 1;
  #failure: Error | undefined;

  constructor(client: OssClient, options: PartUploaderOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** The multipart upload id, once the first part started one. */
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

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.throwIfFailed();
    const { partSize } = this.#options;
    let at = 0;
    while (at < bytes.byteLength) {
      this.#buffer ??= this.#spare.pop() ?? Buffer.allocUnsafe(partSize);
      const n = Math.min(partSize - this.#filled, bytes.byteLength - at);
      this.#buffer.set(bytes.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === partSize) await this.sendBuffered();
    }
  }

  /** Hands what is buffered (a full part, or the last one at close) to a background upload. */
  async sendBuffered(): Promise<void> {
    while (this.#inFlight.size >= this.#options.activeBlocks) await Promise.race(this.#inFlight);
    this.throwIfFailed();
    const number = this.#nextPart;
    if (this.#options.maxParts !== undefined && number > this.#options.maxParts) {
      throw new RangeError(`oss://${this.#client.bucket}/${this.#options.key}: more than ${this.#options.maxParts} parts of ${this.#options.partSize} bytes`);
    }
    this.#nextPart++;
    const whole = this.#buffer!;
    const body = whole.subarray(0, this.#filled);
    this.#buffer = undefined;
    this.#filled = 0;
    this.#uploadId ??= this.#client.initUpload(this.#options.key);
    const task = (async () => {
      const uploadId = await this.#uploadId!;
      const { etag, crc64 } = await this.#client.uploadPartWithChecksum(this.#options.key, uploadId, number, body).catch((error: unknown) => {
        throw this.#options.translateError ? this.#options.translateError(error) : error;
      });
      this.#parts.set(number, { number, size: body.length, etag, crc64 });
    })().then(
      () => void this.#spare.push(whole),
      (error: unknown) => {
        this.#failure ??= error as Error;
      },
    );
    const tracked: Promise<void> = task.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Waits for every part in flight; raises the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
    this.throwIfFailed();
  }

  /** Drops the buffers (after close or abort). */
  release(): void {
    this.#buffer = undefined;
    this.#filled = 0;
    this.#spare.length = 0;
  }

  /** Lets the parts in flight settle, then aborts the upload, if one was started. */
  async abort(): Promise<void> {
    this.release();
    await Promise.allSettled(this.#inFlight);
    const uploadId = await this.#uploadId?.catch(() => undefined);
    if (uploadId) await this.#client.abort(this.#options.key, uploadId);
  }
}
