import { randomUUID } from 'node:crypto';
import type { BlobWriter, LoadedState, Persistence, StoredBucket, StoredObject, StoredPart, StoredUpload } from './model.js';

/** Everything in this process's memory: fast, gone with the process. */
export class MemoryPersistence implements Persistence {
  readonly #blobs = new Map<string, Buffer>();

  newBlob(expectedSize?: number): BlobWriter {
    // Bytes are copied (the caller may reuse its buffer, a network chunk may share a larger allocation),
    // once into a buffer of the announced size, or into pieces joined at commit when no size was given.
    const chunks: Buffer[] = [];
    let whole = expectedSize !== undefined && expectedSize > 0 ? Buffer.allocUnsafe(expectedSize) : undefined;
    let filled = 0;
    let open = true;
    return {
      write: async (chunk) => {
        if (!open) throw new Error('blob already committed or aborted');
        if (whole && filled + chunk.byteLength <= whole.length) {
          whole.set(chunk, filled);
        } else {
          if (whole) {
            chunks.push(whole.subarray(0, filled));
            whole = undefined;
          }
          chunks.push(Buffer.from(chunk));
        }
        filled += chunk.byteLength;
      },
      commit: async () => {
        open = false;
        const id = randomUUID();
        const data = whole ? whole.subarray(0, filled) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        this.#blobs.set(id, data);
        return id;
      },
      abort: async () => {
        open = false;
        chunks.length = 0;
      },
    };
  }

  async *readBlob(blob: string, start: number, end: number): AsyncIterable<Uint8Array> {
    const data = this.#blobs.get(blob);
    if (!data) throw new Error(`blob ${blob} is missing`);
    const chunk = 1024 * 1024;
    for (let at = start; at < end; at += chunk) yield data.subarray(at, Math.min(end, at + chunk));
  }

  async deleteBlob(blob: string): Promise<void> {
    this.#blobs.delete(blob);
  }

  async copyBlobRange(blob: string, start: number, end: number): Promise<string> {
    const data = this.#blobs.get(blob);
    if (!data) throw new Error(`blob ${blob} is missing`);
    const id = randomUUID();
    // A committed blob is never written again: the copy shares its bytes, as a store's server-side copy
    // costs no second copy of the data (a 100 MB rename is not 100 MB more memory).
    this.#blobs.set(id, data.subarray(start, end));
    return id;
  }

  async saveBucket(_bucket: StoredBucket): Promise<void> {}
  async deleteBucket(_name: string): Promise<void> {}
  async saveObject(_bucket: string, _object: StoredObject): Promise<void> {}
  async deleteObject(_bucket: string, _key: string): Promise<void> {}
  async saveUpload(_bucket: string, _upload: StoredUpload): Promise<void> {}
  async savePart(_bucket: string, _uploadId: string, _part: StoredPart): Promise<void> {}
  async deleteUpload(_bucket: string, _uploadId: string): Promise<void> {}

  async load(): Promise<LoadedState> {
    return { buckets: [], objects: new Map(), uploads: new Map() };
  }

  async close(): Promise<void> {
    this.#blobs.clear();
  }
}
