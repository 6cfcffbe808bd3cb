import { createHash } from 'node:crypto';
import {
  abortErrorFor,
  ChecksumError,
  ClosedError,
  crc64,
  crc64Concat,
  currentSignal,
  pause,
  StoreStatisticNames,
  throwIfAborted,
  withoutSignal,
  type IOStatisticsStore,
  type RequestEvent,
  type RequestListeners,
} from '@hadoopfs/core';
import type { StoreCapabilities } from './capabilities.js';
import type { CompletedPart, ListPage, ObjectInfo, ObjectStore, PartBody, PartInfo, RangeResponse, UploadInfo, Written } from './object-store.js';
import { storeFailureOf, withStoreFacts } from './store-errors.js';

/** Attempts for an endpoint that cannot be reached: enough for a server restarting, short for a typo. */
const UNREACHABLE_ATTEMPTS = 3;

/** How a StoreClient retries, and whether it checks the store's checksums. */
export interface StoreClientSettings {
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Uploads and whole reads are checked against the store's checksum (where capabilities.checksum names one). */
  checksums: boolean;
}

/** Each request under the name Hadoop's object stores count it by (StoreStatisticNames). */
const REQUEST_STATISTICS: Readonly<Record<string, string>> = {
  HeadObject: StoreStatisticNames.ACTION_HTTP_HEAD_REQUEST,
  GetObject: StoreStatisticNames.ACTION_HTTP_GET_REQUEST,
  PutObject: StoreStatisticNames.OBJECT_PUT_REQUEST,
  DeleteObject: StoreStatisticNames.OBJECT_DELETE_REQUEST,
  DeleteMultipleObjects: StoreStatisticNames.OBJECT_BULK_DELETE_REQUEST,
  ListObjectsV2: StoreStatisticNames.OBJECT_LIST_REQUEST,
  CopyObject: StoreStatisticNames.OBJECT_COPY_REQUESTS,
  UploadPartCopy: StoreStatisticNames.OBJECT_COPY_REQUESTS,
  InitiateMultipartUpload: StoreStatisticNames.OBJECT_MULTIPART_UPLOAD_INITIATED,
  UploadPart: StoreStatisticNames.MULTIPART_UPLOAD_PART_PUT,
  CompleteMultipartUpload: StoreStatisticNames.MULTIPART_UPLOAD_COMPLETED,
  AbortMultipartUpload: StoreStatisticNames.OBJECT_MULTIPART_UPLOAD_ABORTED,
  ListMultipartUploads: StoreStatisticNames.MULTIPART_UPLOAD_LIST,
};

/** What a request's body sizes are, for its events: known before (an upload) or from the answer (a GET). */
interface BodySizes<T> {
  sent?: number;
  received?: (result: T) => number | undefined;
}

const CHECKSUM_NAMES: Record<NonNullable<StoreCapabilities['checksum']>, string> = { 'crc64-xz': 'CRC-64' };

/** Raised inside an attempt when the store's checksum differs from ours: the bytes changed on the wire; worth another attempt. */
function checksumMismatch(what: string, capabilities: StoreCapabilities, ours: string, theirs: string): Error {
  const error = new ChecksumError(`${what}: ${capabilities.store} computed ${CHECKSUM_NAMES[capabilities.checksum!]} ${theirs} for the bytes it received, ours is ${ours} (corrupted on the way)`, {});
  return withStoreFacts(error, { storeCode: 'ChecksumMismatch', status: 200, requestId: undefined }, { retryable: true, unanswered: false, unreachable: undefined });
}

/** A single PUT's ETag on a store whose ETags are MD5s. */
function md5Etag(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/** S3's ETag of a multipart object: the MD5 of its parts' MD5s, then `-` and their count; undefined unless every part's ETag is an MD5. */
export function multipartEtag(parts: ReadonlyArray<CompletedPart>): string | undefined {
  const digests = parts.map((p) => p.etag.replace(/"/g, '').toLowerCase());
  if (digests.length === 0 || !digests.every((d) => /^[0-9a-f]{32}$/.test(d))) return undefined;
  return `${createHash('md5').update(Buffer.concat(digests.map((d) => Buffer.from(d, 'hex')))).digest('hex')}-${digests.length}`;
}

export function sameEtag(a: string, b: string): boolean {
  return a.replace(/"/g, '').toLowerCase() === b.replace(/"/g, '').toLowerCase();
}

/** Undefined for a store's "not found" (no such key, no such upload), which the request events still show as a failed request. */
async function orMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The requests the object-store FileSystem and durable flush make, over any ObjectStore: each one retried
 * with exponential backoff and jitter where that is safe (idempotent requests, or a refusal that proves
 * nothing was applied), checked against the store's checksum where it has one, counted under Hadoop's
 * statistic names and told to request listeners. An answer lost after the store applied a create-only
 * write or a Complete is recognised by the object it produced.
 */
export class StoreClient {
  readonly #store: ObjectStore;
  readonly #settings: StoreClientSettings;
  #closed = false;
  /** Called once per request, retries included (tests and benchmarks count requests). */
  onRequest: ((api: string) => void) | undefined;
  /** Where each request is counted and timed under Hadoop's store statistic names (the filesystem's). */
  statistics: IOStatisticsStore | undefined;
  /** Told of every attempt (the filesystem's addRequestListener). */
  listeners: RequestListeners | undefined;

  constructor(store: ObjectStore, settings: StoreClientSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  get capabilities(): StoreCapabilities {
    return this.#store.capabilities;
  }

  get bucket(): string {
    return this.#store.bucket;
  }

  /** `scheme://bucket`: how messages name this store's keys. */
  get uri(): string {
    return this.#store.uri;
  }

  /** Whether uploads and whole reads are checked against the store's checksum. */
  get checksums(): boolean {
    return this.#settings.checksums && this.#store.capabilities.checksum !== undefined;
  }

  /** The store's checksum of `bytes`, computed here, when checksums are on. */
  checksumOf(bytes: Uint8Array): string | undefined {
    return this.checksums ? crc64(bytes).toString() : undefined;
  }

  /** The checksum of parts end to end, from theirs, when every part has one. */
  combinedChecksum(parts: ReadonlyArray<{ checksum?: string | undefined; size?: number | undefined }>): string | undefined {
    if (!parts.every((p) => p.checksum !== undefined && p.size !== undefined)) return undefined;
    return crc64Concat(parts.map((p) => ({ crc64: p.checksum!, size: p.size! }))).toString();
  }

  display(key: string): string {
    return `${this.#store.uri}/${key}`;
  }

  /**
   * Runs `call` with retries. `idempotent`: a repeat cannot change the outcome, so failures with no answer
   * retry too. `sizes`: the body bytes sent and received, for the request events. Under a call's
   * AbortSignal an attempt in flight is cut when it fires, and nothing more is sent: AbortError.
   */
  async #call<T>(api: string, path: string, idempotent: boolean, call: () => Promise<T>, sizes: BodySizes<T> = {}): Promise<T> {
    const { maxAttempts, retryBaseDelayMs, retryMaxDelayMs } = this.#settings;
    for (let attempt = 1; ; attempt++) {
      // A closed client sends nothing more, not even the retry of a call it started before.
      if (this.#closed) throw new ClosedError(`${api} ${path}: the store client was closed`, { path });
      throwIfAborted(`${api} ${path}`, path);
      this.onRequest?.(api);
      const statistics = this.statistics;
      statistics?.incrementCounter(StoreStatisticNames.STORE_IO_REQUEST);
      const started = performance.now();
      const tell = (outcome: RequestEvent['outcome'], error?: unknown, answered?: number) => {
        if (!this.listeners?.size) return;
        const facts = error as { status?: unknown; storeCode?: unknown; code?: unknown } | undefined;
        const code = facts?.storeCode ?? facts?.code;
        this.listeners.emit({
          operation: api,
          path,
          attempt,
          durationMs: Math.round(performance.now() - started),
          outcome,
          ...(typeof facts?.status === 'number' ? { status: facts.status } : {}),
          ...(typeof code === 'string' ? { code } : {}),
          ...(sizes.sent !== undefined ? { bytesSent: sizes.sent } : {}),
          ...(answered !== undefined ? { bytesReceived: answered } : {}),
        });
      };
      try {
        const result = statistics ? await statistics.trackDuration(REQUEST_STATISTICS[api] ?? api, call) : await call();
        tell('ok', undefined, sizes.received?.(result));
        return result;
      } catch (error) {
        const signal = currentSignal();
        if (signal?.aborted) {
          tell('failed', { code: 'ABORT_ERR' });
          throw abortErrorFor(signal, `${api} ${path}`, path);
        }
        const failure = storeFailureOf(error);
        const limit = failure.unreachable !== undefined ? Math.min(maxAttempts, UNREACHABLE_ATTEMPTS) : maxAttempts;
        const retry = attempt < limit && failure.retryable && (idempotent || !failure.unanswered || failure.unreachable !== undefined);
        const status = (error as { status?: unknown }).status;
        if (status === 503 || status === 429) statistics?.incrementCounter(StoreStatisticNames.STORE_IO_THROTTLED);
        tell(retry ? 'retried' : 'failed', error);
        if (!retry) throw error;
        statistics?.incrementCounter(StoreStatisticNames.STORE_IO_RETRY);
        const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempt - 1));
        await pause(ceiling / 2 + Math.random() * (ceiling / 2), `${api} ${path}`, path);
      }
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return orMissing(this.#call('HeadObject', this.display(key), true, () => this.#store.head(key)));
  }

  /** Bytes [start, end) as a stream, with the object's ETag and checksum from the answer; with `etag`, only of that version. */
  async getRange(key: string, start: number, end: number, etag?: string): Promise<RangeResponse> {
    return this.#call('GetObject', this.display(key), true, () => this.#store.getRange(key, start, end, etag ? { ifMatch: etag } : {}), { received: (r) => r.length });
  }

  /** A whole (small) object in memory, or undefined if there is none. */
  async getBytes(key: string): Promise<Buffer | undefined> {
    return orMissing(this.#call('GetObject', this.display(key), true, () => this.#store.getBytes(key), { received: (b) => b.length }));
  }

  /**
   * The parts of an incomplete upload numbered above `after` (all by default, paged), or undefined once the
   * upload was completed or aborted. `limit` stops after one page of at most that many parts.
   */
  async listParts(key: string, uploadId: string, options: { after?: number; limit?: number } = {}): Promise<PartInfo[] | undefined> {
    const parts: PartInfo[] = [];
    let after = options.after;
    for (;;) {
      const page = await orMissing(
        this.#call('ListParts', this.display(key), true, () => this.#store.listParts(key, uploadId, { ...(after !== undefined ? { after } : {}), limit: options.limit ?? 1000 })),
      );
      if (page === undefined) return undefined;
      parts.push(...page.parts);
      if (options.limit !== undefined || page.next === undefined) return parts;
      after = page.next;
    }
  }

  async put(key: string, body: Buffer, options: { forbidOverwrite?: boolean } = {}): Promise<string> {
    return (await this.putWithChecksum(key, body, options)).etag;
  }

  /**
   * PutObject, answering the ETag and the checksum (ours, checked against the store's when checksums are
   * on: a mismatch is sent again). A create-only PUT is retried too, and a refusal after an attempt with no
   * clear answer is checked: an object of our length and checksum is the one that attempt wrote.
   */
  async putWithChecksum(key: string, body: Buffer, options: { forbidOverwrite?: boolean } = {}): Promise<Written> {
    const createOnly = options.forbidOverwrite === true;
    const ours = this.checksumOf(body);
    let unclear = false;
    try {
      return await this.#call('PutObject', this.display(key), true, async () => {
        let written: Written;
        try {
          written = await this.#store.put(key, body, { createOnly });
        } catch (error) {
          if (storeFailureOf(error).retryable) unclear = true;
          throw error;
        }
        if (ours !== undefined && written.checksum !== undefined && written.checksum !== ours) {
          // The corrupted object is ours: removed while it still is, so that a last failed attempt leaves
          // none behind (and a create-only retry is not blocked by it).
          await this.deleteIfUnchanged(key, written.etag);
          throw checksumMismatch(`PutObject ${this.display(key)}`, this.capabilities, ours, written.checksum);
        }
        return { etag: written.etag, checksum: ours ?? written.checksum };
      }, { sent: body.length });
    } catch (error) {
      if (createOnly && unclear && (error as { code?: string }).code === 'EEXIST') {
        const found = await this.#outcome(key, { size: body.length, checksum: this.capabilities.checksum ? (ours ?? crc64(body).toString()) : undefined, etag: this.capabilities.etagIsMd5 ? md5Etag(body) : undefined });
        if (found) return found;
      }
      throw error;
    }
  }

  /**
   * The object at `key` if it is the one a request whose answer was lost wrote: of this length, and of
   * this checksum (a store that keeps one) or else of this ETag (a store whose ETags are MD5s).
   */
  async #outcome(key: string, expected: { size: number | undefined; checksum: string | undefined; etag: string | undefined }): Promise<Written | undefined> {
    if (expected.checksum === undefined && expected.etag === undefined) return undefined;
    const head = await this.head(key);
    if (!head || (expected.size !== undefined && head.size !== expected.size)) return undefined;
    if (expected.checksum !== undefined) return head.checksum === expected.checksum ? { etag: head.etag, checksum: expected.checksum } : undefined;
    return sameEtag(head.etag, expected.etag!) ? { etag: head.etag } : undefined;
  }

  /**
   * Deletes the object only while it is still the version `etag` (no store here has a conditional delete: a
   * HEAD first narrows, not closes, the window). True if it was deleted.
   */
  async deleteIfUnchanged(key: string, etag: string): Promise<boolean> {
    const head = await this.head(key).catch(() => undefined);
    if (!head || head.etag !== etag) return false;
    await this.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.#call('DeleteObject', this.display(key), true, () => this.#store.delete(key));
  }

  /** Batch deletes of at most the store's batch size, quietly. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    const batchMax = this.#store.capabilities.deleteBatchMax;
    for (let i = 0; i < keys.length; i += batchMax) {
      const batch = keys.slice(i, i + batchMax);
      await this.#call('DeleteMultipleObjects', this.display(batch[0]!), true, () => this.#store.deleteBatch(batch));
    }
  }

  async list(prefix: string, options: { delimiter?: string; token?: string; maxKeys: number }): Promise<ListPage> {
    return this.#call('ListObjectsV2', this.display(prefix), true, () => this.#store.list(prefix, options));
  }

  /** CopyObject, answering the copy's ETag; `forbidOverwrite`: create-only (FileAlreadyExists if the target exists). */
  async copy(fromKey: string, toKey: string, options: { forbidOverwrite?: boolean } = {}): Promise<string> {
    return (await this.#call('CopyObject', this.display(toKey), true, () => this.#store.copy(fromKey, toKey, { createOnly: options.forbidOverwrite === true }))).etag;
  }

  /**
   * InitiateMultipartUpload; `meta` (plain names) becomes the completed object's metadata. Retried like an
   * idempotent call: a repeat can only leave an extra empty upload, which nothing names and purge removes,
   * while giving up would fail the stream.
   */
  async initUpload(key: string, meta: Record<string, string> = {}): Promise<string> {
    return this.#call('InitiateMultipartUpload', this.display(key), true, () => this.#store.initUpload(key, { meta }));
  }

  /** UploadPart, answering the part's ETag and checksum (ours, checked against the store's when checksums are on). */
  async uploadPartWithChecksum(key: string, uploadId: string, partNumber: number, body: PartBody, checksum?: string | Promise<string>): Promise<Written> {
    // A checksum still being computed (off the thread) is awaited when the answer is checked: the part
    // travels meanwhile.
    if (checksum instanceof Promise) checksum.catch(() => undefined);
    const computing = this.checksums ? (checksum ?? (Buffer.isBuffer(body) ? crc64(body).toString() : undefined)) : undefined;
    return this.#call('UploadPart', this.display(key), true, async () => {
      const written = await this.#store.uploadPart(key, uploadId, partNumber, body);
      const ours = await computing;
      // Sent again under the same number: the retry replaces the corrupted part.
      if (ours !== undefined && written.checksum !== undefined && written.checksum !== ours) throw checksumMismatch(`UploadPart ${partNumber} of ${this.display(key)}`, this.capabilities, ours, written.checksum);
      return { etag: written.etag, checksum: ours ?? written.checksum };
    }, { sent: Buffer.isBuffer(body) ? body.length : body.size });
  }

  /**
   * UploadPartCopy of bytes [start, end) of `fromKey`; with `sourceEtag`, only from that version (else
   * RemoteFileChangedError). Answers the part's ETag and, where the store sends it, its checksum.
   */
  async uploadPartCopy(key: string, uploadId: string, partNumber: number, fromKey: string, start: number, end: number, sourceEtag?: string): Promise<Written> {
    return this.#call('UploadPartCopy', this.display(key), true, () => this.#store.uploadPartCopy(key, uploadId, partNumber, fromKey, start, end, sourceEtag ? { ifMatch: sourceEtag } : {}));
  }

  /**
   * CompleteMultipartUpload, answering the object's ETag and checksum. With every part's size and checksum
   * known, the store's checksum of the object is checked against theirs combined (ChecksumError if it
   * differs), and an attempt with no clear answer is retried: a missing upload or FileAlreadyExists after
   * it is checked against the object, and an object of our length and checksum is what the lost attempt
   * completed.
   */
  complete(key: string, uploadId: string, parts: ReadonlyArray<CompletedPart>, options: { forbidOverwrite?: boolean } = {}): Promise<Written> {
    // A commit: not begun once the call's signal fired, never cut once begun (an AbortError must mean
    // that nothing was committed, and a cut Complete may have been applied).
    throwIfAborted(`CompleteMultipartUpload ${this.display(key)}`, this.display(key));
    return withoutSignal(() => this.#complete(key, uploadId, parts, options));
  }

  async #complete(key: string, uploadId: string, parts: ReadonlyArray<CompletedPart>, options: { forbidOverwrite?: boolean }): Promise<Written> {
    const expected = this.combinedChecksum(parts);
    const size = parts.every((p) => p.size !== undefined) ? parts.reduce((n, p) => n + p.size!, 0) : undefined;
    const etag = this.capabilities.etagIsMd5 ? multipartEtag(parts) : undefined;
    // Retried only where a lost answer can be recognised afterwards (by checksum or ETag).
    const recognisable = (expected !== undefined && size !== undefined) || etag !== undefined;
    let unclear = false;
    let result: Written;
    try {
      result = await this.#call('CompleteMultipartUpload', this.display(key), recognisable, async () => {
        try {
          return await this.#store.complete(key, uploadId, parts, { createOnly: options.forbidOverwrite === true });
        } catch (error) {
          if (storeFailureOf(error).retryable) unclear = true;
          throw error;
        }
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (unclear && recognisable && (code === 'ENOENT' || code === 'EEXIST')) {
        const found = await this.#outcome(key, { size, checksum: expected, etag });
        if (found) return found;
      }
      throw error;
    }
    if (this.checksums && expected !== undefined && result.checksum !== undefined && result.checksum !== expected) {
      throw new ChecksumError(`CompleteMultipartUpload ${this.display(key)}: the object's ${CHECKSUM_NAMES[this.capabilities.checksum!]} ${result.checksum} differs from its parts' ${expected}: the object is corrupt`, {
        path: this.display(key),
      });
    }
    return result;
  }

  /** Clean-up: runs to the end even under a signal that fired (it is often what the abort asked for). */
  async abort(key: string, uploadId: string): Promise<void> {
    await withoutSignal(async () => {
      try {
        await this.#call('AbortMultipartUpload', this.display(key), true, () => this.#store.abortUpload(key, uploadId));
      } catch (error) {
        // Already gone (aborted by a retry whose answer was lost, or completed): nothing is left behind.
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
      }
    });
  }

  /** Every incomplete upload under a prefix, paged, with the store's clock at the first answer. */
  async listUploads(prefix: string): Promise<{ uploads: UploadInfo[]; serverTime: number }> {
    const uploads: UploadInfo[] = [];
    let serverTime: number | undefined;
    let marker: { keyMarker: string; uploadIdMarker: string } | undefined;
    for (;;) {
      const page = await this.#call('ListMultipartUploads', this.display(prefix), true, () => this.#store.listUploads(prefix, marker ?? {}));
      serverTime ??= page.serverTime;
      uploads.push(...page.uploads);
      if (page.next === undefined) return { uploads, serverTime };
      marker = page.next;
    }
  }

  close(): void {
    this.#closed = true;
    this.#store.close();
  }
}
