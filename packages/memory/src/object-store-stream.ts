import { FSDataOutputStream, StreamCapabilities, type Path } from '@hadoopfs/core';

/**
 * The output stream of mem:// with fs.mem.semantics = object-store: like an OSS upload, nothing is
 * visible at the path until close() puts the whole object; flush and hflush push nothing (and neither
 * hflush nor hsync is declared); abort() leaves nothing behind.
 */
export class ObjectStoreOutputStream extends FSDataOutputStream {
  readonly #chunks: Buffer[] = [];
  readonly #put: (bytes: Buffer) => Promise<void>;

  constructor(path: Path, put: (bytes: Buffer) => Promise<void>) {
    super(path, 0);
    this.#put = put;
  }

  hasCapability(capability: string): boolean {
    return capability === StreamCapabilities.ABORTABLE;
  }

  protected async writeChunk(bytes: Uint8Array): Promise<void> {
    this.#chunks.push(Buffer.from(bytes));
  }

  protected async flushBuffers(): Promise<void> {}

  protected async closeStream(): Promise<void> {
    await this.#put(Buffer.concat(this.#chunks.splice(0)));
  }

  protected async abortStream(): Promise<void> {
    this.#chunks.length = 0;
  }
}
