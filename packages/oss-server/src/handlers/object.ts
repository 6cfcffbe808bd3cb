import { checkBucketName, checkObjectKey } from '../addressing.js';
import type { RequestContext } from '../context.js';
import { Errors } from '../oss-error.js';
import type { StoredObject } from '../storage/model.js';
import { ossIsoTime } from '../xml.js';

export function objectHeaders(object: StoredObject): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'content-type': object.contentType,
    'x-oss-object-type': object.type,
    'x-oss-hash-crc64ecma': object.crc64,
    'x-oss-storage-class': 'Standard',
    'accept-ranges': 'bytes',
    ...object.userMeta,
  };
  if (object.type === 'Appendable') headers['x-oss-next-append-position'] = object.size;
  return headers;
}

function forbidOverwrite(ctx: RequestContext): boolean {
  return (ctx.header('x-oss-forbid-overwrite') ?? '').toLowerCase() === 'true';
}

function contentType(ctx: RequestContext): string {
  return ctx.header('content-type') ?? 'application/octet-stream';
}

export async function putObject(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  checkObjectKey(key);
  ctx.store.bucketInfo(bucket);
  // Fail fast, before the body, when the answer cannot be yes; the commit checks again atomically.
  if (forbidOverwrite(ctx) && ctx.store.findObject(bucket, key)) throw Errors.fileAlreadyExists();
  const body = await ctx.ingestBody();
  const object = await ctx.store.putObject(bucket, key, body, {
    contentType: contentType(ctx),
    userMeta: ctx.userMeta(),
    forbidOverwrite: forbidOverwrite(ctx),
  });
  ctx.sendEmpty(200, {
    etag: object.etag,
    'x-oss-hash-crc64ecma': object.crc64,
    'content-md5': body.md5.toString('base64'),
  });
}

export async function appendObject(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  checkObjectKey(key);
  const positionText = ctx.param('position');
  if (positionText === undefined || !/^\d+$/.test(positionText)) throw Errors.invalidArgument('AppendObject needs ?position=<non-negative integer>');
  const position = Number(positionText);
  const existing = ctx.store.findObject(bucket, key);
  // OSS answers position and type errors before reading the body.
  if (existing && existing.type !== 'Appendable') throw Errors.objectNotAppendable();
  if (position !== (existing?.size ?? 0)) {
    ctx.res.setHeader('x-oss-next-append-position', existing?.size ?? 0);
    throw Errors.positionNotEqualToLength();
  }
  const body = await ctx.ingestBody();
  try {
    const object = await ctx.store.appendObject(bucket, key, position, body, { contentType: contentType(ctx), userMeta: ctx.userMeta(), forbidOverwrite: false });
    ctx.sendEmpty(200, {
      etag: object.etag,
      'x-oss-next-append-position': object.size,
      'x-oss-hash-crc64ecma': object.crc64,
    });
  } catch (error) {
    const current = ctx.store.findObject(bucket, key);
    if (current) ctx.res.setHeader('x-oss-next-append-position', current.size);
    throw error;
  }
}

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n`, as OSS answers them. By default (no `x-oss-range-behavior`) a range
 * that is malformed, several ranges, or one reaching outside the object is ignored: the whole object, 200.
 * With `x-oss-range-behavior: standard`, a range ending past the end is cut to it (206), one starting at
 * or past the end (an empty object's every range among them) is 416 InvalidRange.
 */
export function parseRange(header: string | undefined, size: number, standard = false): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let last: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return standard ? 'unsatisfiable' : undefined;
    if (suffix > size && !standard) return undefined;
    start = Math.max(0, size - suffix);
    last = size - 1;
  } else {
    start = Number(m[1]);
    last = m[2] === '' ? size - 1 : Number(m[2]);
    if (m[2] !== '' && last < start) return undefined;
    if (start >= size) return standard ? 'unsatisfiable' : undefined;
    if (last >= size) {
      if (!standard) return undefined;
      last = size - 1;
    }
  }
  return { start, end: last + 1 };
}

function etagList(header: string): string[] {
  return header.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** An HTTP date, or undefined for one that does not parse (then the condition is ignored, as HTTP says). */
function httpDate(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * GET/HEAD preconditions as OSS documents them: If-Match and If-Unmodified-Since that fail answer 412
 * PreconditionFailed; If-None-Match and If-Modified-Since that fail answer 304 Not Modified. Times are
 * compared in whole seconds, the resolution of Last-Modified.
 */
export function checkConditions(ctx: RequestContext, object: StoredObject): 'ok' | 'not-modified' {
  const modified = Math.floor(object.lastModified / 1000);
  const ifMatch = ctx.header('if-match');
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.includes(object.etag)) throw Errors.preconditionFailed('If-Match');
  } else {
    const since = httpDate(ctx.header('if-unmodified-since'));
    if (since !== undefined && modified > Math.floor(since / 1000)) throw Errors.preconditionFailed('If-Unmodified-Since');
  }
  const ifNoneMatch = ctx.header('if-none-match');
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.includes(object.etag)) return 'not-modified';
  } else {
    const since = httpDate(ctx.header('if-modified-since'));
    if (since !== undefined && modified <= Math.floor(since / 1000)) return 'not-modified';
  }
  return 'ok';
}

export async function getObject(ctx: RequestContext, headOnly: boolean): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  const object = ctx.store.getObject(bucket, key);
  // Preconditions come before the range, as in HTTP: a changed object is 412 whatever range was asked.
  const notModified = checkConditions(ctx, object) === 'not-modified';
  const range = parseRange(ctx.header('range'), object.size, (ctx.header('x-oss-range-behavior') ?? '').toLowerCase() === 'standard');
  if (range === 'unsatisfiable') {
    ctx.res.setHeader('content-range', `bytes */${object.size}`);
    throw Errors.invalidRange();
  }
  const headers = objectHeaders(object);
  const start = range?.start ?? 0;
  const end = range?.end ?? object.size;
  headers['content-length'] = end - start;
  if (range) headers['content-range'] = `bytes ${start}-${end - 1}/${object.size}`;
  if (notModified) {
    ctx.sendEmpty(304, { etag: object.etag, 'last-modified': headers['last-modified']! });
    return;
  }
  if (!ctx.startBody(range ? 206 : 200, headers)) return;
  if (headOnly) {
    ctx.res.end();
    return;
  }
  const dropAt = ctx.bodyFaults.some((f) => f.type === 'drop' && f.when === 'mid-response-body') ? start + Math.floor((end - start) / 2) : -1;
  let corruptAt = ctx.bodyFaults.some((f) => f.type === 'corrupt' && f.where === 'response-body') ? start + Math.floor((end - start) / 2) : -1;
  let sent = start;
  for await (const stored of ctx.store.read(object, start, end)) {
    if (ctx.res.destroyed) return;
    let chunk = stored;
    if (corruptAt >= sent && corruptAt < sent + chunk.byteLength) {
      chunk = Buffer.from(chunk);
      chunk[corruptAt - sent] = chunk[corruptAt - sent]! ^ 0x01;
      corruptAt = -1;
    }
    if (dropAt >= 0 && sent + chunk.byteLength >= dropAt) {
      // Cut only once the head and the first half reached the socket: destroy() at once would discard
      // them, and the client would see a request with no answer instead of a body cut in the middle.
      const half = chunk.subarray(0, Math.max(1, dropAt - sent));
      ctx.stats.bytesOut += half.byteLength;
      await new Promise<void>((resolve) => ctx.res.write(half, () => resolve()));
      ctx.res.destroy();
      return;
    }
    sent += chunk.byteLength;
    ctx.stats.bytesOut += chunk.byteLength;
    await ctx.throttle(chunk.byteLength);
    if (!ctx.res.write(chunk)) await new Promise<void>((resolve) => {
      const done = () => {
        ctx.res.off('drain', done);
        ctx.res.off('close', done);
        resolve();
      };
      ctx.res.once('drain', done);
      ctx.res.once('close', done);
    });
  }
  ctx.res.end();
}

export async function getObjectMeta(ctx: RequestContext): Promise<void> {
  const object = ctx.store.getObject(ctx.requireBucket(), ctx.requireKey());
  ctx.sendEmpty(200, {
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'x-oss-object-type': object.type,
    'x-oss-hash-crc64ecma': object.crc64,
    'content-length': object.size,
  });
}

export async function deleteObject(ctx: RequestContext): Promise<void> {
  await ctx.store.deleteObject(ctx.requireBucket(), ctx.requireKey());
  ctx.sendEmpty(204);
}

/** `x-oss-copy-source: /bucket/key` (the key URL-encoded) → the source object. */
export function copySource(ctx: RequestContext): StoredObject {
  const header = ctx.header('x-oss-copy-source') ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(header);
  } catch {
    throw Errors.invalidArgument('x-oss-copy-source is not valid percent-encoding');
  }
  const m = /^\/?([^/]+)\/(.+)$/.exec(decoded);
  if (!m) throw Errors.invalidArgument('x-oss-copy-source must be /bucket/key');
  checkBucketName(m[1]!);
  const source = ctx.store.getObject(m[1]!, m[2]!);
  // OSS's copy preconditions (CopyObject, UploadPartCopy): a copier pins the version it read.
  const ifMatch = ctx.header('x-oss-copy-source-if-match');
  if (ifMatch !== undefined && ifMatch.trim() !== source.etag) throw Errors.preconditionFailed('x-oss-copy-source-if-match');
  return source;
}

export async function copyObject(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  checkObjectKey(key);
  const source = copySource(ctx);
  const directive = (ctx.header('x-oss-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw Errors.invalidArgument('x-oss-metadata-directive must be COPY or REPLACE');
  const object = await ctx.store.copyObject(bucket, key, source, {
    contentType: ctx.header('content-type') ?? source.contentType,
    userMeta: ctx.userMeta(),
    forbidOverwrite: forbidOverwrite(ctx),
    replaceMetadata: directive === 'REPLACE',
  });
  ctx.sendXml(200, { CopyObjectResult: { ETag: object.etag, LastModified: ossIsoTime(object.lastModified) } }, {
    'x-oss-hash-crc64ecma': object.crc64,
  });
}
