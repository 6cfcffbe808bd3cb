import { createHash } from 'node:crypto';
import { checkBucketName } from '../addressing.js';
import type { RequestContext } from '../context.js';
import { Errors } from '../oss-error.js';
import { compareKeys } from '../storage/key-order.js';
import type { StoredObject } from '../storage/model.js';
import { ossIsoTime, parseXmlBody, type XmlNode } from '../xml.js';

const OWNER = { ID: 'hadoopfs', DisplayName: 'hadoopfs' };


export async function listBuckets(ctx: RequestContext): Promise<void> {
  const prefix = ctx.param('prefix') ?? '';
  const buckets = ctx.store.listBuckets().filter((b) => b.name.startsWith(prefix));
  ctx.sendXml(200, {
    ListAllMyBucketsResult: {
      Owner: OWNER,
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: ossIsoTime(b.created), Location: 'oss-local', StorageClass: 'Standard' })) },
    },
  });
}

export async function putBucket(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  checkBucketName(bucket);
  // The body may carry a CreateBucketConfiguration; storage class and redundancy do not matter here.
  await ctx.readSmallBody();
  if (!(await ctx.store.createBucket(bucket))) throw Errors.bucketAlreadyExists();
  ctx.sendEmpty(200, { location: `/${bucket}` });
}

export async function deleteBucket(ctx: RequestContext): Promise<void> {
  await ctx.store.deleteBucket(ctx.requireBucket());
  ctx.sendEmpty(204);
}

export async function headBucket(ctx: RequestContext): Promise<void> {
  ctx.store.bucketInfo(ctx.requireBucket());
  ctx.sendEmpty(200);
}

export async function getBucketInfo(ctx: RequestContext): Promise<void> {
  const info = ctx.store.bucketInfo(ctx.requireBucket());
  ctx.sendXml(200, {
    BucketInfo: {
      Bucket: {
        CreationDate: ossIsoTime(info.created),
        Location: 'oss-local',
        Name: info.name,
        Owner: OWNER,
        AccessControlList: { Grant: 'private' },
        StorageClass: 'Standard',
      },
    },
  });
}

export async function getBucketLocation(ctx: RequestContext): Promise<void> {
  ctx.store.bucketInfo(ctx.requireBucket());
  ctx.sendXml(200, { LocationConstraint: 'oss-local' });
}

/** A page size parameter: 1..1000, `dflt` when absent (100 for keys, 1000 for uploads, as OSS). */
function maxKeys(ctx: RequestContext, name: string, dflt = 100): number {
  const text = ctx.param(name);
  if (text === undefined || text === '') return dflt;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 1000)) throw Errors.invalidArgument(`${name} must be an integer between 1 and 1000`);
  return n;
}

function encoder(ctx: RequestContext): (s: string) => string {
  const type = ctx.param('encoding-type');
  if (type === undefined || type === '') return (s) => s;
  if (type !== 'url') throw Errors.invalidArgument('encoding-type must be url');
  return (s) => encodeURIComponent(s);
}

interface ListingPage {
  objects: StoredObject[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  last: string | undefined;
}

/** One page of keys after `marker` under `prefix`, grouped by `delimiter`; common prefixes count towards `limit`. */
function listPage(ctx: RequestContext, bucket: string, prefix: string, delimiter: string, marker: string, limit: number): ListingPage {
  const page: ListingPage = { objects: [], prefixes: [], truncated: false, last: undefined };
  let lastPrefix: string | undefined;
  for (const object of ctx.store.keysFrom(bucket, prefix, marker, true)) {
    let commonPrefix: string | undefined;
    if (delimiter !== '') {
      const at = object.key.indexOf(delimiter, prefix.length);
      if (at >= 0) commonPrefix = object.key.slice(0, at + delimiter.length);
    }
    if (commonPrefix !== undefined) {
      // Keys of a prefix already returned (here or on an earlier page) are skipped.
      if (commonPrefix === lastPrefix || (marker !== '' && compareKeys(commonPrefix, marker) <= 0)) continue;
      if (page.objects.length + page.prefixes.length >= limit) {
        page.truncated = true;
        break;
      }
      page.prefixes.push(commonPrefix);
      lastPrefix = commonPrefix;
      page.last = commonPrefix;
      continue;
    }
    if (page.objects.length + page.prefixes.length >= limit) {
      page.truncated = true;
      break;
    }
    page.objects.push(object);
    page.last = object.key;
  }
  return page;
}

function contents(objects: StoredObject[], encode: (s: string) => string, withOwner: boolean): XmlNode[] {
  return objects.map((o) => ({
    Key: encode(o.key),
    LastModified: ossIsoTime(o.lastModified),
    ETag: o.etag,
    Type: o.type,
    Size: o.size,
    StorageClass: 'Standard',
    ...(withOwner ? { Owner: OWNER } : {}),
  }));
}

export async function listObjects(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  ctx.store.bucketInfo(bucket);
  const prefix = ctx.param('prefix') ?? '';
  const delimiter = ctx.param('delimiter') ?? '';
  const marker = ctx.param('marker') ?? '';
  const limit = maxKeys(ctx, 'max-keys');
  const encode = encoder(ctx);
  const page = listPage(ctx, bucket, prefix, delimiter, marker, limit);
  ctx.sendXml(200, {
    ListBucketResult: {
      Name: bucket,
      Prefix: encode(prefix),
      Marker: encode(marker),
      MaxKeys: limit,
      Delimiter: encode(delimiter),
      EncodingType: ctx.param('encoding-type') || undefined,
      IsTruncated: page.truncated,
      NextMarker: page.truncated && page.last !== undefined ? encode(page.last) : undefined,
      Contents: contents(page.objects, encode, true),
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: encode(p) })),
    },
  });
}

function encodeToken(last: string): string {
  return Buffer.from(last, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (encodeToken(decoded) !== token) throw Errors.invalidArgument('The continuation token provided is incorrect');
  return decoded;
}

export async function listObjectsV2(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  ctx.store.bucketInfo(bucket);
  const prefix = ctx.param('prefix') ?? '';
  const delimiter = ctx.param('delimiter') ?? '';
  const token = ctx.param('continuation-token');
  const startAfter = ctx.param('start-after') ?? '';
  const marker = token ? decodeToken(token) : startAfter;
  const limit = maxKeys(ctx, 'max-keys');
  const encode = encoder(ctx);
  const page = listPage(ctx, bucket, prefix, delimiter, marker, limit);
  ctx.sendXml(200, {
    ListBucketResult: {
      Name: bucket,
      Prefix: encode(prefix),
      StartAfter: startAfter ? encode(startAfter) : undefined,
      ContinuationToken: token || undefined,
      MaxKeys: limit,
      Delimiter: encode(delimiter),
      EncodingType: ctx.param('encoding-type') || undefined,
      IsTruncated: page.truncated,
      KeyCount: page.objects.length + page.prefixes.length,
      NextContinuationToken: page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined,
      Contents: contents(page.objects, encode, (ctx.param('fetch-owner') ?? '') === 'true'),
      CommonPrefixes: page.prefixes.map((p) => ({ Prefix: encode(p) })),
    },
  });
}

export async function listMultipartUploads(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const prefix = ctx.param('prefix') ?? '';
  const delimiter = ctx.param('delimiter') ?? '';
  const keyMarker = ctx.param('key-marker') ?? '';
  const uploadIdMarker = ctx.param('upload-id-marker') ?? '';
  const limit = maxKeys(ctx, 'max-uploads', 1000);
  const encode = encoder(ctx);
  const uploads = ctx.store.listUploads(bucket, prefix).filter((u) => {
    if (keyMarker === '') return true;
    const c = compareKeys(u.key, keyMarker);
    if (c !== 0) return c > 0;
    return uploadIdMarker !== '' && compareKeys(u.id, uploadIdMarker) > 0;
  });
  const page: typeof uploads = [];
  const prefixes: string[] = [];
  let truncated = false;
  for (const upload of uploads) {
    let commonPrefix: string | undefined;
    if (delimiter !== '') {
      const at = upload.key.indexOf(delimiter, prefix.length);
      if (at >= 0) commonPrefix = upload.key.slice(0, at + delimiter.length);
    }
    if (commonPrefix !== undefined && prefixes[prefixes.length - 1] === commonPrefix) continue;
    if (page.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) prefixes.push(commonPrefix);
    else page.push(upload);
  }
  const lastUpload = page[page.length - 1];
  ctx.sendXml(200, {
    ListMultipartUploadsResult: {
      Bucket: bucket,
      KeyMarker: encode(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: truncated && lastUpload ? encode(lastUpload.key) : '',
      NextUploadIdMarker: truncated && lastUpload ? lastUpload.id : '',
      Delimiter: encode(delimiter),
      Prefix: encode(prefix),
      MaxUploads: limit,
      IsTruncated: truncated,
      Upload: page.map((u) => ({ Key: encode(u.key), UploadId: u.id, StorageClass: 'Standard', Initiated: ossIsoTime(u.initiated) })),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
    },
  });
}

export async function deleteMultipleObjects(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  ctx.store.bucketInfo(bucket);
  const body = await ctx.readSmallBody();
  const md5 = ctx.header('content-md5');
  if (md5 === undefined) throw Errors.invalidArgument('DeleteMultipleObjects needs a Content-MD5 header');
  if (md5 !== createHash('md5').update(body).digest('base64')) throw Errors.invalidDigest();
  const root = parseXmlBody(body, 'Delete');
  const quiet = String(root['Quiet'] ?? 'false').toLowerCase() === 'true';
  const objects = (root['Object'] as Array<Record<string, unknown>> | undefined) ?? [];
  if (objects.length === 0) throw Errors.malformedXml('<Delete> lists no <Object>');
  if (objects.length > 1000) throw Errors.malformedXml('DeleteMultipleObjects takes at most 1000 keys');
  const encodingType = ctx.param('encoding-type');
  const keys = objects.map((o) => {
    const key = o['Key'];
    if (typeof key !== 'string' || key === '') throw Errors.malformedXml('each <Object> needs a <Key>');
    if (encodingType !== 'url') return key;
    try {
      return decodeURIComponent(key);
    } catch {
      // OSS answers a key that is not valid URL encoding with 400, never a server error.
      throw Errors.invalidArgument(`<Key> is not valid URL encoding (encoding-type=url): ${JSON.stringify(key.slice(0, 64))}`);
    }
  });
  for (const key of keys) await ctx.store.deleteObject(bucket, key);
  const encode = encoder(ctx);
  ctx.sendXml(200, {
    DeleteResult: {
      EncodingType: encodingType || undefined,
      Deleted: quiet ? undefined : keys.map((k) => ({ Key: encode(k) })),
    },
  });
}
