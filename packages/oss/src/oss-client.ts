import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import OSS from 'ali-oss';
import { ClosedError } from '@hadoopfs/core';
import { isNetworkError, isRetryable, translateOssError } from './oss-errors.js';
import type { OssSettings } from './settings.js';

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

export interface RequestCounter {
  (api: string): void;
}

/**
 * The OSS calls the backend makes, typed, over the real ali-oss client: each one retried with exponential
 * backoff and jitter where that is safe (idempotent requests, or a refusal that proves nothing was
 * applied), and every failure turned into a hadoopfs error naming the OSS code and request id.
 */
export class OssClient {
  readonly #oss: OSS;
  readonly #settings: OssSettings;
  readonly #agent: Agent;
  #closed = false;
  /** Called once per HTTP request, retries included (tests and benchmarks count requests). */
  onRequest: RequestCounter | undefined;

  constructor(settings: OssSettings) {
    this.#settings = settings;
    const secure = settings.endpoint.startsWith('https:');
    this.#agent = secure ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true });
    this.#oss = new OSS({
      endpoint: settings.endpoint,
      region: settings.region,
      accessKeyId: settings.accessKeyId,
      accessKeySecret: settings.accessKeySecret,
      ...(settings.securityToken ? { stsToken: settings.securityToken } : {}),
      bucket: settings.bucket,
      secure,
      timeout: settings.readTimeoutMs,
      ...(settings.pathStyle ? { sldEnable: true } : {}),
      ...(secure ? { httpsAgent: this.#agent } : { agent: this.#agent }),
      retryMax: 0,
    });
  }

  get bucket(): string {
    return this.#settings.bucket;
  }

  /** Runs `call` with retries. `idempotent`: a repeat cannot change the outcome, so ambiguous failures retry too. */
  async #call<T>(api: string, path: string, idempotent: boolean, call: () => Promise<T>): Promise<T> {
    const { maxAttempts, retryBaseDelayMs, retryMaxDelayMs } = this.#settings;
    for (let attempt = 1; ; attempt++) {
      // A closed client sends nothing more, not even the retry of a call it started before.
      if (this.#closed) throw new ClosedError(`${api} ${path}: the OSS client was closed`, { path });
      this.onRequest?.(api);
      try {
        return await call();
      } catch (error) {
        const retry = attempt < maxAttempts && isRetryable(error) && (idempotent || !isNetworkError(error));
        if (!retry) throw translateOssError(error, api, path);
        const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
      }
    }
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

  /** Bytes [start, end) as a stream. */
  async getRange(key: string, start: number, end: number): Promise<Readable> {
    return this.#call('GetObject', this.#display(key), true, async () => {
      const result = await this.#oss.getStream(key, { headers: { Range: `bytes=${start}-${end - 1}` } });
      return result.stream as Readable;
    });
  }

  /** A whole (small) object in memory, or undefined if there is none. */
  async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await this.#call('GetObject', this.#display(key), true, async () => {
        const result = await this.#oss.get(key);
        return result.content as Buffer;
      });
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

  /** PutObject, answering the ETag and the CRC-64 the server computed. */
  async putWithChecksum(key: string, body: Buffer, options: { forbidOverwrite?: boolean } = {}): Promise<{ etag: string; crc64: string | undefined }> {
    // A refused forbid-overwrite PUT must not be retried into a different answer; a plain PUT is idempotent.
    return this.#call('PutObject', this.#display(key), !options.forbidOverwrite, async () => {
      const result = await this.#oss.put(key, body, {
        headers: options.forbidOverwrite ? { 'x-oss-forbid-overwrite': 'true' } : {},
        mime: 'application/octet-stream',
      });
      const headers = result.res.headers as Record<string, string>;
      return { etag: headers['etag'] ?? '', crc64: headers['x-oss-hash-crc64ecma'] };
    });
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

  async copy(fromKey: string, toKey: string): Promise<void> {
    await this.#call('CopyObject', this.#display(toKey), true, () => this.#oss.copy(toKey, fromKey));
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

  /** UploadPart, answering the part's ETag and the CRC-64 the server computed. */
  async uploadPartWithChecksum(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<{ etag: string; crc64: string | undefined }> {
    return this.#call('UploadPart', this.#display(key), true, async () => {
      // Streamed as ali-oss's own multipartUpload does; a retry builds a fresh stream over the same bytes.
      const result = await this.#oss._uploadPart(key, uploadId, partNumber, { stream: Readable.from([body]), size: body.length }, { disabledMD5: true });
      const headers = result.res.headers as Record<string, string>;
      return { etag: headers['etag'] ?? '', crc64: headers['x-oss-hash-crc64ecma'] };
    });
  }

  async uploadPartCopy(key: string, uploadId: string, partNumber: number, fromKey: string, start: number, end: number): Promise<string> {
    return this.#call('UploadPartCopy', this.#display(key), true, async () => {
      const result = await this.#oss.uploadPartCopy(key, uploadId, partNumber, `${start}-${end - 1}`, {
        sourceKey: fromKey,
        sourceBucketName: this.#settings.bucket,
      });
      return result.etag as string;
    });
  }

  /** CompleteMultipartUpload, answering the object's ETag and the CRC-64 the server computed. */
  async complete(
    key: string,
    uploadId: string,
    parts: ReadonlyArray<{ number: number; etag: string }>,
    options: { forbidOverwrite?: boolean } = {},
  ): Promise<{ etag: string; crc64: string | undefined }> {
    return this.#call('CompleteMultipartUpload', this.#display(key), false, async () => {
      const result = await this.#oss.completeMultipartUpload(key, uploadId, [...parts], {
        headers: options.forbidOverwrite ? { 'x-oss-forbid-overwrite': 'true' } : {},
      });
      const headers = result.res.headers as Record<string, string>;
      return { etag: headers['etag'] ?? '', crc64: headers['x-oss-hash-crc64ecma'] };
    });
  }

  async abort(key: string, uploadId: string): Promise<void> {
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
