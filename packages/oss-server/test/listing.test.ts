import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { client, expectOssError, raw, startTestServer } from './helpers.js';

let server: RunningOssServer;
const KEYS = ['a/1', 'a/2', 'a/b/3', 'a/b/4', 'a/c/5', 'b', 'c/6', 'd/z', 'd/é', 'd/ｚ', 'd/😀'];

beforeAll(async () => {
  server = await startTestServer({ buckets: ['listing'] });
  const oss = client(server, 'ip', { bucket: 'listing' });
  for (const key of KEYS) await oss.put(key, Buffer.from(key));
});
afterAll(async () => {
  await server.close();
});

interface Listed {
  objects?: Array<{ name: string; size: number; type: string }>;
  prefixes?: string[] | null;
  isTruncated: boolean;
  nextContinuationToken?: string;
  nextMarker?: string;
}

describe('listing', () => {
  it('lists V2 in UTF-8 byte order with delimiter and common prefixes', async () => {
    const oss = client(server, 'ip', { bucket: 'listing' });
    const all = (await oss.listV2({ 'max-keys': '1000' } as never)) as unknown as Listed;
    // z (U+7A) < é (U+E9) < ｚ (U+FF5A) < 😀 (U+1F600): UTF-16 order would put 😀 before ｚ.
    expect(all.objects!.map((o) => o.name)).toEqual(KEYS);
    const top = (await oss.listV2({ delimiter: '/', 'max-keys': '1000' } as never)) as unknown as Listed;
    expect(top.objects!.map((o) => o.name)).toEqual(['b']);
    expect(top.prefixes).toEqual(['a/', 'c/', 'd/']);
    const inA = (await oss.listV2({ prefix: 'a/', delimiter: '/', 'max-keys': '1000' } as never)) as unknown as Listed;
    expect(inA.objects!.map((o) => o.name)).toEqual(['a/1', 'a/2']);
    expect(inA.prefixes).toEqual(['a/b/', 'a/c/']);
  });

  it('pages V2 with continuation tokens, prefixes counting towards max-keys, never repeating', async () => {
    const oss = client(server, 'v4', { bucket: 'listing' });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = (await oss.listV2({ delimiter: '/', 'max-keys': '2', ...(token ? { 'continuation-token': token } : {}) } as never)) as unknown as Listed;
      seen.push(...(page.objects ?? []).map((o) => o.name), ...(page.prefixes ?? []));
      token = String(page.isTruncated) === 'true' ? page.nextContinuationToken : undefined;
      pages++;
    } while (token);
    expect(seen.sort()).toEqual(['a/', 'b', 'c/', 'd/']);
    expect(pages).toBe(2);
  });

  it('pages V1 with markers and start-after', async () => {
    const oss = client(server, 'path', { bucket: 'listing' });
    const first = (await oss.list({ 'max-keys': 4 } as never, {})) as unknown as Listed;
    expect(first.objects!.map((o) => o.name)).toEqual(KEYS.slice(0, 4));
    expect(String(first.isTruncated)).toBe('true');
    const second = (await oss.list({ 'max-keys': 100, marker: first.nextMarker } as never, {})) as unknown as Listed;
    expect(second.objects!.map((o) => o.name)).toEqual(KEYS.slice(4));
    const after = (await oss.listV2({ 'start-after': 'c/6', 'max-keys': '100' } as never)) as unknown as Listed;
    expect(after.objects!.map((o) => o.name)).toEqual(KEYS.slice(7));
  });

  it('reports object types and sizes', async () => {
    const oss = client(server, 'ip', { bucket: 'listing' });
    await oss.append('z-appendable', Buffer.from('12345'));
    const page = (await oss.listV2({ prefix: 'z-' } as never)) as unknown as Listed;
    expect(page.objects).toMatchObject([{ name: 'z-appendable', size: 5, type: 'Appendable' }]);
    await oss.delete('z-appendable');
  });

  it('url-encodes names when asked', async () => {
    const oss = client(server, 'ip', { bucket: 'listing' });
    const res = await raw(oss, { method: 'GET', query: { 'list-type': '2', prefix: 'd/', 'encoding-type': 'url' } });
    const xml = res.data.toString();
    expect(xml).toContain(`<Key>${encodeURIComponent('d/é')}</Key>`);
    expect(xml).toContain('<EncodingType>url</EncodingType>');
  });

  it('refuses max-keys above 1000', async () => {
    const oss = client(server, 'ip', { bucket: 'listing' });
    await expectOssError(oss.listV2({ 'max-keys': '1001' } as never), 'InvalidArgument', 400);
  });
});

describe('buckets', () => {
  it('creates, lists, refuses to delete while non-empty or with uploads, then deletes', async () => {
    const oss = client(server, 'ip');
    await oss.putBucket('fresh-bucket');
    await expectOssError(oss.putBucket('fresh-bucket'), 'BucketAlreadyExists', 409);
    const listed = await oss.listBuckets({});
    expect((listed.buckets ?? []).map((b: { name: string }) => b.name)).toContain('fresh-bucket');
    const inFresh = client(server, 'ip', { bucket: 'fresh-bucket' });
    await inFresh.put('x', Buffer.from('x'));
    await expectOssError(oss.deleteBucket('fresh-bucket'), 'BucketNotEmpty', 409);
    await inFresh.delete('x');
    const { uploadId } = await inFresh.initMultipartUpload('pending');
    await expectOssError(oss.deleteBucket('fresh-bucket'), 'BucketNotEmpty', 409);
    await inFresh.abortMultipartUpload('pending', uploadId);
    await oss.deleteBucket('fresh-bucket');
    await expectOssError(inFresh.put('y', Buffer.from('y')), 'NoSuchBucket', 404);
    const info = await oss.getBucketInfo('listing');
    expect(info.bucket.Name).toBe('listing');
  });

  it('refuses invalid bucket and object names', async () => {
    // ali-oss checks bucket names itself, so these go as plain HTTP (the name is checked before the signature).
    for (const bad of ['Bad_Bucket', 'ab', '-lead', 'x'.repeat(64)]) {
      const res = await fetch(`${server.endpoint}/${bad}/key`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('<Code>InvalidBucketName</Code>');
    }
    await expectOssError(client(server, 'ip', { bucket: 'listing' }).put('x'.repeat(1024), Buffer.from('x')), 'InvalidObjectName', 400);
  });
});
