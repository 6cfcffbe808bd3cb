import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import OSS from 'ali-oss';
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
import { cancelRequestsOnAbort } from './cancel-on-abort.js';
import { watchIdleSockets } from './idle-sockets.js';
import { isNetworkError, isRetryable, translateOssError, unreachableCode } from './oss-errors.js';
import type { OssSettings } from './settings.js';
import type { PartBody } from './upload-buffers.js';

/** The longest timer Node accepts: urllib's whole-request deadline, set out of reach (idle sockets are watched instead). */
const NO_DEADLINE = 2 ** 31 - 1;

/** Attempts for an endpoint that cannot be reached: enough for a server restarting, short for a typo. */
const UNREACHABLE_ATTEMPTS = 3;

/** A part, complete with what an outcome check and the object's CRC-64 need. */
export interface CompletedPart {
  number: number;
  etag: string;
  size?: number;
  /** The part's CRC-64 (decimal), as computed locally or answered by OSS. */
  crc64?: string | undefined;
}

/** Raised inside an attempt when OSS's CRC-64 differs from ours: the bytes changed on the wire; worth another attempt. */
function crcMismatch(what: string, ours: string, theirs: string, requestId: string | undefined): Error {
  return Object.assign(new Error(`${what}: OSS computed CRC-64 ${theirs} for the bytes it received, ours is ${ours} (corrupted on the way)`), {
    name: 'Crc64Mismatch',
    code: 'Crc64Mismatch',
    status: 200,
    requestId,
  });
}

function headersOf(result: { res: { headers: unknown } }): Record<string, string> {
  return result.res.headers as Record<string, string>;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: number;
  etag: string;
  type: string;
  /** `x-oss-hash-crc64ecma` (HEAD only). */
  crc64?: string | undefined;
  /** User metadata, `x-oss-meta-*` header names in lower case (HEAD only). */
  meta?: Record<string, string>;
}

export interface ListPage {
  objects: ObjectInfo[];
  prefixes: string[];
  nextToken: string | undefined;
  /** The server's clock when it answered (its Date header, ms): ages compared with lastModified use one clock. */
  serverTime: number;
}

export interface UploadInfo {
  key: string;
  uploadId: string;
  /** When OSS initiated it (ms, OSS's clock). */
  initiated: number;
}

export interface PartInfo {
  number: number;
  etag: string;
  size: number;
  lastModified: number;
}

/** Each OSS API under the name Hadoop's object stores count it by (StoreStatisticNames). */
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

export interface RequestCounter {
  (api: string): void;
}

/**
 * The OSS calls the backend makes, typed, over the real ali-oss client: each one retried with exponential
 * backoff and jitter where that is safe (idempotent requests, or a refusal that proves nothing was
 * applied), and every failure turned into a hadoopfs error naming the OSS code and request id.
 */
export interface RangeResponse {
  stream: Readable;
  etag: string | undefined;
  crc64: string | undefined;
  /** The answer's Content-Length: the bytes the stream will give. */
  length?: number;
}

export class OssClient {
  readonly #oss: OSS;
  readonly #settings: OssSettings;
  readonly #agent: Agent;
  #closed = false;
  /** Called once per HTTP request, retries included (tests and benchmarks count requests). */
  onRequest: RequestCounter | undefined;
  /** Where each request is counted and timed under Hadoop's store statistic names (the filesystem's). */
  statistics: IOStatisticsStore | undefined;
  /** Told of every attempt (the filesystem's addRequestListener). */
  listeners: RequestListeners | undefined;

  constructor(settings: OssSettings) {
    this.#settings = settings;
    const secure = settings.endpoint.startsWith('https:');
    const agentOptions = { keepAlive: true, maxSockets: settings.maxConnections };
    this.#agent = secure ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
    watchIdleSockets(this.#agent, settings.socketTimeoutMs);
    cancelRequestsOnAbort(this.#agent);
    this.#oss = new OSS({
      endpoint: settings.endpoint,
      region: settings.region,
      // Placeholders: every attempt signs with the chain's credentials of the moment (#signWith).
      accessKeyId: 'unset',
      accessKeySecret: 'unset',
      bucket: settings.bucket,
      secure,
      ...(settings.pathStyle ? { sldEnable: true } : {}),
      ...(secure ? { httpsAgent: this.#agent } : { agent: this.#agent }),
      retryMax: 0,
    });
    // A connect timeout, and no deadline on a whole request: a 6 MiB part over a slow link must not fail
    // for taking long, only for stalling (the idle watch). ali-oss takes no pair at construction.
    (this.#oss as unknown as { options: { timeout: unknown } }).options.timeout = [settings.connectTimeoutMs, NO_DEADLINE];
  }

  /** Whether uploads and whole reads are checked with CRC-64 (fs.oss.checksum.crc64.enable). */
  get checksums(): boolean {
    return this.#settings.checksums;
  }

  get bucket(): string {
    return this.#settings.bucket;
  }

  /**
   * Runs `call` with retries. `idempotent`: a repeat cannot change the outcome, so ambiguous failures retry
   * too. `sizes`: the body bytes sent and received, for the request events. Under a call's AbortSignal
   * an attempt in flight is cut when it fires (cancel-on-abort), and nothing more is sent: AbortError.
   */
  async #call<T>(api: string, path: string, idempotent: boolean, call: () => Promise<T>, sizes: BodySizes<T> = {}): Promise<T> {
    const { maxAttempts, retryBaseDelayMs, retryMaxDelayMs } = this.#settings;
    for (let attempt = 1; ; attempt++) {
      // A closed client sends nothing more, not even the retry of a call it started before.
      if (this.#closed) throw new ClosedError(`${api} ${path}: the OSS client was closed`, { path });
      throwIfAborted(`${api} ${path}`, path);
      // Outside the try: a credentials failure is a configuration error, not a failure to retry.
      await this.#signWith();
      this.onRequest?.(api);
      const statistics = this.statistics;
      statistics?.incrementCounter(StoreStatisticNames.STORE_IO_REQUEST);
      const started = performance.now();
      const tell = (outcome: RequestEvent['outcome'], error?: unknown, answered?: number) => {
        if (!this.listeners?.size) return;
        const facts = error as { status?: unknown; code?: unknown } | undefined;
        this.listeners.emit({
          operation: api,
          path,
          attempt,
          durationMs: Math.round(performance.now() - started),
          outcome,
          ...(typeof facts?.status === 'number' ? { status: facts.status } : {}),
          ...(typeof facts?.code === 'string' ? { code: facts.code } : {}),
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
        const limit = unreachableCode(error) ? Math.min(maxAttempts, UNREACHABLE_ATTEMPTS) : maxAttempts;
        const retry = attempt < limit && isRetryable(error) && (idempotent || !isNetworkError(error) || unreachableCode(error) !== undefined);
        const status = (error as { status?: unknown }).status;
        if (status === 503 || status === 429) statistics?.incrementCounter(StoreStatisticNames.STORE_IO_THROTTLED);
        tell(retry ? 'retried' : 'failed', error);
        if (!retry) throw translateOssError(error, api, path, this.#settings.endpoint);
        statistics?.incrementCounter(StoreStatisticNames.STORE_IO_RETRY);
        const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempt - 1));
        await pause(ceiling / 2 + Math.random() * (ceiling / 2), `${api} ${path}`, path);
      }
    }
  }

  /** Puts the credentials of the moment (refreshed by the chain before they expire) into ali-oss. */
  async #signWith(): Promise<void> {
    const credentials = await this.#settings.credentials.get();
    const options = (this.#oss as unknown as { options: Record<string, unknown> }).options;
    options['accessKeyId'] = credentials.accessKeyId;
    options['accessKeySecret'] = credentials.accessKeySecret;
    options['stsToken'] = credentials.securityToken;
  }

  #display(key: string): string {
    return `oss://${this.#settings.bucket}/${key}`;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      return await this.#call('HeadObject', this.#display(key), true, async () => {
        const result = await this.#oss.head(key);
        const h = result.res.headers as Record<string, string>;
        const meta: Record<string, string> = {};
        for (const [name, value] of Object.entries(h)) if (name.startsWith('x-oss-meta-')) meta[name] = value;
        return {
          key,
          size: Number(h['content-length']),
          lastModified: Date.parse(h['last-modified'] ?? '') || 0,
          etag: h['etag'] ?? '',
          type: h['x-oss-object-type'] ?? 'Normal',
          crc64: h['x-oss-hash-crc64ecma'],
          meta,
        };
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Bytes [start, end) as a stream; with `etag`, only of that version (If-Match: else RemoteFileChangedError). */
  /** Bytes [start, end) as a stream, with the object's ETag and CRC-64 from the response (a reader that skipped HEAD learns them here). */
  async getRange(key: string, start: number, end: number, etag?: string): Promise<RangeResponse> {
    return this.#call('GetObject', this.#display(key), true, async () => {
      // Standard range behaviour: without it OSS answers a range reaching past the end with the whole object.
      const result = await this.#oss.getStream(key, {
        headers: { Range: `bytes=${start}-${end - 1}`, 'x-oss-range-behavior': 'standard', ...(etag ? { 'If-Match': etag } : {}) },
      });
      const headers = ((result as { res?: { headers?: Record<string, string | undefined> } }).res?.headers ?? {}) as Record<string, string | undefined>;
      const length = Number(headers['content-length']);
      return { stream: result.stream as Readable, etag: headers['etag'], crc64: headers['x-oss-hash-crc64ecma'], ...(Number.isSafeInteger(length) ? { length } : {}) };
    }, { received: (r) => r.length });
  }

  /** A whole (small) object in memory, or undefined if there is none. */
  async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await this.#call('GetObject', this.#display(key), true, async () => {
        const result = await this.#oss.get(key);
        return result.content as Buffer;
      }, { received: (b) => b.length });
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * The parts of an incomplete upload numbered above `after` (all by default, paged), or undefined once the
   * upload was completed or aborted. `limit` stops after one page of at most that many parts.
   */
  async listParts(key: string, uploadId: string, options: { after?: number; limit?: number } = {}): Promise<PartInfo[] | undefined> {
    try {
      return await this.#call('ListParts', this.#display(key), true, async () => {
        const parts: PartInfo[] = [];
        let marker: string | undefined = options.after ? String(options.after) : undefined;
        for (;;) {
          const result = await this.#oss.listParts(key, uploadId, { 'max-parts': String(options.limit ?? 1000), ...(marker ? { 'part-number-marker': marker } : {}) });
          const page = ([] as Array<{ PartNumber: string; ETag: string; Size: string; LastModified: string }>).concat(result.parts ?? []);
          for (const p of page) parts.push({ number: Number(p.PartNumber), etag: p.ETag, size: Number(p.Size), lastModified: Date.parse(p.LastModified) || 0 });
          if (options.limit !== undefined || String(result.isTruncated) !== 'true') return parts;
          marker = String(result.nextPartNumberMarker);
        }
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: string, body: Buffer, options: { forbidOverwrite?: boolean } = {}): Promise<string> {
    return (await this.putWithChecksum(key, body, options)).etag;
  }

  /**
   * PutObject, answering the ETag and the CRC-64 (ours, checked against OSS's when checksums are on: a
   * mismatch is sent again). A forbid-overwrite PUT is retried too, and a refusal after an attempt with
   * no clear answer is checked: an object of our length and CRC-64 is the one that attempt wrote.
   */
  async putWithChecksum(key: string, body: Buffer, options: { forbidOverwrite?: boolean } = {}): Promise<{ etag: string; crc64: string | undefined }> {
    const forbid = options.forbidOverwrite === true;
    const ours = this.#settings.checksums ? crc64(body).toString() : undefined;
    let unclear = false;
    try {
      return await this.#call('PutObject', this.#display(key), true, async () => {
        let result;
        try {
          result = await this.#oss.put(key, body, { headers: forbid ? { 'x-oss-forbid-overwrite': 'true' } : {}, mime: 'application/octet-stream' });
        } catch (error) {
          if (isRetryable(error)) unclear = true;
          throw error;
        }
        const headers = headersOf(result);
        const theirs = headers['x-oss-hash-crc64ecma'];
        if (ours !== undefined && theirs !== undefined && theirs !== ours) {
          // The corrupted object is ours: removed while it still is, so that a last failed attempt leaves
          // none behind (and a create-only retry is not blocked by it).
          await this.deleteIfUnchanged(key, headers['etag'] ?? '');
          throw crcMismatch(`PutObject ${this.#display(key)}`, ours, theirs, headers['x-oss-request-id']);
        }
        return { etag: headers['etag'] ?? '', crc64: ours ?? theirs };
      }, { sent: body.length });
    } catch (error) {
      if (forbid && unclear && (error as { code?: string }).code === 'EEXIST') {
        const found = await this.#outcome(key, body.length, ours ?? crc64(body).toString());
        if (found) return found;
      }
      throw error;
    }
  }

  /** The object at `key` if it has exactly this length and CRC-64: what a request whose answer was lost wrote. */
  async #outcome(key: string, size: number, crc: string | undefined): Promise<{ etag: string; crc64: string } | undefined> {
    const head = await this.head(key);
    if (!head || head.size !== size || crc === undefined || head.crc64 !== crc) return undefined;
    return { etag: head.etag, crc64: crc };
  }

  /**
   * Deletes the object only while it is still the version `etag` (OSS has no conditional delete: a HEAD
   * first narrows, not closes, the window). True if it was deleted.
   */
  async deleteIfUnchanged(key: string, etag: string): Promise<boolean> {
    const head = await this.head(key).catch(() => undefined);
    if (!head || head.etag !== etag) return false;
    await this.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.#call('DeleteObject', this.#display(key), true, () => this.#oss.delete(key));
  }

  /** DeleteMultipleObjects in batches of 1000, quietly. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      await this.#call('DeleteMultipleObjects', this.#display(batch[0]!), true, () => this.#oss.deleteMulti(batch, { quiet: true }));
    }
  }

  async list(prefix: string, options: { delimiter?: string; token?: string; maxKeys: number }): Promise<ListPage> {
    return this.#call('ListObjectsV2', this.#display(prefix), true, async () => {
      const query: Record<string, string> = { 'max-keys': String(options.maxKeys) };
      // Empty values are left out: OSS and ali-oss disagree on how to sign them.
      if (prefix) query['prefix'] = prefix;
      if (options.delimiter) query['delimiter'] = options.delimiter;
      if (options.token) query['continuation-token'] = options.token;
      const result = await this.#oss.listV2(query, {});
      const objects = ((result.objects ?? []) as Array<{ name: string; size: number; lastModified: string; etag: string; type: string }>).map((o) => ({
        key: o.name,
        size: Number(o.size),
        lastModified: Date.parse(o.lastModified) || 0,
        etag: o.etag,
        type: o.type,
      }));
      const truncated = String(result.isTruncated) === 'true';
      const date = Date.parse((result.res.headers as Record<string, string>)['date'] ?? '');
      return {
        objects,
        prefixes: (result.prefixes ?? []) as string[],
        nextToken: truncated ? (result.nextContinuationToken as string) : undefined,
        serverTime: Number.isNaN(date) ? Date.now() : date,
      };
    });
  }

  /** CopyObject, answering the copy's ETag; `forbidOverwrite`: create-only (FileAlreadyExists if the target exists). */
  async copy(fromKey: string, toKey: string, options: { forbidOverwrite?: boolean } = {}): Promise<string> {
    return this.#call('CopyObject', this.#display(toKey), true, async () => {
      const result = await this.#oss.copy(toKey, fromKey, options.forbidOverwrite ? { headers: { 'x-oss-forbid-overwrite': 'true' } } : {});
      return ((result as { data?: { etag?: string } }).data?.etag ?? headersOf(result)['etag'] ?? '') as string;
    });
  }

  /**
   * InitiateMultipartUpload; `meta` (`x-oss-meta-*` names) becomes the completed object's metadata. Retried
   * like an idempotent call: a repeat can only leave an extra empty upload, which nothing names and purge
   * removes, while giving up would fail the stream.
   */
  async initUpload(key: string, meta: Record<string, string> = {}): Promise<string> {
    return this.#call('InitiateMultipartUpload', this.#display(key), true, async () => {
      const result = await this.#oss.initMultipartUpload(key, { mime: 'application/octet-stream', headers: { ...meta } });
      return result.uploadId as string;
    });
  }

  /** UploadPart, answering the part's ETag and CRC-64 (ours, checked against OSS's when checksums are on). */
  async uploadPartWithChecksum(key: string, uploadId: string, partNumber: number, body: PartBody, crc?: string): Promise<{ etag: string; crc64: string | undefined }> {
    const ours = this.#settings.checksums ? (crc ?? (Buffer.isBuffer(body) ? crc64(body).toString() : undefined)) : undefined;
    return this.#call('UploadPart', this.#display(key), true, async () => {
      // Streamed as ali-oss's own multipartUpload does; a retry builds a fresh stream over the same bytes.
      const data = Buffer.isBuffer(body) ? { stream: Readable.from([body]), size: body.length } : { stream: body.open(), size: body.size };
      const result = await this.#oss._uploadPart(key, uploadId, partNumber, data, { disabledMD5: true });
      const headers = headersOf(result);
      const theirs = headers['x-oss-hash-crc64ecma'];
      if (ours !== undefined && theirs !== undefined && theirs !== ours) {
        // Sent again under the same number: the retry replaces the corrupted part.
        throw crcMismatch(`UploadPart ${partNumber} of ${this.#display(key)}`, ours, theirs, headers['x-oss-request-id']);
      }
      return { etag: headers['etag'] ?? '', crc64: ours ?? theirs };
    }, { sent: Buffer.isBuffer(body) ? body.length : body.size });
  }

  /**
   * UploadPartCopy of bytes [start, end) of `fromKey`; with `sourceEtag`, only from that version
   * (x-oss-copy-source-if-match: else 412, RemoteFileChangedError). Answers the part's ETag and, where OSS
   * sends it, its CRC-64.
   */
  async uploadPartCopy(
    key: string,
    uploadId: string,
    partNumber: number,
    fromKey: string,
    start: number,
    end: number,
    sourceEtag?: string,
  ): Promise<{ etag: string; crc64: string | undefined }> {
    return this.#call('UploadPartCopy', this.#display(key), true, async () => {
      const result = await this.#oss.uploadPartCopy(
        key,
        uploadId,
        partNumber,
        `${start}-${end - 1}`,
        { sourceKey: fromKey, sourceBucketName: this.#settings.bucket },
        { headers: sourceEtag ? { 'x-oss-copy-source-if-match': sourceEtag } : {} },
      );
      const headers = headersOf(result);
      return { etag: (result.etag as string | undefined) ?? headers['etag'] ?? '', crc64: headers['x-oss-hash-crc64ecma'] };
    });
  }

  /**
   * CompleteMultipartUpload, answering the object's ETag and CRC-64. With every part's size and CRC-64
   * known, OSS's CRC-64 of the object is checked against theirs combined (ChecksumError if it differs), and
   * an attempt with no clear answer is retried: a NoSuchUpload or FileAlreadyExists after it is checked
   * against the object, and an object of our length and CRC-64 is what the lost attempt completed.
   */
  complete(key: string, uploadId: string, parts: ReadonlyArray<CompletedPart>, options: { forbidOverwrite?: boolean } = {}): Promise<{ etag: string; crc64: string | undefined }> {
    // A commit: not begun once the call's signal fired, never cut once begun (an AbortError must mean
    // that nothing was committed, and a cut Complete may have been applied).
    throwIfAborted(`CompleteMultipartUpload ${this.#display(key)}`, this.#display(key));
    return withoutSignal(() => this.#complete(key, uploadId, parts, options));
  }

  async #complete(key: string, uploadId: string, parts: ReadonlyArray<CompletedPart>, options: { forbidOverwrite?: boolean }): Promise<{ etag: string; crc64: string | undefined }> {
    const known = parts.every((p) => p.size !== undefined && p.crc64 !== undefined);
    const size = known ? parts.reduce((n, p) => n + p.size!, 0) : undefined;
    const expected = known ? crc64Concat(parts as ReadonlyArray<{ crc64: string; size: number }>).toString() : undefined;
    let unclear = false;
    let result;
    try {
      result = await this.#call('CompleteMultipartUpload', this.#display(key), known, async () => {
        try {
          const answer = await this.#oss.completeMultipartUpload(key, uploadId, parts.map(({ number, etag }) => ({ number, etag })), {
            headers: options.forbidOverwrite ? { 'x-oss-forbid-overwrite': 'true' } : {},
          });
          const headers = headersOf(answer);
          return { etag: headers['etag'] ?? '', crc64: headers['x-oss-hash-crc64ecma'] };
        } catch (error) {
          if (isRetryable(error)) unclear = true;
          throw error;
        }
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (unclear && size !== undefined && (code === 'ENOENT' || code === 'EEXIST')) {
        const found = await this.#outcome(key, size, expected);
        if (found) return found;
      }
      throw error;
    }
    if (this.#settings.checksums && expected !== undefined && result.crc64 !== undefined && result.crc64 !== expected) {
      throw new ChecksumError(
        `CompleteMultipartUpload ${this.#display(key)}: the object's CRC-64 ${result.crc64} differs from its parts' ${expected}: the object is corrupt`,
        { path: this.#display(key) },
      );
    }
    return result;
  }

  /** Clean-up: runs to the end even under a signal that fired (it is often what the abort asked for). */
  async abort(key: string, uploadId: string): Promise<void> {
    await withoutSignal(() => this.#abortUpload(key, uploadId));
  }

  async #abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.#call('AbortMultipartUpload', this.#display(key), true, () => this.#oss.abortMultipartUpload(key, uploadId));
    } catch (error) {
      // Already gone (aborted by a retry whose answer was lost, or completed): nothing is left behind.
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }

  /** Every incomplete upload under a prefix, paged, with the server's clock at the first answer. */
  async listUploads(prefix: string): Promise<{ uploads: UploadInfo[]; serverTime: number }> {
    const uploads: UploadInfo[] = [];
    let serverTime: number | undefined;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      type UploadsPage = { res: { headers: unknown }; uploads?: unknown[]; isTruncated: boolean; nextKeyMarker?: string; nextUploadIdMarker?: string };
      const page: UploadsPage = await this.#call('ListMultipartUploads', this.#display(prefix), true, () =>
        this.#oss.listUploads({
          ...(prefix ? { prefix } : {}),
          'max-uploads': 1000,
          ...(keyMarker ? { 'key-marker': keyMarker } : {}),
          ...(uploadIdMarker ? { 'upload-id-marker': uploadIdMarker } : {}),
        }),
      );
      const date = Date.parse((page.res.headers as Record<string, string>)['date'] ?? '');
      serverTime ??= Number.isNaN(date) ? Date.now() : date;
      for (const u of (page.uploads ?? []) as Array<{ name: string; uploadId: string; initiated: string }>) {
        uploads.push({ key: u.name, uploadId: u.uploadId, initiated: Date.parse(u.initiated) || 0 });
      }
      if (!page.isTruncated || !page.nextKeyMarker) return { uploads, serverTime };
      keyMarker = page.nextKeyMarker as string;
      uploadIdMarker = page.nextUploadIdMarker as string;
    }
  }

  close(): void {
    this.#closed = true;
    this.#agent.destroy();
  }
}

