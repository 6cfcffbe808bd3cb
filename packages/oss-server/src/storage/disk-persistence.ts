import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BlobWriter,
  LoadedState,
  Persistence,
  StoredBucket,
  StoredObject,
  StoredPart,
  StoredUpload,
} from './model.js';

/**
 * Buckets, objects and uploads as JSON documents, bytes as immutable blob files, under one directory:
 *
 *   blobs/<id>                              bytes, written once
 *   tmp/                                    files being written (removed at start)
 *   buckets/<bucket>/bucket.json
 *   buckets/<bucket>/objects/<sha1(key)>.json
 *   buckets/<bucket>/uploads/<id>/upload.json, part-<n>.json
 *
 * Every file is written to tmp/, fsynced, renamed into place, and its directory fsynced, so that a crash
 * of the server process (or the machine) leaves each document old or new, never torn.
 */
export class DiskPersistence implements Persistence {
  readonly #root: string;
  readonly #fsync: boolean;

  constructor(root: string, options: { fsync?: boolean } = {}) {
    this.#root = root;
    this.#fsync = options.fsync ?? true;
  }

  #blobPath(id: string): string {
    return join(this.#root, 'blobs', id);
  }

  #tmpPath(): string {
    return join(this.#root, 'tmp', randomUUID());
  }

  #bucketDir(bucket: string): string {
    return join(this.#root, 'buckets', bucket);
  }

  #objectPath(bucket: string, key: string): string {
    return join(this.#bucketDir(bucket), 'objects', `${createHash('sha1').update(key).digest('hex')}.json`);
  }

  #uploadDir(bucket: string, uploadId: string): string {
    return join(this.#bucketDir(bucket), 'uploads', uploadId);
  }

  async init(): Promise<void> {
    await rm(join(this.#root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(this.#root, 'tmp'), { recursive: true });
    await mkdir(join(this.#root, 'blobs'), { recursive: true });
    await mkdir(join(this.#root, 'buckets'), { recursive: true });
  }

  newBlob(_expectedSize?: number): BlobWriter {
    const tmp = this.#tmpPath();
    let handle: FileHandle | undefined;
    let opening: Promise<FileHandle> | undefined;
    const ensure = () => (opening ??= open(tmp, 'w').then((h) => (handle = h)));
    return {
      write: async (chunk) => {
        const h = handle ?? (await ensure());
        let done = 0;
        while (done < chunk.byteLength) done += (await h.write(chunk, done, chunk.byteLength - done)).bytesWritten;
      },
      commit: async () => {
        const h = handle ?? (await ensure());
        if (this.#fsync) await h.sync();
        await h.close();
        const id = randomUUID();
        await rename(tmp, this.#blobPath(id));
        await this.#syncDir(join(this.#root, 'blobs'));
        return id;
      },
      abort: async () => {
        await handle?.close().catch(() => undefined);
        await rm(tmp, { force: true });
      },
    };
  }

  async *readBlob(blob: string, start: number, end: number): AsyncIterable<Uint8Array> {
    if (end <= start) return;
    yield* createReadStream(this.#blobPath(blob), { start, end: end - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>;
  }

  async deleteBlob(blob: string): Promise<void> {
    await rm(this.#blobPath(blob), { force: true });
  }

  async copyBlobRange(blob: string, start: number, end: number): Promise<string> {
    const writer = this.newBlob();
    try {
      for await (const chunk of this.readBlob(blob, start, end)) await writer.write(chunk);
      return await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  async #writeDocument(path: string, document: unknown): Promise<void> {
    const tmp = this.#tmpPath();
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(document));
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    const dir = join(path, '..');
    await mkdir(dir, { recursive: true });
    await rename(tmp, path);
    await this.#syncDir(dir);
  }

  async #syncDir(dir: string): Promise<void> {
    if (!this.#fsync) return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async saveBucket(bucket: StoredBucket): Promise<void> {
    await this.#writeDocument(join(this.#bucketDir(bucket.name), 'bucket.json'), bucket);
  }

  async deleteBucket(name: string): Promise<void> {
    await rm(this.#bucketDir(name), { recursive: true, force: true });
  }

  async saveObject(bucket: string, object: StoredObject): Promise<void> {
    await this.#writeDocument(this.#objectPath(bucket, object.key), object);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await rm(this.#objectPath(bucket, key), { force: true });
  }

  async saveUpload(bucket: string, upload: StoredUpload): Promise<void> {
    await this.#writeDocument(join(this.#uploadDir(bucket, upload.id), 'upload.json'), upload);
  }

  async savePart(bucket: string, uploadId: string, part: StoredPart): Promise<void> {
    await this.#writeDocument(join(this.#uploadDir(bucket, uploadId), `part-${part.number}.json`), part);
  }

  async deleteUpload(bucket: string, uploadId: string): Promise<void> {
    await rm(this.#uploadDir(bucket, uploadId), { recursive: true, force: true });
  }

  async load(): Promise<LoadedState> {
    await this.init();
    const state: LoadedState = { buckets: [], objects: new Map(), uploads: new Map() };
    const referenced = new Set<string>();
    for (const name of await readdir(join(this.#root, 'buckets'))) {
      const dir = this.#bucketDir(name);
      const bucket = await readJson<StoredBucket>(join(dir, 'bucket.json'));
      if (!bucket) continue;
      state.buckets.push(bucket);
      const objects: StoredObject[] = [];
      for (const file of await readdirOrEmpty(join(dir, 'objects'))) {
        const object = await readJson<StoredObject>(join(dir, 'objects', file));
        if (!object) continue;
        objects.push(object);
        for (const segment of object.segments) referenced.add(segment.blob);
      }
      state.objects.set(name, objects);
      const completed = new Set(objects.map((o) => o.completedUploadId).filter((id): id is string => id !== undefined));
      const uploads: Array<{ upload: StoredUpload; parts: StoredPart[] }> = [];
      for (const id of await readdirOrEmpty(join(dir, 'uploads'))) {
        // Completed before a crash but not yet removed: finish the removal now (its blobs belong to the object).
        if (completed.has(id)) {
          await this.deleteUpload(name, id);
          continue;
        }
        const upload = await readJson<StoredUpload>(join(dir, 'uploads', id, 'upload.json'));
        if (!upload) {
          await this.deleteUpload(name, id);
          continue;
        }
        const parts: StoredPart[] = [];
        for (const file of await readdirOrEmpty(join(dir, 'uploads', id))) {
          if (!file.startsWith('part-')) continue;
          const part = await readJson<StoredPart>(join(dir, 'uploads', id, file));
          if (part) {
            parts.push(part);
            referenced.add(part.blob);
          }
        }
        uploads.push({ upload, parts });
      }
      state.uploads.set(name, uploads);
    }
    // Blobs written before a crash but never referenced by a committed document.
    for (const blob of await readdirOrEmpty(join(this.#root, 'blobs'))) {
      if (!referenced.has(blob)) await this.deleteBlob(blob);
    }
    return state;
  }

  async close(): Promise<void> {}
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`corrupt store document ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
