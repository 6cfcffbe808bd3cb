import { randomUUID } from 'node:crypto';
import { FSDataOutputStream, LeaseExpiredError, StreamCapabilities, type Path } from '@hadoopfs/core';
import { PartUploader, type OssClient } from '@hadoopfs/oss';
import { MANIFEST_KIND, MANIFEST_VERSION, parseManifest, serialiseManifest, type FlushManifest, type ManifestPart, type ManifestTail } from './manifest.js';
import type { StagingKeys } from './settings.js';

/** OSS allows 10 000 parts: with only whole parts uploaded, a file may grow to 10 000 × part size. */
export const MAX_PARTS = 10_000;

export interface DurableOutputOptions {
  bucket: string;
  key: string;
  staging: StagingKeys;
  partSize: number;
  activeBlocks: number;
  forbidOverwrite: boolean;
}

/**
 * A writer whose hflush()/hsync() survive its own death (DESIGN §4, rules D1–D5).
 *
 * Whole parts stream up as a multipart upload in the background (PartUploader). A flush waits for them,
 * writes the leftover bytes (less than a part) to one of two alternating tail objects in the staging
 * area — never the one the current manifest names — and then replaces the manifest: two writes beyond
 * the parts, and none at all when nothing was written since the last flush. Only whole parts are ever
 * uploaded before close, so flushing often never adds parts. Before it trusts its own state, every flush
 * and close reads the manifest back: if `recover` (or anyone) took the file over, the writer fails with
 * LeaseExpiredError instead of resurrecting it.
 */
export class DurableOssOutputStream extends FSDataOutputStream {
  readonly writerId = randomUUID();
  readonly #client: OssClient;
  readonly #options: DurableOutputOptions;
  readonly #parts: PartUploader;
  #sequence = 0;
  #flushedAt = 0;
  #manifestSaved = false;
  #tailSlot: 0 | 1 = 0;

  constructor(path: Path, client: OssClient, options: DurableOutputOptions) {
    super(path);
    this.#client = client;
    this.#options = options;
    this.#parts = new PartUploader(client, {
      key: options.key,
      partSize: options.partSize,
      activeBlocks: options.activeBlocks,
      maxParts: MAX_PARTS,
      translateError: (error) => this.#fencedOr(error, 'upload a part'),
    });
  }

  hasCapability(capability: string): boolean {
    return capability === StreamCapabilities.HFLUSH || capability === StreamCapabilities.HSYNC || capability === StreamCapabilities.ABORTABLE;
  }

  get uploadId(): Promise<string> | undefined {
    return this.#parts.uploadId;
  }

  protected writeBytes(bytes: Uint8Array): Promise<void> {
    return this.#parts.write(bytes);
  }

  /** NoSuchUpload while writing means someone completed or aborted our upload: our lease is gone. */
  #fencedOr(error: unknown, what: string): Error {
    if ((error as { code?: string }).code === 'ENOENT') {
      return new LeaseExpiredError(`${this.path.toString()}: cannot ${what}: the upload was completed or aborted by someone else (recovered?)`, {
        path: this.path.toString(),
      });
    }
    return error as Error;
  }

  protected async flushBuffers(): Promise<void> {
    // A plain flush() keeps Hadoop's meaning (push client buffers); durability is hflush/hsync's job.
    this.#parts.throwIfFailed();
  }

  protected override async hflushBytes(): Promise<void> {
    this.#parts.throwIfFailed();
    if (this.getPos() === this.#flushedAt && this.#manifestSaved) return;
    // The tail goes up while the parts in flight finish and the lease is checked: only the manifest has
    // to wait for all three. The slot written is never the one the current manifest names.
    const buffered = this.#parts.buffered;
    const slot: 0 | 1 = this.#tailSlot === 0 ? 1 : 0;
    const tailKey = this.#options.staging.tail(slot);
    const tailUpload = buffered.length > 0 ? this.#client.putWithChecksum(tailKey, buffered) : undefined;
    const [, , uploadedTail] = await Promise.all([this.#parts.drain(), this.#checkLease('flush'), tailUpload]);
    let tail: ManifestTail | null = null;
    if (uploadedTail) {
      if (uploadedTail.crc64 === undefined) throw new Error(`the server sent no x-oss-hash-crc64ecma for ${tailKey}`);
      tail = { key: tailKey, size: buffered.length, etag: uploadedTail.etag, crc64: uploadedTail.crc64 };
      this.#tailSlot = slot;
    }
    const parts: ManifestPart[] = this.#parts.parts.map(({ number, size, etag, crc64 }) => {
      if (crc64 === undefined) throw new Error(`the server sent no x-oss-hash-crc64ecma for part ${number} of ${this.path.toString()}`);
      return { number, size, etag, crc64 };
    });
    const uploadId = this.#parts.uploadId;
    const manifest: FlushManifest = {
      kind: MANIFEST_KIND,
      version: MANIFEST_VERSION,
      bucket: this.#options.bucket,
      target: this.#options.key,
      uploadId: uploadId ? await uploadId : null,
      partSize: this.#options.partSize,
      parts,
      tail,
      flushedLength: this.getPos(),
      writerId: this.writerId,
      sequence: ++this.#sequence,
      updated: Date.now(),
    };
    await this.#client.put(this.#options.staging.manifest, serialiseManifest(manifest));
    this.#manifestSaved = true;
    this.#flushedAt = this.getPos();
  }

  protected override hsyncBytes(): Promise<void> {
    // A PutObject is on OSS's durable storage once acknowledged: hsync needs nothing beyond hflush.
    return this.hflushBytes();
  }

  /** Fencing (D5): once we saved a manifest, it must still be ours, unchanged by anyone else. */
  async #checkLease(what: string): Promise<void> {
    if (!this.#manifestSaved) return;
    const bytes = await this.#client.getBytes(this.#options.staging.manifest);
    let current: FlushManifest | undefined;
    try {
      current = bytes ? parseManifest(bytes, this.#options.staging.manifest, this.#options.bucket, this.#options.key) : undefined;
    } catch {
      current = undefined;
    }
    if (!current || current.writerId !== this.writerId || current.sequence !== this.#sequence) {
      throw new LeaseExpiredError(
        `${this.path.toString()}: cannot ${what}: the flush manifest was ${bytes ? 'replaced' : 'removed'} by someone else (recovered?)`,
        { path: this.path.toString() },
      );
    }
  }

  protected async closeStream(): Promise<void> {
    try {
      await this.#checkLease('close');
      const uploadId = this.#parts.uploadId;
      if (!uploadId) {
        await this.#client.put(this.#options.key, this.#parts.buffered, { forbidOverwrite: this.#options.forbidOverwrite });
      } else {
        if (this.#parts.buffered.length > 0) await this.#parts.sendBuffered();
        await this.#parts.drain();
        const parts = this.#parts.parts.map(({ number, etag }) => ({ number, etag }));
        await this.#client.complete(this.#options.key, await uploadId, parts, { forbidOverwrite: this.#options.forbidOverwrite }).catch((error: unknown) => {
          throw this.#fencedOr(error, 'complete the upload');
        });
      }
    } catch (error) {
      // Someone else owns the file now: its upload and staging are theirs to finish, not ours to abort.
      if (!(error instanceof LeaseExpiredError)) await this.#discard();
      throw error;
    } finally {
      this.#parts.release();
    }
    await this.#removeStaging();
  }

  protected async abortStream(): Promise<void> {
    await this.#discard();
  }

  async #discard(): Promise<void> {
    await this.#parts.abort();
    await this.#removeStaging();
  }

  /** Tails first, manifest last: a crash in between leaves a manifest that recover recognises as done. */
  async #removeStaging(): Promise<void> {
    if (!this.#manifestSaved) return;
    const { staging } = this.#options;
    await this.#client.deleteMany([staging.tail(0), staging.tail(1)]);
    await this.#client.delete(staging.manifest);
  }
}
