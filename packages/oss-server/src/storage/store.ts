import { createHash, randomBytes } from 'node:crypto';
import { Crc64, crc64Combine } from '@hadoopfs/core';
import { Errors } from '../oss-error.js';
import { ServerClock } from './clock.js';
import { compareKeys, lowerBound } from './key-order.js';
import type {
  BlobWriter,
  Persistence,
  Segment,
  StoredBucket,
  StoredObject,
  StoredPart,
  StoredUpload,
} from './model.js';

/** OSS's minimum size for every part but the last at CompleteMultipartUpload. */
export const MIN_PART_SIZE = 100 * 1024;
export const MAX_PART_NUMBER = 10_000;
export const MAX_OBJECT_SIZE = 5 * 1024 ** 3;

interface BucketState {
  info: StoredBucket;
  objects: Map<string, StoredObject>;
  /** Keys in OSS order, for listings. */
  keys: string[];
  uploads: Map<string, { upload: StoredUpload; parts: Map<number, StoredPart> }>;
  /** Changes under way inside the bucket (DeleteBucket waits for them). */
  writers: number;
  drained?: (() => void) | undefined;
  /** A DeleteBucket under way (new changes wait for it, then find the bucket or not). */
  deleting?: Promise<void> | undefined;
}

/** What a request body produced: a committed blob and its digests. */
export interface WrittenBody {
  blob: string;
  size: number;
  md5: Buffer;
  crc64: bigint;
}

export interface PutOptions {
  contentType: string;
  userMeta: Record<string, string>;
  forbidOverwrite: boolean;
}

/**
 * OSS's semantics over a Persistence: buckets, objects (Normal, Appendable, Multipart), uploads. All
 * changes to one key are serialised, and a change is visible only once its document is saved.
 */
export class ObjectStore {
  readonly #persistence: Persistence;
  readonly #buckets = new Map<string, BucketState>();
  readonly #locks = new Map<string, Promise<void>>();
  // Blobs being read right now are deleted only when the last reader is done.
  readonly #readers = new Map<string, number>();
  readonly #doomed = new Set<string>();

  /**
   * Refuse a CompleteMultipartUpload that leaves out an uploaded part (InvalidPart), as Ceph's radosgw does
   * where OSS discards them: a test runs a store-neutral protocol against that behaviour here.
   */
  completeMustNameEveryPart = false;
  /** OSS's largest object (5 GiB); a test may lower it to see the limit without sending gigabytes. */
  maxObjectSize = MAX_OBJECT_SIZE;
  /** Every time the store records (Last-Modified, Initiated); a test may stop or move it. */
  readonly clock = new ServerClock();
  /** Makes upload ids of one millisecond sort in the order they were initiated. */
  #uploadCounter = 0;

  constructor(persistence: Persistence) {
    this.#persistence = persistence;
  }

  async load(): Promise<void> {
    const state = await this.#persistence.load();
    for (const info of state.buckets) {
      const bucket: BucketState = { info, objects: new Map(), keys: [], uploads: new Map(), writers: 0 };
      for (const object of state.objects.get(info.name) ?? []) bucket.objects.set(object.key, object);
      bucket.keys = [...bucket.objects.keys()].sort(compareKeys);
      for (const { upload, parts } of state.uploads.get(info.name) ?? []) {
        bucket.uploads.set(upload.id, { upload, parts: new Map(parts.map((p) => [p.number, p])) });
      }
      this.#buckets.set(info.name, bucket);
    }
  }

  // ---- buckets -----------------------------------------------------------------------------------

  listBuckets(): StoredBucket[] {
    return [...this.#buckets.values()].map((b) => b.info).sort((a, b) => compareKeys(a.name, b.name));
  }

  hasBucket(name: string): boolean {
    return this.#buckets.has(name);
  }

  bucketInfo(name: string): StoredBucket {
    return this.#bucket(name).info;
  }

  async createBucket(name: string): Promise<boolean> {
    if (this.#buckets.has(name)) return false;
    const info = { name, created: this.clock.now() };
    this.#buckets.set(name, { info, objects: new Map(), keys: [], uploads: new Map(), writers: 0 });
    await this.#persistence.saveBucket(info);
    return true;
  }

  /**
   * Serialised with every change inside the bucket: changes under way finish first (and are counted),
   * changes that arrive meanwhile wait and then find no bucket — none is answered 200 into a deleted one.
   */
  async deleteBucket(name: string): Promise<void> {
    let bucket = this.#bucket(name);
    while (bucket.deleting) {
      await bucket.deleting;
      bucket = this.#bucket(name);
    }
    let finished!: () => void;
    bucket.deleting = new Promise<void>((resolve) => (finished = resolve));
    try {
      while (bucket.writers > 0) await new Promise<void>((resolve) => (bucket.drained = resolve));
      if (bucket.objects.size > 0) throw Errors.bucketNotEmpty('objects');
      if (bucket.uploads.size > 0) throw Errors.bucketNotEmpty('incomplete multipart uploads');
      this.#buckets.delete(name);
      await this.#persistence.deleteBucket(name);
    } finally {
      bucket.deleting = undefined;
      finished();
    }
  }

  /** A change inside a bucket: after any DeleteBucket under way, and holding the bucket against the next. */
  async #inBucket<T>(name: string, body: (bucket: BucketState) => Promise<T>): Promise<T> {
    let bucket = this.#bucket(name);
    while (bucket.deleting) {
      await bucket.deleting;
      bucket = this.#bucket(name);
    }
    bucket.writers++;
    try {
      return await body(bucket);
    } finally {
      if (--bucket.writers === 0) {
        bucket.drained?.();
        bucket.drained = undefined;
      }
    }
  }

  #bucket(name: string): BucketState {
    const bucket = this.#buckets.get(name);
    if (!bucket) throw Errors.noSuchBucket(name);
    return bucket;
  }

  // ---- bodies ------------------------------------------------------------------------------------

  newBlob(expectedSize?: number): BlobWriter {
    return this.#persistence.newBlob(expectedSize);
  }

  /** Releases a blob written for a request that then failed. */
  async discardBlob(blob: string): Promise<void> {
    await this.#release(blob);
  }

  /** Streams bytes [start, end) of an object; its blobs stay readable until the stream is done. */
  async *read(object: StoredObject, start: number, end: number): AsyncIterable<Uint8Array> {
    const blobs = object.segments.map((s) => s.blob);
    for (const blob of blobs) this.#readers.set(blob, (this.#readers.get(blob) ?? 0) + 1);
    try {
      let offset = 0;
      for (const segment of object.segments) {
        const segStart = Math.max(start, offset);
        const segEnd = Math.min(end, offset + segment.size);
        if (segStart < segEnd) yield* this.#persistence.readBlob(segment.blob, segStart - offset, segEnd - offset);
        offset += segment.size;
        if (offset >= end) break;
      }
    } finally {
      for (const blob of blobs) {
        const n = (this.#readers.get(blob) ?? 1) - 1;
        if (n > 0) this.#readers.set(blob, n);
        else {
          this.#readers.delete(blob);
          if (this.#doomed.delete(blob)) await this.#persistence.deleteBlob(blob);
        }
      }
    }
  }

  async #release(blob: string): Promise<void> {
    if (this.#readers.has(blob)) this.#doomed.add(blob);
    else await this.#persistence.deleteBlob(blob);
  }

  async #releaseAll(segments: readonly Segment[]): Promise<void> {
    for (const s of segments) await this.#release(s.blob);
  }

  /** Serialises every change to one key (and to one upload), so that the last commit wins cleanly. */
  async #locked<T>(lockKey: string, body: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(lockKey) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => mine);
    this.#locks.set(lockKey, chained);
    await previous;
    try {
      return await body();
    } finally {
      release();
      if (this.#locks.get(lockKey) === chained) this.#locks.delete(lockKey);
    }
  }

  // ---- objects -----------------------------------------------------------------------------------

  getObject(bucket: string, key: string): StoredObject {
    const object = this.#bucket(bucket).objects.get(key);
    if (!object) throw Errors.noSuchKey();
    return object;
  }

  findObject(bucket: string, key: string): StoredObject | undefined {
    return this.#bucket(bucket).objects.get(key);
  }

  async putObject(bucket: string, key: string, body: WrittenBody, options: PutOptions): Promise<StoredObject> {
    const object: StoredObject = {
      key,
      size: body.size,
      etag: `"${body.md5.toString('hex').toUpperCase()}"`,
      crc64: body.crc64.toString(),
      lastModified: this.clock.now(),
      type: 'Normal',
      contentType: options.contentType,
      userMeta: options.userMeta,
      segments: body.size > 0 ? [{ blob: body.blob, size: body.size }] : [],
    };
    if (body.size === 0) await this.#release(body.blob);
    try {
      return await this.#commit(bucket, object, options.forbidOverwrite);
    } catch (error) {
      await this.#releaseAll(object.segments);
      throw error;
    }
  }

  async #commit(bucketName: string, object: StoredObject, forbidOverwrite: boolean): Promise<StoredObject> {
    return this.#inBucket(bucketName, (bucket) => this.#locked(`${bucketName}/${object.key}`, async () => {
      const previous = bucket.objects.get(object.key);
      // The caller owns object.segments until this returns: a refused commit leaves them to it.
      if (previous && forbidOverwrite) throw Errors.fileAlreadyExists();
      await this.#persistence.saveObject(bucketName, object);
      bucket.objects.set(object.key, object);
      if (!previous) bucket.keys.splice(lowerBound(bucket.keys, object.key), 0, object.key);
      if (previous) await this.#releaseAll(previous.segments);
      return object;
    }));
  }

  async deleteObject(bucketName: string, key: string): Promise<boolean> {
    return this.#inBucket(bucketName, (bucket) => this.#locked(`${bucketName}/${key}`, async () => {
      const previous = bucket.objects.get(key);
      if (!previous) return false;
      await this.#persistence.deleteObject(bucketName, key);
      bucket.objects.delete(key);
      const at = lowerBound(bucket.keys, key);
      if (bucket.keys[at] === key) bucket.keys.splice(at, 1);
      await this.#releaseAll(previous.segments);
      return true;
    }));
  }

  /**
   * AppendObject: `position` must equal the current length (0 creates an Appendable object); a Normal or
   * Multipart object cannot be appended to.
   */
  async appendObject(bucketName: string, key: string, position: number, body: WrittenBody, options: PutOptions): Promise<StoredObject> {
    return this.#inBucket(bucketName, (bucket) => this.#locked(`${bucketName}/${key}`, async () => {
      const previous = bucket.objects.get(key);
      const fail = async (error: Error) => {
        await this.#release(body.blob);
        return Promise.reject(error);
      };
      if (previous && previous.type !== 'Appendable') return fail(Errors.objectNotAppendable());
      const length = previous?.size ?? 0;
      if (position !== length) return fail(Errors.positionNotEqualToLength());
      if (length + body.size > this.maxObjectSize) return fail(Errors.entityTooLarge());
      const previousCrc = previous ? BigInt(previous.crc64) : 0n;
      const object: StoredObject = {
        key,
        size: length + body.size,
        // OSS's append ETag is not an MD5 of the content; ours chains the previous ETag with this body's MD5.
        etag: `"${createHash('md5')
          .update(previous?.etag ?? '')
          .update(body.md5)
          .digest('hex')
          .toUpperCase()}"`,
        crc64: (previous ? crc64Combine(previousCrc, body.crc64, body.size) : body.crc64).toString(),
        lastModified: this.clock.now(),
        type: 'Appendable',
        contentType: previous?.contentType ?? options.contentType,
        userMeta: previous?.userMeta ?? options.userMeta,
        segments: [...(previous?.segments ?? []), ...(body.size > 0 ? [{ blob: body.blob, size: body.size }] : [])],
      };
      if (body.size === 0) await this.#release(body.blob);
      await this.#persistence.saveObject(bucketName, object);
      bucket.objects.set(key, object);
      if (!previous) bucket.keys.splice(lowerBound(bucket.keys, key), 0, key);
      return object;
    }));
  }

  /** CopyObject: a new object with the source's bytes (copied, so that either can be deleted alone). */
  async copyObject(
    bucket: string,
    key: string,
    source: StoredObject,
    options: PutOptions & { replaceMetadata: boolean },
  ): Promise<StoredObject> {
    if (source.type === 'Appendable') throw Errors.invalidArgument('an appendable object cannot be the source of a copy');
    const segments: Segment[] = [];
    try {
      for (const segment of source.segments) {
        segments.push({ blob: await this.#persistence.copyBlobRange(segment.blob, 0, segment.size), size: segment.size });
      }
    } catch (error) {
      await this.#releaseAll(segments);
      throw error;
    }
    const object: StoredObject = {
      ...source,
      key,
      lastModified: this.clock.now(),
      contentType: options.replaceMetadata ? options.contentType : source.contentType,
      userMeta: options.replaceMetadata ? options.userMeta : source.userMeta,
      segments,
    };
    delete object.completedUploadId;
    try {
      return await this.#commit(bucket, object, options.forbidOverwrite);
    } catch (error) {
      await this.#releaseAll(segments);
      throw error;
    }
  }

  /** Keys ≥ (or > with `after`) `from` that start with `prefix`, in OSS order. */
  *keysFrom(bucketName: string, prefix: string, from: string, after: boolean): Generator<StoredObject> {
    const bucket = this.#bucket(bucketName);
    const start = compareKeys(from, prefix) > 0 ? lowerBound(bucket.keys, from, after) : lowerBound(bucket.keys, prefix);
    for (let i = start; i < bucket.keys.length; i++) {
      const key = bucket.keys[i]!;
      if (!key.startsWith(prefix)) {
        if (compareKeys(key, prefix) > 0) return;
        continue;
      }
      const object = bucket.objects.get(key);
      if (object) yield object;
    }
  }

  // ---- multipart ---------------------------------------------------------------------------------

  async initiateUpload(bucketName: string, key: string, options: Omit<PutOptions, 'forbidOverwrite'>): Promise<StoredUpload> {
    return this.#inBucket(bucketName, async (bucket) => {
      const initiated = this.clock.now();
      const upload: StoredUpload = {
        id: uploadIdFor(initiated, this.#uploadCounter++),
        key,
        initiated,
        contentType: options.contentType,
        userMeta: options.userMeta,
      };
      await this.#persistence.saveUpload(bucketName, upload);
      bucket.uploads.set(upload.id, { upload, parts: new Map() });
      return upload;
    });
  }

  getUpload(bucketName: string, key: string, uploadId: string): { upload: StoredUpload; parts: Map<number, StoredPart> } {
    const entry = this.#bucket(bucketName).uploads.get(uploadId);
    if (!entry || entry.upload.key !== key) throw Errors.noSuchUpload();
    return entry;
  }

  /** UploadPart and UploadPartCopy: a re-uploaded number replaces the earlier part. */
  async putPart(bucketName: string, key: string, uploadId: string, number: number, body: WrittenBody): Promise<StoredPart> {
    return this.#inBucket(bucketName, () => this.#locked(`upload/${uploadId}`, async () => {
      let entry;
      try {
        entry = this.getUpload(bucketName, key, uploadId);
      } catch (error) {
        await this.#release(body.blob);
        throw error;
      }
      const part: StoredPart = {
        number,
        etag: `"${body.md5.toString('hex').toUpperCase()}"`,
        size: body.size,
        crc64: body.crc64.toString(),
        blob: body.blob,
        lastModified: this.clock.now(),
      };
      await this.#persistence.savePart(bucketName, uploadId, part);
      const previous = entry.parts.get(number);
      entry.parts.set(number, part);
      if (previous) await this.#release(previous.blob);
      return part;
    }));
  }

  async copyPartFrom(source: StoredObject, start: number, end: number): Promise<WrittenBody> {
    if (source.type === 'Appendable') throw Errors.invalidArgument('an appendable object cannot be the source of UploadPartCopy');
    const writer = this.#persistence.newBlob();
    const md5 = createHash('md5');
    const crc = new Crc64();
    let size = 0;
    try {
      for await (const chunk of this.read(source, start, end)) {
        md5.update(chunk);
        crc.update(chunk);
        size += chunk.byteLength;
        await writer.write(chunk);
      }
      return { blob: await writer.commit(), size, md5: md5.digest(), crc64: crc.value() };
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /**
   * CompleteMultipartUpload with exactly `selection` (ascending numbers, matching ETags, every part but
   * the last ≥ 100 KB). Parts not selected are discarded. The upload is gone afterwards.
   */
  async completeUpload(
    bucketName: string,
    key: string,
    uploadId: string,
    selection: Array<{ number: number; etag: string }> | 'all',
    forbidOverwrite: boolean,
  ): Promise<StoredObject> {
    return this.#inBucket(bucketName, () => this.#locked(`upload/${uploadId}`, async () => {
      const entry = this.getUpload(bucketName, key, uploadId);
      const chosen: StoredPart[] = [];
      if (selection === 'all') {
        chosen.push(...[...entry.parts.values()].sort((a, b) => a.number - b.number));
      } else {
        let last = 0;
        for (const { number, etag } of selection) {
          if (number <= last) throw Errors.invalidPartOrder();
          last = number;
          const part = entry.parts.get(number);
          if (!part || normaliseEtag(part.etag) !== normaliseEtag(etag)) throw Errors.invalidPart();
          chosen.push(part);
        }
        if (this.completeMustNameEveryPart && chosen.length < entry.parts.size) throw Errors.invalidPart();
      }
      if (chosen.length === 0) throw Errors.malformedXml('CompleteMultipartUpload needs at least one part');
      for (let i = 0; i < chosen.length - 1; i++) if (chosen[i]!.size < MIN_PART_SIZE) throw Errors.entityTooSmall();
      const size = chosen.reduce((n, p) => n + p.size, 0);
      let crc = BigInt(chosen[0]!.crc64);
      for (let i = 1; i < chosen.length; i++) crc = crc64Combine(crc, BigInt(chosen[i]!.crc64), chosen[i]!.size);
      const etagDigest = createHash('md5');
      for (const p of chosen) etagDigest.update(Buffer.from(normaliseEtag(p.etag), 'hex'));
      const object: StoredObject = {
        key,
        size,
        etag: `"${etagDigest.digest('hex').toUpperCase()}-${chosen.length}"`,
        crc64: crc.toString(),
        lastModified: this.clock.now(),
        type: 'Multipart',
        contentType: entry.upload.contentType,
        userMeta: entry.upload.userMeta,
        segments: chosen.filter((p) => p.size > 0).map((p) => ({ blob: p.blob, size: p.size })),
        completedUploadId: uploadId,
      };
      const committed = await this.#commit(bucketName, object, forbidOverwrite);
      const bucket = this.#bucket(bucketName);
      bucket.uploads.delete(uploadId);
      await this.#persistence.deleteUpload(bucketName, uploadId);
      const kept = new Set(committed.segments.map((s) => s.blob));
      for (const part of entry.parts.values()) if (!kept.has(part.blob)) await this.#release(part.blob);
      return committed;
    }));
  }

  async abortUpload(bucketName: string, key: string, uploadId: string): Promise<void> {
    await this.#inBucket(bucketName, () => this.#locked(`upload/${uploadId}`, async () => {
      const entry = this.getUpload(bucketName, key, uploadId);
      this.#bucket(bucketName).uploads.delete(uploadId);
      await this.#persistence.deleteUpload(bucketName, uploadId);
      for (const part of entry.parts.values()) await this.#release(part.blob);
    }));
  }

  /**
   * Uploads in (key, upload id) order, as ListMultipartUploads pages them (upload-id-marker is "ids
   * greater than"): an id begins with its initiation time, so within a key this is also OSS's order of
   * initiation. (Sorting by time but paging by id lost uploads of one key past the first page.)
   */
  listUploads(bucketName: string, prefix: string): StoredUpload[] {
    return [...this.#bucket(bucketName).uploads.values()]
      .map((e) => e.upload)
      .filter((u) => u.key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.key, b.key) || compareKeys(a.id, b.id));
  }

  async close(): Promise<void> {
    await this.#persistence.close();
  }
}

/** 32 upper-case hex digits, like OSS's: the initiation time, a counter, then randomness. */
function uploadIdFor(initiated: number, counter: number): string {
  const time = Math.max(0, Math.floor(initiated)).toString(16).padStart(12, '0').slice(-12);
  const count = (counter % 0x10000).toString(16).padStart(4, '0');
  return `${time}${count}${randomBytes(8).toString('hex')}`.toUpperCase();
}

export function normaliseEtag(etag: string): string {
  return etag.replace(/^"|"$/g, '').toUpperCase();
}
