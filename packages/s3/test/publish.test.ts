import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, IOError } from '@hadoopfs/core';
import { MANIFEST_KIND, MANIFEST_V3, publishFlushed, PublishSourceVanishedError, WRITER_META, type FlushManifest, type StoreClient } from '@hadoopfs/object-store';
import type { S3AFileSystem } from '@hadoopfs/s3';
import { gatewayForTests, newBucket, proxyForTests, s3aFs } from './helpers.js';

// publishFlushed (the data layout's last step, object-store/src/durable/publish.ts) on radosgw, each of its
// checks on its own: what the mutation pass found the properties never reach (packages/jindo/MUTATION.md, pass 3).

const MiB = 1024 * 1024;
const env = gatewayForTests();
const wire = proxyForTests(env);

const WRITER = 'f'.repeat(32);
const md5 = (b: Uint8Array) => `"${createHash('md5').update(b).digest('hex')}"`;

/** A data object of `parts` uploaded by WRITER at `dataKey`, and the manifest naming `named` of them (and `tail`). */
async function staged(client: StoreClient, parts: Buffer[], named = parts.length, tail = Buffer.alloc(0), claim = false) {
  const dataKey = `tmp/t/flush.${WRITER}.data`;
  const uploadId = await client.initUpload(dataKey, { [WRITER_META]: WRITER });
  const done = [];
  for (const [i, body] of parts.entries()) done.push({ number: i + 1, size: body.length, etag: (await client.uploadPartWithChecksum(dataKey, uploadId, i + 1, body)).etag });
  if (claim) done.push({ number: 10_000, size: 0, etag: (await client.uploadPartWithChecksum(dataKey, uploadId, 10_000, Buffer.alloc(0))).etag });
  await client.complete(dataKey, uploadId, done);
  const manifest: FlushManifest & { dataKey: string } = {
    kind: MANIFEST_KIND,
    version: MANIFEST_V3,
    bucket: client.bucket,
    target: 't',
    writerId: WRITER,
    sequence: 1,
    dataKey,
    uploadId,
    parts: done.slice(0, named).filter((p) => p.number < 10_000),
    tail: { size: tail.length, etag: md5(tail), crc64: '0' },
    flushedLength: parts.slice(0, named).reduce((n, p) => n + p.length, 0) + tail.length,
    replaces: null,
  };
  const manifestKey = `tmp/t/flush.${WRITER}.0000000001.manifest`;
  const header = Buffer.from(`${JSON.stringify(manifest)}\n`);
  await client.put(manifestKey, Buffer.concat([header, tail]));
  return { source: { targetKey: 't', writerId: WRITER, manifest, manifestKey, tailOffset: header.length, forbidOverwrite: false }, dataKey };
}

async function clientOf(endpoint?: string): Promise<{ client: StoreClient; bucket: string }> {
  const bucket = await newBucket(env.sdk, 'publish');
  const fs = (await s3aFs(env.gateway, bucket, endpoint ? { 'fs.s3a.endpoint': endpoint } : {})) as S3AFileSystem;
  return { client: fs.client, bucket };
}

describe('publishFlushed on radosgw', () => {
  it('copies the data object whole (one CopyObject) when it is exactly the manifest’s parts — with or without recover’s empty claim part', async () => {
    for (const claim of [false, true]) {
      const { client } = await clientOf(wire.proxy.endpoint);
      const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB + 10)];
      const { source } = await staged(client, parts, 2, undefined, claim);
      const before = { ...wire.proxy.forwarded };
      await publishFlushed(client, source);
      const sent = (api: string) => (wire.proxy.forwarded[api] ?? 0) - (before[api] ?? 0);
      expect([sent('CopyObject'), sent('UploadPartCopy')]).toEqual([1, 0]);
      expect((await client.getBytes('t'))!.equals(Buffer.concat(parts))).toBe(true);
      expect((await client.head('t'))!.meta?.[WRITER_META]).toBe(WRITER);
    }
  });

  it('builds the flushed prefix from ranges when the data object holds more, each range checked: a part whose bytes differ is an IOError and no target', async () => {
    const { client } = await clientOf();
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(10)];
    const tail = Buffer.from('the tail');
    const { source } = await staged(client, parts, 1, tail);
    await publishFlushed(client, source);
    expect((await client.getBytes('t'))!.equals(Buffer.concat([parts[0]!, tail]))).toBe(true);
    // A manifest naming a part by another ETag: the copy of those bytes does not match it.
    const forged = { ...source, manifest: { ...source.manifest, parts: [{ ...source.manifest.parts[0]!, etag: md5(Buffer.from('other bytes')) }] } };
    await client.delete('t');
    await expect(publishFlushed(client, forged)).rejects.toThrow(/bytes 0-5242880 copied from .* have ETag .*, not the writer's/);
    expect(await client.head('t')).toBeUndefined();
    expect((await client.listUploads('t')).uploads.filter((u) => u.key === 't')).toEqual([]);
  });

  it('a data object that is gone, or not the writer’s, is PublishSourceVanishedError (the caller lists again); one shorter than its parts, an IOError', async () => {
    const { client } = await clientOf();
    const { source, dataKey } = await staged(client, [randomBytes(5 * MiB)]);
    await client.put(dataKey, Buffer.from('another tool wrote here'));
    await expect(publishFlushed(client, source)).rejects.toBeInstanceOf(PublishSourceVanishedError);
    await client.delete(dataKey);
    await expect(publishFlushed(client, source)).rejects.toBeInstanceOf(PublishSourceVanishedError);
    const short = await staged(client, [randomBytes(5 * MiB)]);
    const longer = { ...short.source, manifest: { ...short.source.manifest, parts: [{ ...short.source.manifest.parts[0]!, size: 6 * MiB }], flushedLength: 6 * MiB } };
    await expect(publishFlushed(client, longer)).rejects.toThrow(IOError);
    await expect(publishFlushed(client, longer)).rejects.toThrow(/holds 5242880 bytes, fewer than the 6291456 its manifest's parts name/);
  });

  it('create-only where radosgw ignores the condition: a target another tool wrote is FileAlreadyExistsError and stays; the writer’s own is no obstacle', async () => {
    const { client } = await clientOf();
    const { source } = await staged(client, [randomBytes(5 * MiB)]);
    await client.put('t', Buffer.from('written by another tool'));
    await expect(publishFlushed(client, { ...source, forbidOverwrite: true })).rejects.toBeInstanceOf(FileAlreadyExistsError);
    expect((await client.getBytes('t'))!.toString()).toBe('written by another tool');
    await client.delete('t');
    await publishFlushed(client, { ...source, forbidOverwrite: true });
    // Published again (a lost answer, a second publisher): the target is the writer's, so it goes on.
    await publishFlushed(client, { ...source, forbidOverwrite: true });
    expect((await client.head('t'))!.size).toBe(5 * MiB);
  });

  it('a manifest without parts is its tail alone: no data object is needed', async () => {
    const { client } = await clientOf();
    const tail = Buffer.from('only a tail');
    const { source, dataKey } = await staged(client, [randomBytes(5 * MiB)], 0, tail);
    await client.delete(dataKey);
    await publishFlushed(client, source);
    expect((await client.getBytes('t'))!.equals(tail)).toBe(true);
  });
});
