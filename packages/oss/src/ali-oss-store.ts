import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import OSS from 'ali-oss';
import { ClosedError } from '@hadoopfs/core';
import { cancelRequestsOnAbort, lacking, storeCapabilities, watchIdleSockets, type CompletedPart, type ListPage, type ObjectInfo, type ObjectStore, type PartBody, type PartsPage, type RangeResponse, type StoreCapabilities, type UploadsPage, type Written } from '@hadoopfs/object-store';
import { translateOssError } from './oss-errors.js';
import type { OssSettings } from './settings.js';

/** The longest timer Node accepts: urllib's whole-request deadline, set out of reach (idle sockets are watched instead). */
const NO_DEADLINE = 2 ** 31 - 1;

/** User metadata on OSS travels as `x-oss-meta-<name>` headers. */
const META_PREFIX = 'x-oss-meta-';

/** What OSS does (OSS API reference; the OSS-protocol server here does the same). */
export const OSS_CAPABILITIES: StoreCapabilities = storeCapabilities('OSS', { minPartSize: 100 * 1024, checksum: 'crc64-xz' }, ['etagIsMd5']);

function headersOf(result: { res: { headers: unknown } }): Record<string, string> {
  return result.res.headers as Record<string, string>;
}

/**
 * OSS as an ObjectStore, over the real ali-oss client: one request per call (ali-oss's own retries off),
 * signed with the credentials chain's credentials of the moment, every failure an hadoopfs error naming
 * the OSS code and request id.
 */
export class AliOssStore implements ObjectStore {
  readonly uri: string;
  readonly bucket: string;
  readonly capabilities: StoreCapabilities;
  readonly #oss: OSS;
  readonly #settings: OssSettings;
  readonly #agent: Agent;
  #closed = false;

  constructor(settings: OssSettings) {
    this.#settings = settings;
    this.capabilities = lacking(OSS_CAPABILITIES, settings.lacks);
    this.bucket = settings.bucket;
    this.uri = `oss://${settings.bucket}`;
    const secure = settings.endpoint.startsWith('https:');
    const agentOptions = { keepAlive: true, maxSockets: settings.maxConnections };
    this.#agent = secure ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
    watchIdleSockets(this.#agent, settings.socketTimeoutMs, 'fs.oss.connection.timeout');
    cancelRequestsOnAbort(this.#agent);
    this.#oss = new OSS({
      endpoint: settings.endpoint,
      region: settings.region,
      // Placeholders: every request signs with the chain's credentials of the moment (#request).
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

  #display(key: string): string {
    return `${this.uri}/${key}`;
  }

  /** One request: signed with the credentials of the moment, its failure translated. */
  async #request<T>(api: string, key: string, call: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new ClosedError(`${api} ${this.#display(key)}: the OSS client was closed`, { path: this.#display(key) });
    // Outside the try: a credentials failure is a configuration error, not a store's failure.
    const credentials = await this.#settings.credentials.get();
    const options = (this.#oss as unknown as { options: Record<string, unknown> }).options;
    options['accessKeyId'] = credentials.accessKeyId;
    options['accessKeySecret'] = credentials.accessKeySecret;
    options['stsToken'] = credentials.securityToken;
    try {
      return await call();
    } catch (error) {
      throw translateOssError(error, api, this.#display(key), this.#settings.endpoint);
    }
  }

  head(key: string): Promise<ObjectInfo> {
    return this.#request('HeadObject', key, async () => {
      const h = headersOf(await this.#oss.head(key));
      const meta: Record<string, string> = {};
      for (const [name, value] of Object.entries(h)) if (name.startsWith(META_PREFIX)) meta[name.slice(META_PREFIX.length)] = value;
      return {
        key,
        size: Number(h['content-length']),
        lastModified: Date.parse(h['last-modified'] ?? '') || 0,
        etag: h['etag'] ?? '',
        copyable: h['x-oss-object-type'] !== 'Appendable',
        checksum: h['x-oss-hash-crc64ecma'],
        meta,
      };
    });
  }

  getRange(key: string, start: number, end: number, options: { ifMatch?: string } = {}): Promise<RangeResponse> {
    return this.#request('GetObject', key, async () => {
      // Standard range behaviour: without it OSS answers a range reaching past the end with the whole object.
      const result = await this.#oss.getStream(key, {
        headers: { Range: `bytes=${start}-${end - 1}`, 'x-oss-range-behavior': 'standard', ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}) },
      });
      const headers = ((result as { res?: { headers?: Record<string, string | undefined> } }).res?.headers ?? {}) as Record<string, string | undefined>;
      const length = Number(headers['content-length']);
      return { stream: result.stream as Readable, etag: headers['etag'], checksum: headers['x-oss-hash-crc64ecma'], ...(Number.isSafeInteger(length) ? { length } : {}) };
    });
  }

  getBytes(key: string): Promise<Buffer> {
    return this.#request('GetObject', key, async () => (await this.#oss.get(key)).content as Buffer);
  }

  put(key: string, body: Buffer, options: { createOnly?: boolean } = {}): Promise<Written> {
    return this.#request('PutObject', key, async () => {
      const result = await this.#oss.put(key, body, { headers: options.createOnly ? { 'x-oss-forbid-overwrite': 'true' } : {}, mime: 'application/octet-stream' });
      const headers = headersOf(result);
      return { etag: headers['etag'] ?? '', checksum: headers['x-oss-hash-crc64ecma'] };
    });
  }

  async delete(key: string): Promise<void> {
    await this.#request('DeleteObject', key, () => this.#oss.delete(key));
  }

  async deleteBatch(keys: readonly string[]): Promise<void> {
    await this.#request('DeleteMultipleObjects', keys[0] ?? '', () => this.#oss.deleteMulti([...keys], { quiet: true }));
  }

  list(prefix: string, options: { delimiter?: string; token?: string; maxKeys: number }): Promise<ListPage> {
    return this.#request('ListObjectsV2', prefix, async () => {
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
        copyable: o.type !== 'Appendable',
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

  copy(fromKey: string, toKey: string, options: { createOnly?: boolean; ifMatch?: string } = {}): Promise<Written> {
    return this.#request('CopyObject', toKey, async () => {
      const headers: Record<string, string> = {};
      if (options.createOnly) headers['x-oss-forbid-overwrite'] = 'true';
      if (options.ifMatch) headers['x-oss-copy-source-if-match'] = options.ifMatch;
      const result = await this.#oss.copy(toKey, fromKey, { headers });
      return { etag: ((result as { data?: { etag?: string } }).data?.etag ?? headersOf(result)['etag'] ?? '') as string };
    });
  }

  initUpload(key: string, options: { meta?: Record<string, string> } = {}): Promise<string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.meta ?? {})) headers[`${META_PREFIX}${name}`] = value;
    return this.#request('InitiateMultipartUpload', key, async () => (await this.#oss.initMultipartUpload(key, { mime: 'application/octet-stream', headers })).uploadId as string);
  }

  uploadPart(key: string, uploadId: string, partNumber: number, body: PartBody): Promise<Written> {
    return this.#request('UploadPart', key, async () => {
      // Streamed as ali-oss's own multipartUpload does; each attempt opens a fresh stream over the same bytes.
      const data = Buffer.isBuffer(body) ? { stream: Readable.from([body]), size: body.length } : { stream: body.open(), size: body.size };
      const headers = headersOf(await this.#oss._uploadPart(key, uploadId, partNumber, data, { disabledMD5: true }));
      return { etag: headers['etag'] ?? '', checksum: headers['x-oss-hash-crc64ecma'] };
    });
  }

  uploadPartCopy(key: string, uploadId: string, partNumber: number, fromKey: string, start: number, end: number, options: { ifMatch?: string } = {}): Promise<Written> {
    return this.#request('UploadPartCopy', key, async () => {
      const result = await this.#oss.uploadPartCopy(
        key,
        uploadId,
        partNumber,
        `${start}-${end - 1}`,
        { sourceKey: fromKey, sourceBucketName: this.#settings.bucket },
        { headers: options.ifMatch ? { 'x-oss-copy-source-if-match': options.ifMatch } : {} },
      );
      const headers = headersOf(result);
      return { etag: (result.etag as string | undefined) ?? headers['etag'] ?? '', checksum: headers['x-oss-hash-crc64ecma'] };
    });
  }

  complete(key: string, uploadId: string, parts: readonly CompletedPart[], options: { createOnly?: boolean } = {}): Promise<Written> {
    return this.#request('CompleteMultipartUpload', key, async () => {
      const answer = await this.#oss.completeMultipartUpload(key, uploadId, parts.map(({ number, etag }) => ({ number, etag })), {
        headers: options.createOnly ? { 'x-oss-forbid-overwrite': 'true' } : {},
      });
      const headers = headersOf(answer);
      return { etag: headers['etag'] ?? '', checksum: headers['x-oss-hash-crc64ecma'] };
    });
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    await this.#request('AbortMultipartUpload', key, () => this.#oss.abortMultipartUpload(key, uploadId));
  }

  listParts(key: string, uploadId: string, options: { after?: number; limit?: number } = {}): Promise<PartsPage> {
    return this.#request('ListParts', key, async () => {
      const result = await this.#oss.listParts(key, uploadId, { 'max-parts': String(options.limit ?? 1000), ...(options.after ? { 'part-number-marker': String(options.after) } : {}) });
      const page = ([] as Array<{ PartNumber: string; ETag: string; Size: string; LastModified: string }>).concat(result.parts ?? []);
      return {
        parts: page.map((p) => ({ number: Number(p.PartNumber), etag: p.ETag, size: Number(p.Size), lastModified: Date.parse(p.LastModified) || 0 })),
        next: String(result.isTruncated) === 'true' ? Number(result.nextPartNumberMarker) : undefined,
      };
    });
  }

  listUploads(prefix: string, options: { keyMarker?: string; uploadIdMarker?: string } = {}): Promise<UploadsPage> {
    return this.#request('ListMultipartUploads', prefix, async () => {
      type Page = { res: { headers: unknown }; uploads?: unknown[]; isTruncated: boolean; nextKeyMarker?: string; nextUploadIdMarker?: string };
      const page: Page = await this.#oss.listUploads({
        ...(prefix ? { prefix } : {}),
        'max-uploads': 1000,
        ...(options.keyMarker ? { 'key-marker': options.keyMarker } : {}),
        ...(options.uploadIdMarker ? { 'upload-id-marker': options.uploadIdMarker } : {}),
      });
      const date = Date.parse((page.res.headers as Record<string, string>)['date'] ?? '');
      return {
        uploads: ((page.uploads ?? []) as Array<{ name: string; uploadId: string; initiated: string }>).map((u) => ({ key: u.name, uploadId: u.uploadId, initiated: Date.parse(u.initiated) || 0 })),
        next: page.isTruncated && page.nextKeyMarker ? { keyMarker: page.nextKeyMarker, uploadIdMarker: page.nextUploadIdMarker ?? '' } : undefined,
        serverTime: Number.isNaN(date) ? Date.now() : date,
      };
    });
  }

  close(): void {
    this.#closed = true;
    this.#agent.destroy();
  }
}
