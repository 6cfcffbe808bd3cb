import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { radosgw } from './fixtures/radosgw.js';

// What the real Ceph radosgw the s3a tests run on does with the requests durable flush is built from,
// asked with the plain AWS SDK: the facts the store capabilities of s3a:// will be declared from (and
// probed). Each is a test, so that a different radosgw release that changes one fails here first.

const MiB = 1024 * 1024;
const BUCKET = 'radosgw-facts';
let s3: S3Client;

beforeAll(async () => {
  const gateway = await radosgw();
  s3 = new S3Client({
    endpoint: gateway.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 180_000);
afterAll(() => s3?.destroy());

async function status(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode ?? '?'} ${e.name}`,
  );
}

async function upload(key: string, parts: Array<[number, number]>): Promise<{ uploadId: string; parts: CompletedPart[] }> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, Metadata: { 'hadoopfs-flush-writer': 'w1' } }));
  const done: CompletedPart[] = [];
  for (const [number, size] of parts) {
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: number, Body: Buffer.alloc(size, number % 251) }));
    done.push({ PartNumber: number, ETag });
  }
  return { uploadId: UploadId!, parts: done };
}

const complete = (key: string, uploadId: string, parts: CompletedPart[], extra: { IfNoneMatch?: string } = {}) =>
  s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...extra }));

describe('radosgw (Ceph 16), asked with the AWS SDK', () => {
  it('stores and reads keys with spaces, unicode, + and %', async () => {
    const key = 'deep/no markers/ü + 100%.txt';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body!.transformToString()).toBe('hello');
  });

  it('refuses PutObject with If-None-Match: * onto an existing key (412), and writes it where there is none', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'put/exists', Body: 'first' }));
    expect(await status(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'put/exists', Body: 'second', IfNoneMatch: '*' })))).toBe('412 PreconditionFailed');
    expect(await status(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'put/new', Body: 'x', IfNoneMatch: '*' })))).toBe('ok');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'put/exists' }));
    expect(await got.Body!.transformToString()).toBe('first');
  });

  it('ignores If-None-Match: * on CompleteMultipartUpload and on CopyObject: both overwrite', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/target', Body: 'older' }));
    const { uploadId, parts } = await upload('cond/target', [[1, 1000]]);
    expect(await status(complete('cond/target', uploadId, parts, { IfNoneMatch: '*' }))).toBe('ok');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'cond/target' }))).ContentLength).toBe(1000);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/source', Body: 'source' }));
    expect(await status(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'cond/target', CopySource: `${BUCKET}/cond/source`, IfNoneMatch: '*' })))).toBe('ok');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'cond/target' }))).ContentLength).toBe(6);
  });

  it('refuses a CompleteMultipartUpload that leaves out any uploaded part (400 InvalidPart), a claim part above the writer’s too', async () => {
    const { uploadId, parts } = await upload('subset/a', [[1, 5 * MiB], [2, 1000]]);
    expect(await status(complete('subset/a', uploadId, parts.slice(0, 1)))).toBe('400 InvalidPart');
    const claimed = await upload('subset/b', [[1, 5 * MiB], [10_000, 0]]);
    expect(await status(complete('subset/b', claimed.uploadId, claimed.parts.slice(0, 1)))).toBe('400 InvalidPart');
    // With every part named, an empty last part included, it completes; the answer's ETag is empty, HEAD's is not.
    const answer = await complete('subset/b', claimed.uploadId, claimed.parts);
    expect(answer.ETag ?? '').toBe('');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'subset/b' }));
    expect(head.ContentLength).toBe(5 * MiB);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(head.Metadata).toEqual({ 'hadoopfs-flush-writer': 'w1' });
  });

  it('needs 5 MiB parts but the last (400 EntityTooSmall)', async () => {
    const { uploadId, parts } = await upload('small/a', [[1, 1000], [2, 1000]]);
    expect(await status(complete('small/a', uploadId, parts))).toBe('400 EntityTooSmall');
  });

  it('lists parts after a part-number marker (the fencing read) and the uploads of a key with their initiation time; an unknown upload is 404 NoSuchKey', async () => {
    const before = Date.now() - 60_000;
    const { uploadId } = await upload('fence/a', [[1, 10], [9_999, 0]]);
    const above = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'fence/a', UploadId: uploadId, PartNumberMarker: '9998' }));
    expect(above.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[9_999, 0]]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'fence/a' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toEqual([uploadId]);
    expect(uploads.Uploads![0]!.Initiated!.getTime()).toBeGreaterThan(before);
    // Not S3's NoSuchUpload: an adapter must read a 404 of an upload request as "no such upload" whatever its code.
    expect(await status(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'fence/a', UploadId: 'no-such-upload' })))).toBe('404 NoSuchKey');
  });

  it('copies a byte range of an object into a part (UploadPartCopy with a range)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'range/source', Body: Buffer.from('0123456789') }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'range/target' }));
    const copied = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'range/target', UploadId, PartNumber: 1, CopySource: `${BUCKET}/range/source`, CopySourceRange: 'bytes=2-5' }));
    // Its ETag is the MD5 of the bytes copied, as an UploadPart's is: recover checks each copied piece by it.
    expect(copied.CopyPartResult!.ETag!.replace(/"/g, '')).toBe(createHash('md5').update('2345').digest('hex'));
    await complete('range/target', UploadId!, [{ PartNumber: 1, ETag: copied.CopyPartResult!.ETag }]);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range/target' }));
    expect(await got.Body!.transformToString()).toBe('2345');
  });
});
