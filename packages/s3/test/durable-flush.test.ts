import { randomBytes } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand } from '@aws-sdk/client-s3';
import { MANIFEST_KIND } from '@hadoopfs/object-store';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, LeaseExpiredError, PathCapabilities, StreamCapabilities, type FileSystem, type FSDataOutputStream } from '@hadoopfs/core';
import { S3_CAPABILITIES, type S3AFileSystem } from '@hadoopfs/s3';
import { gatewayForTests, newBucket, proxyForTests, s3aFs } from './helpers.js';

// Durable flush on s3a:// against the real radosgw, whose CompleteMultipartUpload must name every part:
// the 'data' layout (a writer's upload on its own key in the staging folder, the target built from the
// flushed prefix). What the OSS tests prove of the protocol, here for the layout only this store uses.

const MiB = 1024 * 1024;
const env = gatewayForTests();
const wire = proxyForTests(env);
const FLUSH = { 'fs.s3a.flush.enable': 'true', 'fs.s3a.multipart.size': '5m', 'fs.s3a.fast.upload.buffer': 'array' };

async function durableFs(bucket: string, extra: Record<string, string> = {}): Promise<S3AFileSystem> {
  return (await s3aFs(env.gateway, bucket, { ...FLUSH, ...extra })) as S3AFileSystem;
}

async function read(fs: FileSystem, path: string): Promise<Buffer> {
  await using input = await fs.open(path);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Every key under the staging path and every incomplete upload in the bucket. */
async function leftovers(bucket: string): Promise<{ staged: string[]; uploads: string[] }> {
  const listed = await env.sdk.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tmp/' }));
  const uploads = await env.sdk.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return { staged: (listed.Contents ?? []).map((o) => o.Key!), uploads: (uploads.Uploads ?? []).map((u) => u.Key!) };
}

/** Nothing under the staging path and no incomplete upload in the bucket; then the filesystem is closed. */
async function closeLeavingNothing(bucket: string, fs: FileSystem): Promise<void> {
  expect(await leftovers(bucket)).toEqual({ staged: [], uploads: [] });
  await fs.close();
}

/** A durable writer of `path` that has written and flushed `bytes`. */
async function flushedWriter(fs: FileSystem, path: string, bytes: Buffer): Promise<FSDataOutputStream> {
  const out = await fs.create(path);
  await out.write(bytes);
  await out.hflush();
  return out;
}

/** A writer that dies: its stream is dropped, never closed nor aborted (the process ends in the kill tests). */
function die(_out: FSDataOutputStream): void {}

describe('durable flush on s3a:// (radosgw)', () => {
  it('is declared where enabled, and uses the data layout on a store whose Complete must name every part', async () => {
    expect(S3_CAPABILITIES.completeOmitsParts).toBe(false);
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    expect(await fs.hasPathCapability('/f', PathCapabilities.DURABLE_FLUSH)).toBe(true);
    const out = await fs.create('/f');
    expect(out.hasCapability(StreamCapabilities.DURABLE_FLUSH)).toBe(true);
    // Durable, not visible: Hadoop's hflush promises visibility, so it is not declared.
    expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(false);
    await out.abort();
    const plain = await s3aFs(env.gateway, b);
    expect(await plain.hasPathCapability('/f', PathCapabilities.DURABLE_FLUSH)).toBe(false);
    await Promise.all([fs.close(), plain.close()]);
  });

  it('recovers exactly the flushed bytes of a writer that died: whole parts, a flushed short run and a tail, none of what came after', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    const data = randomBytes(13 * MiB + 777);
    const out = await fs.create('/logs/a.log');
    await out.write(data.subarray(0, 11 * MiB)); // two whole parts up, 1 MiB buffered
    await out.hflush(); // 1 MiB: below the 5 MiB minimum, so it is the manifest's tail
    await out.write(data.subarray(11 * MiB, 12 * MiB + 5));
    await out.hflush();
    await out.write(data.subarray(12 * MiB + 5)); // never flushed
    die(out);
    const reports = await fs.recoverAll('/logs/a.log', { force: true });
    expect(reports.map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', 12 * MiB + 5]]);
    expect((await read(fs, '/logs/a.log')).equals(data.subarray(0, 12 * MiB + 5))).toBe(true);
    expect(await leftovers(b)).toEqual({ staged: [], uploads: [] });
    // Again: nothing staged, nothing changed.
    expect((await fs.recoverAll('/logs/a.log')).map((r) => r.state)).toEqual(['nothing-staged']);
    await fs.close();
  });

  it('its manifests declare the format’s own kind (OSS’s keep JindoSDK’s name for older readers)', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    const out = await flushedWriter(fs, '/k', Buffer.from('x'));
    const listed = await env.sdk.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'tmp/k/' }));
    const manifestKey = listed.Contents!.map((o) => o.Key!).find((k) => k.endsWith('.manifest'))!;
    const body = await (await env.sdk.send(new GetObjectCommand({ Bucket: b, Key: manifestKey }))).Body!.transformToString();
    expect(JSON.parse(body.slice(0, body.indexOf('\n'))).kind).toBe(MANIFEST_KIND);
    await out.close();
    await closeLeavingNothing(b, fs);
  });

  it('recovers a flush of parts only (no tail) and a flush of a tail only (no part)', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    const whole = randomBytes(10 * MiB);
    const a = await flushedWriter(fs, '/parts-only', whole);
    await a.write(Buffer.from('lost'));
    die(a);
    const small = Buffer.from('one short line\n');
    die(await flushedWriter(fs, '/tail-only', small));
    const reports = await fs.recoverAll('/', { recursive: true, force: true });
    expect(reports.filter((r) => r.state === 'recovered').map((r) => [r.path, r.recoveredBytes]).sort()).toEqual([
      [`s3a://${b}/parts-only`, whole.length],
      [`s3a://${b}/tail-only`, small.length],
    ]);
    expect((await read(fs, '/parts-only')).equals(whole)).toBe(true);
    expect((await read(fs, '/tail-only')).equals(small)).toBe(true);
    await closeLeavingNothing(b, fs);
  });

  it('a flush of a long buffered run sends it as several parts at once (each at least the minimum), and recover rebuilds it', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b, { 'fs.s3a.multipart.size': '16m' });
    const data = randomBytes(15 * MiB + 3);
    const out = await flushedWriter(fs, '/split', data);
    const uploadId = await (out as unknown as { uploadId: Promise<string> }).uploadId;
    const uploads = await env.sdk.send(new ListMultipartUploadsCommand({ Bucket: b }));
    const dataKey = uploads.Uploads!.find((u) => u.UploadId === uploadId)!.Key!;
    const parts = await env.sdk.send(new ListPartsCommand({ Bucket: b, Key: dataKey, UploadId: uploadId }));
    // 15 MiB + 3 buffered, 4 uploads at once, 5 MiB the least: three parts of a third each.
    expect(parts.Parts!.map((p) => p.Size)).toEqual([5 * MiB + 1, 5 * MiB + 1, 5 * MiB + 1]);
    die(out);
    expect((await fs.recoverAll('/split', { force: true })).map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', data.length]]);
    expect((await read(fs, '/split')).equals(data)).toBe(true);
    await closeLeavingNothing(b, fs);
  });

  it('closes with every byte at the target and nothing left in staging: flushed, never flushed but multipart, and small', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    const data = randomBytes(12 * MiB + 3);
    const flushed = await fs.create('/flushed');
    await flushed.write(data.subarray(0, 6 * MiB));
    await flushed.hflush();
    await flushed.write(data.subarray(6 * MiB));
    await flushed.close();
    const streamed = await fs.create('/streamed');
    await streamed.write(data);
    await streamed.close();
    const small = await fs.create('/small');
    await small.write(Buffer.from('hello'));
    await small.close();
    expect((await read(fs, '/flushed')).equals(data)).toBe(true);
    expect((await read(fs, '/streamed')).equals(data)).toBe(true);
    expect((await read(fs, '/small')).toString()).toBe('hello');
    await closeLeavingNothing(b, fs);
  });

  it('a forced recover beside a live writer takes the file over: the writer’s next flush and its close fail, the flushed bytes are the file', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    const out = await flushedWriter(fs, '/live', Buffer.alloc(6 * MiB, 1));
    // Within the lease, unforced: refused, nothing changed.
    const refused = await fs.recoverAll('/live');
    expect(refused.map((r) => r.state)).toEqual(['live-writer']);
    expect((await fs.recoverAll('/live', { force: true })).map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', 6 * MiB]]);
    await out.write(Buffer.alloc(10, 2));
    await expect(out.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    await expect(out.close()).rejects.toBeInstanceOf(LeaseExpiredError);
    expect((await fs.getFileStatus('/live')).length).toBe(6 * MiB);
    await closeLeavingNothing(b, fs);
  });

  it('create() over a writer whose lease ran out recovers its flushed bytes first (lease recovery): overwrite=false then finds the file', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b, { 'fs.s3a.flush.lease': '0s' });
    die(await flushedWriter(fs, '/f', Buffer.from('flushed by a writer that died')));
    await expect(fs.create('/f', { overwrite: false })).rejects.toThrow(/already exists/);
    expect((await read(fs, '/f')).toString()).toBe('flushed by a writer that died');
    await closeLeavingNothing(b, fs);
  });

  it('create() within a live writer’s lease is AlreadyBeingCreatedError, whether it flushed or only began its upload', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b);
    const flushed = await flushedWriter(fs, '/a', Buffer.from('x'));
    await expect(fs.create('/a')).rejects.toThrow(/being written/);
    const streaming = await fs.create('/b');
    await streaming.write(Buffer.alloc(6 * MiB)); // its data upload begun, nothing flushed
    await (streaming as unknown as { uploadId: Promise<string> }).uploadId;
    await expect(fs.create('/b')).rejects.toThrow(/being written/);
    await Promise.all([flushed.close(), streaming.close()]);
    expect((await fs.getFileStatus('/b')).length).toBe(6 * MiB);
    await fs.close();
  });

  it('a staging path that is not a directory in the bucket is a ConfigurationError naming the key', async () => {
    const b = await newBucket(env.sdk, 'durable');
    await expect(durableFs(b, { 'fs.s3a.flush.staging.path': 's3a://other/x' })).rejects.toThrow(ConfigurationError);
    await expect(durableFs(b, { 'fs.s3a.flush.enable': 'yes' })).rejects.toThrow(/fs\.s3a\.flush\.enable: "yes" is not true or false/);
  });
});

describe('a close of the data layout cut short (radosgw, faults on the wire)', () => {
  it('the bytes below a part’s minimum at close are its manifest’s tail, so that recover’s claim can still be completed (found by the property)', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b, { 'fs.s3a.endpoint': wire.proxy.endpoint, 'fs.s3a.attempts.maximum': '2' });
    const data = randomBytes(7 * MiB + 10);
    const out = await flushedWriter(fs, '/f', data.subarray(0, 7 * MiB)); // one part, a 2 MiB tail
    await out.write(data.subarray(7 * MiB));
    // Every Complete refused: the close saved its manifest, then failed.
    wire.proxy.add({ api: 'CompleteMultipartUpload', action: { type: 'refuse', status: 503, code: 'SlowDown' } });
    await expect(out.close()).rejects.toThrow(/close failed/);
    wire.proxy.clear();
    const reports = await fs.recoverAll('/f', { force: true });
    expect(reports.map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', data.length]]);
    expect((await read(fs, '/f')).equals(data)).toBe(true);
    await closeLeavingNothing(b, fs);
  });

  it('an Initiate of the target whose answer was lost, sent again by the publish, leaves no upload behind (found by the property)', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b, { 'fs.s3a.endpoint': wire.proxy.endpoint });
    const out = await flushedWriter(fs, '/f', Buffer.from('a small file: its close builds the target from the manifest'));
    wire.proxy.add({ api: 'CreateMultipartUpload', keyPattern: /^f$/, nth: 1, action: { type: 'lose-answer' } });
    await out.close();
    wire.proxy.clear();
    expect((await read(fs, '/f')).toString()).toBe('a small file: its close builds the target from the manifest');
    await closeLeavingNothing(b, fs);
  });

  it('a recover within the lease leaves a closing writer’s completed data object alone (found by the property); forced, it finishes the close', async () => {
    const b = await newBucket(env.sdk, 'durable');
    const fs = await durableFs(b, { 'fs.s3a.endpoint': wire.proxy.endpoint, 'fs.s3a.attempts.maximum': '2' });
    const data = randomBytes(6 * MiB);
    const out = await flushedWriter(fs, '/f', data);
    // The data upload completes; every copy to the target is refused.
    for (const api of ['CopyObject', 'UploadPartCopy']) wire.proxy.add({ api, action: { type: 'refuse', status: 503, code: 'SlowDown' } });
    await expect(out.close()).rejects.toThrow(/close failed/);
    wire.proxy.clear();
    const within = await fs.recoverAll('/f');
    expect(within.map((r) => r.state)).toEqual(['live-writer']);
    expect(await fs.exists('/f')).toBe(false);
    expect((await fs.recoverAll('/f', { force: true })).map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', data.length]]);
    expect((await read(fs, '/f')).equals(data)).toBe(true);
    await closeLeavingNothing(b, fs);
  });
});
