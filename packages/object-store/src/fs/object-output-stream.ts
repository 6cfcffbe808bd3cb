import { FSDataOutputStream, StreamCapabilities, throwIfAborted, withoutSignal, type Path } from '@hadoopfs/core';
import type { StoreClient } from '../store/store-client.js';
import { PartUploader } from './part-uploader.js';
import type { UploadBuffers } from './upload-buffers.js';

export interface ObjectOutputOptions {
  key: string;
  partSize: number;
  /** The key that sets `partSize`, for messages. */
  partSizeKey: string;
  activeBlocks: number;
  /** create(overwrite=false): the final PutObject or Complete is create-only. */
  forbidOverwrite: boolean;
  buffers: UploadBuffers;
}

/**
 * Writes an object: whole parts stream up in the background (PartUploader); close() sends a small file as
 * one PutObject, or the last part and CompleteMultipartUpload. Any failure, and abort(), abort the
 * multipart upload so that no incomplete upload is left behind. Nothing is visible at the path before
 * close() returns, and hflush/hsync promise nothing (no capability).
 */
export class ObjectOutputStream extends FSDataOutputStream {
  readonly #client: StoreClient;
  readonly #options: ObjectOutputOptions;
  readonly #parts: PartUploader;

  constructor(path: Path, client: StoreClient, options: ObjectOutputOptions) {
    super(path);
    this.#client = client;
    this.#options = options;
    this.#parts = new PartUploader(client, { ...options, onPartAcknowledged: (bytes) => this.acknowledged(bytes) });
  }

  hasCapability(capability: string): boolean {
    return capability === StreamCapabilities.ABORTABLE;
  }

  /** The multipart upload id, once one was started (tests use it to check clean-up). */
  get uploadId(): Promise<string> | undefined {
    return this.#parts.uploadId;
  }

  protected writeChunk(bytes: Uint8Array): Promise<void> {
    return this.#parts.write(bytes);
  }

  protected async flushBuffers(): Promise<void> {
    // Nothing to push: an object store shows nothing before close, and says so through hasCapability.
    this.#parts.throwIfFailed();
  }

  protected async closeStream(): Promise<void> {
    try {
      const uploadId = this.#parts.uploadId;
      if (!uploadId) {
        const bytes = await this.#parts.bufferedBytes();
        // The commit of a small file: not begun once the signal fired, not cut once begun.
        throwIfAborted(`close() ${this.path.toString()}`, this.path.toString());
        await withoutSignal(() => this.#client.put(this.#options.key, bytes, { forbidOverwrite: this.#options.forbidOverwrite }));
        return;
      }
      if (this.#parts.bufferedLength > 0) await this.#parts.sendBuffered();
      await this.#parts.drain();
      await this.#client.complete(this.#options.key, await uploadId, this.#parts.parts, { forbidOverwrite: this.#options.forbidOverwrite });
    } catch (error) {
      await this.#parts.abort();
      throw error;
    } finally {
      await this.#parts.release();
    }
  }

  protected async abortStream(): Promise<void> {
    await this.#parts.abort();
  }
}
