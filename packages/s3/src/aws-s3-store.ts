import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { ClosedError, currentSignal, IOError } from '@hadoopfs/core';
import {
  cancelRequestsOnAbort,
  storeCapabilities,
  lacking,
  watchIdleSockets,
  type CompletedPart,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PartBody,
  type PartsPage,
  type RangeResponse,
  type StoreCapabilities,
  type UploadsPage,
  type Written,
} from '@hadoopfs/object-store';
import { translateS3Error } from './s3-errors.js';
import type { S3aSettings } from './settings.js';

/**
 * What an S3 server is taken to do until told otherwise: the common ground of AWS S3 and Ceph radosgw 16
 * (test/radosgw.test.ts). Conditional writes beyond PutObject and a Complete that leaves parts out are not
 * assumed: radosgw ignores the first and refuses the second.
 */
export const S3_CAPABILITIES: StoreCapabilities = storeCapabilities('S3', { minPartSize: 5 * 1024 * 1024, checksum: undefined }, ['createOnlyComplete', 'createOnlyCopy', 'completeOmitsParts']);

const SERVER_TIME = Symbol('hadoopfs.serverTime');

/** The store's clock when it answered (its Date header), else ours. */
function serverTimeOf(output: object): number {
  return (output as { [SERVER_TIME]?: number })[SERVER_TIME] ?? Date.now();
}

/** A copy source as S3 wants it: `bucket/key`, the key URL-encoded but for its slashes. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

/**
 * S3 as an ObjectStore, over the AWS SDK v3: one request per call (the SDK's own retries off, its
 * checksums only where a request needs one, so that servers without flexible checksums work), over an
 * HTTP agent whose idle sockets are watched and whose requests a call's AbortSignal cuts.
 */
export class AwsS3Store implements ObjectStore {
  readonly uri: string;
  readonly bucket: string;
  readonly capabilities: StoreCapabilities;
  readonly #client: S3Client;
  readonly #agent: Agent;
  readonly #endpoint: string;
  #closed = false;

  constructor(settings: S3aSettings, capabilities: StoreCapabilities = S3_CAPABILITIES) {
    this.bucket = settings.bucket;
    this.uri = `s3a://${settings.bucket}`;
    this.capabilities = lacking(capabilities, settings.lacks);
    this.#endpoint = settings.endpoint ?? '';
    const secure = settings.endpoint === undefined || settings.endpoint.startsWith('https:');
    const agentOptions = { keepAlive: true, maxSockets: settings.maxConnections };
    this.#agent = secure ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
    watchIdleSockets(this.#agent, settings.socketTimeoutMs, 'fs.s3a.connection.timeout');
    cancelRequestsOnAbort(this.#agent);
    this.#client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.pathStyle,
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { ...(secure ? { httpsAgent: this.#agent as HttpsAgent } : { httpAgent: this.#agent }), connectionTimeout: settings.connectTimeoutMs },
    });
    // The SDK keeps no answer's Date header; listings need it (ages are measured on the store's clock).
    this.#client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const date = Date.parse((result.response as { headers?: Record<string, string> }).headers?.['date'] ?? '');
        if (!Number.isNaN(date) && typeof result.output === 'object' && result.output !== null) Object.defineProperty(result.output, SERVER_TIME, { value: date, enumerable: false });
        return result;
      },
      // Outside the deserializer (high priority in its step): the answer is parsed by the time it returns here.
      { step: 'deserialize', priority: 'high', name: 'hadoopfsServerTime' },
    );
  }

  #display(key: string): string {
    return `${this.uri}/${key}`;
  }

  /** One request, its failure translated; `createOnly` says a 412 means "exists". */
  async #send<T>(api: string, key: string, send: (options: { abortSignal?: AbortSignal }) => Promise<T>, createOnly = false): Promise<T> {
    if (this.#closed) throw new ClosedError(`${api} ${this.#display(key)}: the S3 client was closed`, { path: this.#display(key) });
    const signal = currentSignal();
    try {
      return await send(signal ? { abortSignal: signal } : {});
    } catch (error) {
      throw translateS3Error(error, api, this.#display(key), this.#endpoint, createOnly);
    }
  }

  head(key: string): Promise<ObjectInfo> {
    return this.#send('HeadObject', key, async (o) => {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), o);
      return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified?.getTime() ?? 0, etag: head.ETag ?? '', meta: { ...(head.Metadata ?? {}) } };
    });
  }

  getRange(key: string, start: number, end: number, options: { ifMatch?: string } = {}): Promise<RangeResponse> {
    return this.#send('GetObject', key, async (o) => {
      const got = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}`, ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}) }), o);
      return { stream: got.Body as Readable, etag: got.ETag, checksum: undefined, ...(got.ContentLength !== undefined ? { length: got.ContentLength } : {}) };
    });
  }

  getBytes(key: string): Promise<Buffer> {
    return this.#send('GetObject', key, async (o) => {
      const got = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), o);
      return Buffer.from(await got.Body!.transformToByteArray());
    });
  }

  put(key: string, body: Buffer, options: { createOnly?: boolean } = {}): Promise<Written> {
    return this.#send(
      'PutObject',
      key,
      async (o) => {
        const put = await this.#client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length, ...(options.createOnly ? { IfNoneMatch: '*' } : {}) }), o);
        return { etag: put.ETag ?? '' };
      },
      options.createOnly,
    );
  }

  async delete(key: string): Promise<void> {
    await this.#send('DeleteObject', key, (o) => this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), o));
  }

  async deleteBatch(keys: readonly string[]): Promise<void> {
    const first = keys[0] ?? '';
    const answer = await this.#send('DeleteMultipleObjects', first, (o) => this.#client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }), o));
    const failed = answer.Errors ?? [];
    if (failed.length > 0) {
      const { Key, Code, Message } = failed[0]!;
      throw new IOError(`DeleteObjects ${this.#display(first)}: ${failed.length} of ${keys.length} key(s) not deleted, the first ${this.#display(Key ?? '?')}: ${Code ?? 'error'} ${Message ?? ''}`.trim(), 'EIO', { path: this.#display(Key ?? first) });
    }
  }

  list(prefix: string, options: { delimiter?: string; token?: string; maxKeys: number }): Promise<ListPage> {
    return this.#send('ListObjectsV2', prefix, async (o) => {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          MaxKeys: options.maxKeys,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
          ...(options.token ? { ContinuationToken: options.token } : {}),
        }),
        o,
      );
      return {
        objects: (page.Contents ?? []).map((c) => ({ key: c.Key ?? '', size: c.Size ?? 0, lastModified: c.LastModified?.getTime() ?? 0, etag: c.ETag ?? '' })),
        prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter((p) => p !== ''),
        nextToken: page.IsTruncated ? page.NextContinuationToken : undefined,
        serverTime: serverTimeOf(page),
      };
    });
  }

  copy(fromKey: string, toKey: string, options: { createOnly?: boolean; ifMatch?: string } = {}): Promise<Written> {
    return this.#send(
      'CopyObject',
      toKey,
      async (o) => {
        const copied = await this.#client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: toKey,
            CopySource: copySource(this.bucket, fromKey),
            ...(options.ifMatch ? { CopySourceIfMatch: options.ifMatch } : {}),
            // Sent whenever asked: whether the server honours it is a capability, decided by its effect (probeCapabilities).
            ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
          }),
          o,
        );
        return { etag: copied.CopyObjectResult?.ETag ?? '' };
      },
      options.createOnly,
    );
  }

  initUpload(key: string, options: { meta?: Record<string, string> } = {}): Promise<string> {
    return this.#send('InitiateMultipartUpload', key, async (o) => {
      const created = await this.#client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ...(options.meta ? { Metadata: options.meta } : {}) }), o);
      return created.UploadId!;
    });
  }

  uploadPart(key: string, uploadId: string, partNumber: number, body: PartBody): Promise<Written> {
    return this.#send('UploadPart', key, async (o) => {
      const [Body, ContentLength] = Buffer.isBuffer(body) ? [body, body.length] : [body.open(), body.size];
      const uploaded = await this.#client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body, ContentLength }), o);
      return { etag: uploaded.ETag ?? '' };
    });
  }

  uploadPartCopy(key: string, uploadId: string, partNumber: number, fromKey: string, start: number, end: number, options: { ifMatch?: string } = {}): Promise<Written> {
    return this.#send('UploadPartCopy', key, async (o) => {
      const copied = await this.#client.send(
        new UploadPartCopyCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: copySource(this.bucket, fromKey),
          CopySourceRange: `bytes=${start}-${end - 1}`,
          ...(options.ifMatch ? { CopySourceIfMatch: options.ifMatch } : {}),
        }),
        o,
      );
      return { etag: copied.CopyPartResult?.ETag ?? '' };
    });
  }

  complete(key: string, uploadId: string, parts: readonly CompletedPart[], options: { createOnly?: boolean } = {}): Promise<Written> {
    return this.#send(
      'CompleteMultipartUpload',
      key,
      async (o) => {
        const done = await this.#client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag })) },
            ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
          }),
          o,
        );
        // radosgw answers an empty ETag: the object's is then known from a HEAD.
        return { etag: done.ETag ?? '' };
      },
      options.createOnly,
    );
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    await this.#send('AbortMultipartUpload', key, (o) => this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }), o));
  }

  listParts(key: string, uploadId: string, options: { after?: number; limit?: number } = {}): Promise<PartsPage> {
    return this.#send('ListParts', key, async (o) => {
      const page = await this.#client.send(
        new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MaxParts: options.limit ?? 1000, ...(options.after ? { PartNumberMarker: String(options.after) } : {}) }),
        o,
      );
      return {
        parts: (page.Parts ?? []).map((p) => ({ number: p.PartNumber ?? 0, etag: p.ETag ?? '', size: p.Size ?? 0, lastModified: p.LastModified?.getTime() ?? 0 })),
        next: page.IsTruncated && page.NextPartNumberMarker ? Number(page.NextPartNumberMarker) : undefined,
      };
    });
  }

  listUploads(prefix: string, options: { keyMarker?: string; uploadIdMarker?: string } = {}): Promise<UploadsPage> {
    return this.#send('ListMultipartUploads', prefix, async (o) => {
      const page = await this.#client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          MaxUploads: 1000,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(options.keyMarker ? { KeyMarker: options.keyMarker } : {}),
          ...(options.uploadIdMarker ? { UploadIdMarker: options.uploadIdMarker } : {}),
        }),
        o,
      );
      return {
        uploads: (page.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '', initiated: u.Initiated?.getTime() ?? 0 })),
        next: page.IsTruncated && page.NextKeyMarker ? { keyMarker: page.NextKeyMarker, uploadIdMarker: page.NextUploadIdMarker ?? '' } : undefined,
        serverTime: serverTimeOf(page),
      };
    });
  }

  close(): void {
    this.#closed = true;
    this.#client.destroy();
    this.#agent.destroy();
  }
}
