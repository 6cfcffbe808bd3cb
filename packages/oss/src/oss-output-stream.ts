import { FSDataOutputStream, StreamCapabilities, type Path } from '@hadoopfs/core';
import type { OssClient } from './oss-client.js';

export interface OssOutputOptions {
  key: string;
  partSize: number;
  activeBlocks: number;
  /** create(overwrite=false): the final PutObject or Complete carries x-oss-forbid-overwrite. */
  forbidOverwrite: boolean;
}

/**
 * Writes an object: bytes gather in a part-sized buffer; each full part goes up in the background, at
 * most `activeBlocks` at a time (a writer past that waits), so memory stays within (active + 1) × part
 * size. close() sends a small file as one PutObject, or the last part and CompleteMultipartUpload; any
 * failure, and abort(), abort the multipart upload so that no incomplete upload is left behind. Nothing
 * is visible at the path before close() returns, and hflush/hsync promise nothing (no capability).
 */
export class OssOutputStream extends FSDataOutputStream {
  readonly #client: OssClient;
  readonly #options: OssOutputOptions;
  #buffer: Buffer | undefined;
  // Part buffers come back here once their upload is done: fresh 8 MiB allocations for every part would
  // cost page faults and garbage collection on the writer's core.
  readonly #spare: Buffer[] = [];
  #filled = 0;
  #uploadId: Promise<string> | undefined;
  readonly #parts: Array<{ number: number; etag: string }> = [];
  readonly #inFlight = new Set<Promise<void>>();
  #nextPart = 1;
  #failure: Error | undefined;

  constructor(path: Path, client: OssClient, options: OssOutputOptions) {
    super(path);
    this.#client = client;
    this.#options = options;
  }

  hasCapability(capability: string): boolean {
    return capability === StreamCapabilities.ABORTABLE;
  }

  /** The multipart upload id, once one was started (tests use it to check clean-up). */
  get uploadId(): Promise<string> | undefined {
    return this.#uploadId;
  }

  protected async writeBytes(bytes: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    const { partSize } = this.#options;
    let at = 0;
    while (at < bytes.byteLength) {
      this.#buffer ??= this.#spare.pop() ?? Buffer.allocUnsafe(partSize);
      const n = Math.min(partSize - this.#filled, bytes.byteLength - at);
      this.#buffer.set(bytes.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === partSize) await this.#sendPart();
    }
  }

  /** Hands the full buffer to a background upload, waiting first while too many are in flight. */
  async #sendPart(): Promise<void> {
    while (this.#inFlight.size >= this.#options.activeBlocks) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
    const whole = this.#buffer!;
    const body = whole.subarray(0, this.#filled);
    this.#buffer = undefined;
    this.#filled = 0;
    const number = this.#nextPart++;
    this.#uploadId ??= this.#client.initUpload(this.#options.key);
    const task = (async () => {
      const uploadId = await this.#uploadId!;
      const etag = await this.#client.uploadPart(this.#options.key, uploadId, number, body);
      this.#parts.push({ number, etag });
    })().then(
      () => void this.#spare.push(whole),
      (error: unknown) => {
        this.#failure ??= error as Error;
      },
    );
    const tracked: Promise<void> = task.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  protected async flushBuffers(): Promise<void> {
    // Nothing to push: an object store shows nothing before close, and says so through hasCapability.
    this.#throwIfFailed();
  }

  protected async closeStream(): Promise<void> {
    try {
      if (!this.#uploadId) {
        const body = this.#buffer ? this.#buffer.subarray(0, this.#filled) : Buffer.alloc(0);
        await this.#client.put(this.#options.key, body, { forbidOverwrite: this.#options.forbidOverwrite });
        return;
      }
      if (this.#filled > 0) await this.#sendPart();
      await Promise.all(this.#inFlight);
      this.#throwIfFailed();
      const parts = [...this.#parts].sort((a, b) => a.number - b.number);
      await this.#client.complete(this.#options.key, await this.#uploadId, parts, { forbidOverwrite: this.#options.forbidOverwrite });
    } catch (error) {
      await this.#abortUpload();
      throw error;
    } finally {
      this.#buffer = undefined;
      this.#spare.length = 0;
    }
  }

  protected async abortStream(): Promise<void> {
    this.#buffer = undefined;
    this.#spare.length = 0;
    this.#filled = 0;
    await this.#abortUpload();
  }

  async #abortUpload(): Promise<void> {
    if (!this.#uploadId) return;
    await Promise.allSettled(this.#inFlight);
    const uploadId = await this.#uploadId.catch(() => undefined);
    if (uploadId) await this.#client.abort(this.#options.key, uploadId);
  }
}
