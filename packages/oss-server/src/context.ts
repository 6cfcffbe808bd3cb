import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Crc64 } from '@hadoopfs/core';
import type { FaultAction, ServerStats } from './faults.js';
import { Errors, OssError } from './oss-error.js';
import type { ObjectStore, WrittenBody } from './storage/store.js';
import { toXml, type XmlNode } from './xml.js';

/** One request on its way through the server. */
export class RequestContext {
  readonly query: Map<string, string | null>;
  /** Faults that act on the bodies (drop mid-request/response), decided before the handler runs. */
  bodyFaults: FaultAction[] = [];

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly api: string,
    readonly bucket: string | undefined,
    readonly key: string | undefined,
    readonly rawQuery: Array<[string, string | null]>,
    readonly store: ObjectStore,
    readonly stats: ServerStats,
  ) {
    this.query = new Map();
    for (const [k, v] of rawQuery) if (!this.query.has(k)) this.query.set(k, v);
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  }

  param(name: string): string | undefined {
    const value = this.query.get(name);
    return value === null ? '' : value;
  }

  requireBucket(): string {
    if (this.bucket === undefined) throw Errors.invalidArgument('this request needs a bucket');
    return this.bucket;
  }

  requireKey(): string {
    if (this.key === undefined) throw Errors.invalidArgument('this request needs an object key');
    return this.key;
  }

  /** Set by the 'instead-of-response' fault: the request is handled, then the connection is cut. */
  dropResponse = false;
  /** Set by an error fault with `applied`: the request is handled, then this error is the answer. */
  answerInstead: OssError | undefined;

  /** The answer replaced by a fault, if one was set: true when the caller must send nothing more. */
  #replaced(): boolean {
    if (this.dropResponse) {
      this.res.destroy();
      return true;
    }
    if (this.answerInstead) {
      const error = this.answerInstead;
      this.answerInstead = undefined;
      this.sendError(error);
      return true;
    }
    return false;
  }

  /** Waits as long as a throttle fault says `bytes` take. */
  async throttle(bytes: number): Promise<void> {
    const limit = this.bodyFaults.find((f) => f.type === 'throttle');
    if (limit && limit.type === 'throttle') await new Promise((resolve) => setTimeout(resolve, (bytes / limit.bytesPerSecond) * 1000));
  }

  #baseHeaders(extra: Record<string, string | number>): Record<string, string | number> {
    return {
      'x-oss-request-id': this.requestId,
      server: 'hadoopfs-oss-server',
      date: new Date(this.store.clock.now()).toUTCString(),
      ...extra,
    };
  }

  sendXml(status: number, document: XmlNode, headers: Record<string, string | number> = {}): void {
    if (this.#replaced()) return;
    const body = Buffer.from(toXml(document));
    this.res.writeHead(status, this.#baseHeaders({ 'content-type': 'application/xml', 'content-length': body.length, ...headers }));
    this.stats.bytesOut += body.length;
    this.res.end(body);
  }

  sendEmpty(status: number, headers: Record<string, string | number> = {}): void {
    if (this.#replaced()) return;
    this.res.writeHead(status, this.#baseHeaders({ 'content-length': 0, ...headers }));
    this.res.end();
  }

  /** Starts a response whose body the caller streams. */
  startBody(status: number, headers: Record<string, string | number>): boolean {
    if (this.#replaced()) return false;
    this.res.writeHead(status, this.#baseHeaders(headers));
    return true;
  }

  sendError(error: OssError): void {
    this.stats.error(error.code);
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    const document = {
      Error: {
        Code: error.code,
        Message: error.message,
        RequestId: this.requestId,
        HostId: this.header('host') ?? '',
        ...(this.bucket !== undefined && error.code === 'NoSuchBucket' ? { BucketName: this.bucket } : {}),
        ...error.details,
        EC: ecFor(error.code),
      },
    };
    const headers = { 'x-oss-ec': ecFor(error.code) };
    if (this.req.method === 'HEAD') {
      // A HEAD answer has no body: OSS sends the error document base64-encoded in x-oss-err instead.
      this.sendEmpty(error.status, { ...headers, 'x-oss-err': Buffer.from(toXml(document)).toString('base64') });
      return;
    }
    this.sendXml(error.status, document, headers);
  }

  /** The request body in memory, for the small XML bodies of Complete and DeleteMultiple. */
  async readSmallBody(limit = 10 * 1024 * 1024): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw Errors.invalidArgument(`the request body exceeds ${limit} bytes`);
      chunks.push(chunk);
    }
    this.stats.bytesIn += size;
    this.#checkLength(size);
    const body = Buffer.concat(chunks);
    this.#checkPayloadHash(createHash('sha256').update(body).digest('hex'));
    return body;
  }

  /**
   * V4's x-oss-content-sha256, when it is a hash (not UNSIGNED-PAYLOAD): the body must be what was
   * signed — a PUT signed for "hello" cannot store "EVIL!".
   */
  #checkPayloadHash(actual: string): void {
    const declared = this.header('x-oss-content-sha256');
    if (declared === undefined || declared === 'UNSIGNED-PAYLOAD') return;
    if (declared.toLowerCase() !== actual) throw new OssError(400, 'InvalidDigest', 'The x-oss-content-sha256 you specified did not match what we received.');
  }

  #checkLength(received: number): void {
    const declared = this.header('content-length');
    if (declared !== undefined && Number(declared) !== received) throw Errors.incompleteBody();
  }

  /**
   * Streams the request body into a new blob, computing MD5 and CRC-64 on the way, and checks Content-MD5
   * and Content-Length. On any failure the blob is discarded and nothing else changes.
   */
  async ingestBody(): Promise<WrittenBody> {
    const declared = this.header('content-length');
    const expected = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
    if (expected !== undefined && expected > this.store.maxObjectSize) throw Errors.entityTooLarge();
    const writer = this.store.newBlob(expected);
    const md5 = createHash('md5');
    const sha256 = this.header('x-oss-content-sha256') !== undefined ? createHash('sha256') : undefined;
    const crc = new Crc64();
    let size = 0;
    const dropAt = this.bodyFaults.some((f) => f.type === 'drop' && f.when === 'mid-request-body') && declared ? Math.floor(Number(declared) / 2) : -1;
    let corruptAt = this.bodyFaults.some((f) => f.type === 'corrupt' && f.where === 'request-body') ? Math.floor((expected ?? 0) / 2) : -1;
    try {
      for await (const received of this.req as AsyncIterable<Buffer>) {
        let chunk = received;
        if (corruptAt >= size && corruptAt < size + chunk.length) {
          // As if flipped on the wire: stored and checksummed as received.
          chunk = Buffer.from(chunk);
          chunk[corruptAt - size] = chunk[corruptAt - size]! ^ 0x01;
          corruptAt = -1;
        }
        size += chunk.length;
        // A chunked body declares no length: the limit is checked as it arrives (nothing is kept past it).
        if (size > this.store.maxObjectSize) throw Errors.entityTooLarge();
        md5.update(chunk);
        sha256?.update(chunk);
        crc.update(chunk);
        await writer.write(chunk);
        await this.throttle(chunk.length);
        if (dropAt >= 0 && size >= dropAt) {
          this.req.socket.destroy();
          throw Errors.incompleteBody();
        }
      }
      if (!this.req.complete) throw Errors.incompleteBody();
      this.stats.bytesIn += size;
      this.#checkLength(size);
      const digest = md5.digest();
      const expected = this.header('content-md5');
      if (expected !== undefined && expected !== digest.toString('base64')) throw Errors.invalidDigest();
      if (sha256) this.#checkPayloadHash(sha256.digest('hex'));
      const blob = await writer.commit();
      return { blob, size, md5: digest, crc64: crc.value() };
    } catch (error) {
      await writer.abort();
      if ((error as { code?: string }).code === 'ECONNRESET' || (error as Error).message === 'aborted') throw Errors.incompleteBody();
      throw error;
    }
  }

  /** User metadata (`x-oss-meta-*`) from the request headers. */
  userMeta(): Record<string, string> {
    const meta: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.req.headers)) {
      if (name.startsWith('x-oss-meta-') && value !== undefined) meta[name] = Array.isArray(value) ? value.join(',') : value;
    }
    return meta;
  }
}

/** OSS's EC (error detail code) header: a stable number per error code, which some clients log. */
function ecFor(code: string): string {
  const known: Record<string, string> = {
    NoSuchKey: '0026-00000001',
    NoSuchBucket: '0015-00000101',
    NoSuchUpload: '0042-00000002',
    SignatureDoesNotMatch: '0002-00000040',
    InvalidAccessKeyId: '0002-00000902',
    RequestTimeTooSkewed: '0002-00000504',
    AccessDenied: '0003-00000001',
    FileAlreadyExists: '0026-00000006',
    PositionNotEqualToLength: '0026-00000016',
    ObjectNotAppendable: '0026-00000017',
  };
  return known[code] ?? '0000-00000000';
}
