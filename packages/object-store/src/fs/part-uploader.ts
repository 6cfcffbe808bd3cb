import { IOError } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';
import type { PartBody } from '../store/object-store.js';
import type { PartBuffer, UploadBuffers } from './upload-buffers.js';

export interface UploadedPart {
  number: number;
  size: number;
  etag: string;
  /** The store's checksum of the part (capabilities.checksum), when it has one. */
  checksum: string | undefined;
}

export interface PartUploaderOptions {
  key: string;
  partSize: number;
  /** The backend's key that sets `partSize`, for messages. */
  partSizeKey: string;
  /** Parts uploading at once; a writer past that waits (backpressure). */
  activeBlocks: number;
  /** Turns a part upload's failure into the error the stream should raise (e.g. fencing). */
  translateError?: (error: unknown) => Error;
  /** The highest part number this writer may use (the store allows capabilities.maxPartNumber). */
  maxParts?: number;
  /** User metadata (plain names) for InitiateMultipartUpload: the completed object carries it. */
  meta?: Record<string, string>;
  /** Told the size of each part the store acknowledged (upload progress by bytes the store has). */
  onPartAcknowledged?: (bytes: number) => void;
  /** Where the bytes wait: memory that grows with them, or disk (the FileSystem's, shared by its streams). */
  buffers: UploadBuffers;
}

interface PendingPart {
  number: number;
  buffer: PartBuffer;
  /** Sealed once, on the first attempt: a retry sends the same bytes with the same CRC-64. */
  sealed?: { body: PartBody; crc64: Promise<string> | string | undefined };
}

/**
 * The multipart half of an object-store writer: bytes gather in a part buffer (UploadBuffers: memory that grows
 * with the data, or disk); each full part goes up in the background, at most `activeBlocks` at a time
 * (backpressure); memory buffers go back to a pool once uploaded. The upload is initiated with the first
 * part.
 *
 * A part that failed keeps its number and bytes and is sent again by the next drain() or write(): a
 * failure is reported, not final, and a part number never carries two different contents, so a late
 * attempt that lands after the retry writes the same bytes.
 */
export class PartUploader {
  readonly #client: StoreClient;
  readonly #options: PartUploaderOptions;
  #current: PartBuffer | undefined;
  /** The size the stream's last part reached (a full one's is the part size): its next part starts there. */
  #startCapacity = 0;
  #uploadId: Promise<string> | undefined;
  readonly #parts = new Map<number, UploadedPart>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #failed = new Map<number, PendingPart>();
  #lastFailure: Error | undefined;
  #nextPart = 1;
  #initiateSent = false;

  constructor(client: StoreClient, options: PartUploaderOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** The multipart upload id, once the first part (or ensureUpload) started one. */
  get uploadId(): Promise<string> | undefined {
    return this.#uploadId;
  }

  /** Bytes buffered after the last part handed to an upload. */
  get bufferedLength(): number {
    return this.#current?.length ?? 0;
  }

  /** Those bytes, read from memory or disk. */
  bufferedBytes(): Promise<Buffer> {
    return this.#current ? this.#current.bytes() : Promise.resolve(Buffer.alloc(0));
  }

  /** Parts uploaded so far, by number. */
  get parts(): UploadedPart[] {
    return [...this.#parts.values()].sort((a, b) => a.number - b.number);
  }

  /** Part numbers handed out so far (uploaded, in flight or failed). */
  get partsStarted(): number {
    return this.#nextPart - 1;
  }

  /**
   * An InitiateMultipartUpload was sent, answered or not: an upload of the key may exist that this
   * writer does not know (an answer lost, a request applied twice).
   */
  get initiateSent(): boolean {
    return this.#initiateSent;
  }

  get #maxParts(): number {
    return this.#options.maxParts ?? this.#client.capabilities.maxPartNumber;
  }

  throwIfFailed(): void {
    if (this.#failed.size > 0) throw this.#lastFailure!;
  }

  /** Starts the multipart upload if none was started (or the last attempt failed). */
  ensureUpload(): Promise<string> {
    if (!this.#uploadId) {
      this.#initiateSent = true;
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
   * Buffers `bytes`, sending full parts. `bytes` is not read after the first await (what must wait is
   * copied first): the caller may reuse its buffer at once. A refusal (failed parts, part limit) takes
   * no byte.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#failed.size > 0) {
      const owned = Buffer.from(bytes);
      return this.drain().then(() => this.write(owned));
    }
    const { partSize } = this.#options;
    if (this.partsStarted + Math.floor((this.bufferedLength + bytes.byteLength) / partSize) > this.#maxParts) return Promise.reject(this.#tooManyParts());
    return this.#appendFrom(bytes, 0) ?? Promise.resolve();
  }

  /** Appends bytes[at..]; synchronous (undefined) unless a disk write or a full part must be waited for. */
  #appendFrom(bytes: Uint8Array, at: number): Promise<void> | undefined {
    const { partSize } = this.#options;
    while (at < bytes.byteLength) {
      const part = (this.#current ??= this.#options.buffers.newPart(partSize, this.#startCapacity));
      const n = Math.min(partSize - part.length, bytes.byteLength - at);
      const pending = part.append(bytes.subarray(at, at + n));
      at += n;
      if (pending || part.length === partSize) {
        const rest = at < bytes.byteLength ? Buffer.from(bytes.subarray(at)) : undefined;
        return (async () => {
          await pending;
          if (part.length === partSize) await this.#sendFull(part);
          if (rest) await this.#appendFrom(rest, 0);
        })();
      }
    }
    return undefined;
  }

  #sendFull(part: PartBuffer): Promise<void> {
    if (this.#current === part) this.#current = undefined;
    this.#startCapacity = this.#options.partSize;
    return this.#send(part);
  }

  #tooManyParts(): IOError {
    const { key, partSize } = this.#options;
    return new IOError(
      `${this.#client.display(key)}: the file would need more than ${this.#maxParts} parts of at most ${partSize} bytes; ` +
        `set a larger ${this.#options.partSizeKey} for files this large`,
      'EFBIG',
      { path: this.#client.display(key) },
    );
  }

  /**
   * Hands what is buffered (a flushed run of bytes, or the last part at close) to a background upload —
   * as up to `pieces` parts of at least the store's minimum each, so that a flush waiting for its bytes
   * waits for several streams rather than one.
   */
  async sendBuffered(pieces = 1): Promise<void> {
    const part = this.#current ?? this.#options.buffers.newPart(this.#options.partSize);
    this.#current = undefined;
    this.#startCapacity = part.capacity;
    const count = Math.min(pieces, Math.floor(part.length / this.#client.capabilities.minPartSize));
    if (count <= 1) {
      await this.#send(part);
      return;
    }
    // Every piece at least floor(length / count) ≥ the minimum; the last takes the remainder.
    const shared = part.split(count);
    if (shared) {
      for (let i = 0; i < shared.length; i++) {
        try {
          await this.#send(shared[i]!);
        } catch (error) {
          // Pieces not handed on hold their share of the memory: given back with them.
          for (const unsent of shared.slice(i + 1)) await unsent.release();
          throw error;
        }
      }
      return;
    }
    const bytes = await part.bytes();
    await part.release();
    const size = Math.floor(bytes.length / count);
    for (let i = 0; i < count; i++) {
      const piece = this.#options.buffers.newPart(this.#options.partSize);
      await piece.append(bytes.subarray(i * size, i === count - 1 ? bytes.length : (i + 1) * size));
      await this.#send(piece);
    }
  }

  /** Waits for a free slot (backpressure), numbers the part and starts its upload. */
  async #send(buffer: PartBuffer): Promise<void> {
    while (this.#inFlight.size >= this.#options.activeBlocks) await Promise.race(this.#inFlight);
    const number = this.#nextPart;
    if (number > this.#maxParts) {
      await buffer.release();
      throw this.#tooManyParts();
    }
    this.#nextPart++;
    this.#start({ number, buffer });
  }

  #start(part: PendingPart): void {
    // Its size now: the buffer is released once an attempt succeeds.
    const size = part.buffer.length;
    const task = (async () => {
      const uploadId = await this.ensureUpload();
      part.sealed ??= await part.buffer.seal(this.#client.checksums);
      const uploaded = await this.#client.uploadPartWithChecksum(this.#options.key, uploadId, part.number, part.sealed.body, part.sealed.crc64);
      const replaced = this.#parts.has(part.number);
      this.#parts.set(part.number, { number: part.number, size, etag: uploaded.etag, checksum: uploaded.checksum });
      if (!replaced) this.#options.onPartAcknowledged?.(size);
    })().then(
      async () => {
        this.#failed.delete(part.number);
        await part.buffer.release();
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
      // Out of the failed set while tried again (back in it if the attempt fails): two drains at once (a
      // write's and a flush's) send each part once, never twice with one buffer that the first success releases.
      const retried = [...this.#failed.values()];
      this.#failed.clear();
      for (const part of retried) this.#start(part);
      await Promise.all(this.#inFlight);
    }
    this.throwIfFailed();
  }

  /** Drops the buffers (after close or abort): memory back to the pool, files removed. */
  async release(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    const failed = [...this.#failed.values()];
    this.#failed.clear();
    await current?.release();
    for (const part of failed) await part.buffer.release();
  }

  /** Lets the parts in flight settle; answers the upload's id, if one was started. */
  async settle(): Promise<string | undefined> {
    await Promise.allSettled(this.#inFlight);
    return this.#uploadId?.catch(() => undefined);
  }

  /** Lets the parts in flight settle, then aborts the upload, if one was started. */
  async abort(): Promise<void> {
    const uploadId = await this.settle();
    await this.release();
    if (uploadId) await this.#client.abort(this.#options.key, uploadId);
  }
}
