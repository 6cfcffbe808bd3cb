import { checkObjectKey } from '../addressing.js';
import type { RequestContext } from '../context.js';
import { Errors } from '../oss-error.js';
import { MAX_PART_NUMBER } from '../storage/store.js';
import { ossIsoTime, parseXmlBody } from '../xml.js';
import { copySource } from './object.js';


export async function initiateMultipartUpload(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  checkObjectKey(key);
  const upload = await ctx.store.initiateUpload(bucket, key, {
    contentType: ctx.header('content-type') ?? 'application/octet-stream',
    userMeta: ctx.userMeta(),
  });
  ctx.sendXml(200, { InitiateMultipartUploadResult: { Bucket: bucket, Key: key, UploadId: upload.id } });
}

function partNumber(ctx: RequestContext): number {
  const text = ctx.param('partNumber') ?? '';
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw Errors.invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`);
  }
  return n;
}

export async function uploadPart(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  const number = partNumber(ctx);
  const uploadId = ctx.param('uploadId') ?? '';
  // Unknown uploads are refused before the body is read.
  ctx.store.getUpload(bucket, key, uploadId);
  const body = await ctx.ingestBody();
  const part = await ctx.store.putPart(bucket, key, uploadId, number, body);
  ctx.sendEmpty(200, { etag: part.etag, 'x-oss-hash-crc64ecma': part.crc64, 'content-md5': body.md5.toString('base64') });
}

export async function uploadPartCopy(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  const number = partNumber(ctx);
  const uploadId = ctx.param('uploadId') ?? '';
  ctx.store.getUpload(bucket, key, uploadId);
  const source = copySource(ctx);
  let start = 0;
  let end = source.size;
  const range = ctx.header('x-oss-copy-source-range');
  if (range !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    if (!m) throw Errors.invalidArgument('x-oss-copy-source-range must be bytes=first-last');
    start = Number(m[1]);
    end = Number(m[2]) + 1;
    if (start >= end || end > source.size) throw Errors.invalidRange();
  }
  const body = await ctx.store.copyPartFrom(source, start, end);
  const part = await ctx.store.putPart(bucket, key, uploadId, number, body);
  ctx.sendXml(200, { CopyPartResult: { LastModified: ossIsoTime(part.lastModified), ETag: part.etag } }, { etag: part.etag, 'x-oss-hash-crc64ecma': part.crc64 });
}

export async function completeMultipartUpload(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  const uploadId = ctx.param('uploadId') ?? '';
  ctx.store.getUpload(bucket, key, uploadId);
  const completeAll = (ctx.header('x-oss-complete-all') ?? '').toLowerCase() === 'yes';
  const body = await ctx.readSmallBody();
  let selection: Array<{ number: number; etag: string }> | 'all';
  if (completeAll) {
    if (body.length > 0) throw Errors.invalidArgument('x-oss-complete-all: yes takes an empty body');
    selection = 'all';
  } else {
    const root = parseXmlBody(body, 'CompleteMultipartUpload');
    const parts = (root['Part'] as Array<Record<string, unknown>> | undefined) ?? [];
    selection = parts.map((p) => {
      const number = Number(p['PartNumber']);
      const etag = p['ETag'];
      if (!Number.isInteger(number) || typeof etag !== 'string') throw Errors.malformedXml('each <Part> needs <PartNumber> and <ETag>');
      return { number, etag };
    });
    if (selection.length === 0) throw Errors.malformedXml('<CompleteMultipartUpload> lists no <Part>');
  }
  const object = await ctx.store.completeUpload(bucket, key, uploadId, selection, (ctx.header('x-oss-forbid-overwrite') ?? '').toLowerCase() === 'true');
  ctx.sendXml(
    200,
    {
      CompleteMultipartUploadResult: {
        Location: `http://${ctx.header('host') ?? ''}/${key}`,
        Bucket: bucket,
        Key: key,
        ETag: object.etag,
      },
    },
    { 'x-oss-hash-crc64ecma': object.crc64, etag: object.etag },
  );
}

export async function abortMultipartUpload(ctx: RequestContext): Promise<void> {
  await ctx.store.abortUpload(ctx.requireBucket(), ctx.requireKey(), ctx.param('uploadId') ?? '');
  ctx.sendEmpty(204);
}

function boundedInt(ctx: RequestContext, name: string, dflt: number, max: number): number {
  const text = ctx.param(name);
  if (text === undefined || text === '') return dflt;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw Errors.invalidArgument(`${name} must be an integer between 1 and ${max}`);
  return n;
}

export async function listParts(ctx: RequestContext): Promise<void> {
  const bucket = ctx.requireBucket();
  const key = ctx.requireKey();
  const uploadId = ctx.param('uploadId') ?? '';
  const { parts } = ctx.store.getUpload(bucket, key, uploadId);
  const maxParts = boundedInt(ctx, 'max-parts', 1000, 1000);
  const marker = Number(ctx.param('part-number-marker') ?? '0') || 0;
  const sorted = [...parts.values()].filter((p) => p.number > marker).sort((a, b) => a.number - b.number);
  const page = sorted.slice(0, maxParts);
  const truncated = sorted.length > page.length;
  ctx.sendXml(200, {
    ListPartsResult: {
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.length > 0 ? page[page.length - 1]!.number : marker,
      MaxParts: maxParts,
      IsTruncated: truncated,
      Part: page.map((p) => ({ PartNumber: p.number, LastModified: ossIsoTime(p.lastModified), ETag: p.etag, HashCrc64ecma: p.crc64, Size: p.size })),
    },
  });
}
