import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '@hadoopfs/core';
import { MIN_PART_SIZE, type RunningOssServer } from '@hadoopfs/oss-server';
import { bytes, client, expectOssError, raw, startTestServer } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const PART = MIN_PART_SIZE;

describe.each(['ip', 'v4'] as const)('multipart uploads (%s)', (style) => {
  const key = (name: string) => `mp-${style}/${name}`;

  it('uploads parts in parallel and completes a subset with gaps, in order, with a combined CRC', async () => {
    const oss = client(server, style);
    const { uploadId } = await oss.initMultipartUpload(key('big'), { meta: { kind: 'parts' } as never });
    const data = [bytes(PART, 1), bytes(PART + 17, 2), bytes(PART, 3), bytes(999, 4)];
    const results = await Promise.all(data.map((d, i) => oss.uploadPart(key('big'), uploadId, i + 1, d, 0, d.length)));
    results.forEach((r, i) => expect(r.etag).toBe(`"${createHash('md5').update(data[i]!).digest('hex').toUpperCase()}"`));
    // Part 3 is left out: OSS completes exactly the listed parts.
    const chosen = [0, 1, 3].map((i) => ({ number: i + 1, etag: results[i]!.etag }));
    const done = await oss.completeMultipartUpload(key('big'), uploadId, chosen);
    const expected = Buffer.concat([data[0]!, data[1]!, data[3]!]);
    expect(done.res.headers['x-oss-hash-crc64ecma']).toBe(crc64(expected).toString());
    const got = await oss.get(key('big'));
    expect(Buffer.compare(got.content as Buffer, expected)).toBe(0);
    const head = await oss.head(key('big'));
    expect(head.res.headers['x-oss-object-type']).toBe('Multipart');
    expect(head.meta).toEqual({ kind: 'parts' });
    expect(head.res.headers['etag']).toMatch(/-3"$/);
    await expectOssError(oss.abortMultipartUpload(key('big'), uploadId), 'NoSuchUpload', 404);
    await expectOssError(oss.listParts(key('big'), uploadId), 'NoSuchUpload', 404);
    await expectOssError(oss.uploadPart(key('big'), uploadId, 1, data[0]!, 0, 10), 'NoSuchUpload', 404);
  });

  it('replaces a re-uploaded part number and lists parts in pages', async () => {
    const oss = client(server, style);
    const { uploadId } = await oss.initMultipartUpload(key('replace'));
    for (let n = 1; n <= 5; n++) await oss.uploadPart(key('replace'), uploadId, n, bytes(10, n), 0, 10);
    const again = await oss.uploadPart(key('replace'), uploadId, 2, bytes(20, 99), 0, 20);
    const page1 = await oss.listParts(key('replace'), uploadId, { 'max-parts': '3' } as never);
    expect(page1.parts.map((p: { PartNumber: string }) => Number(p.PartNumber))).toEqual([1, 2, 3]);
    expect(String(page1.isTruncated)).toBe('true');
    const page2 = await oss.listParts(key('replace'), uploadId, { 'max-parts': '3', 'part-number-marker': page1.nextPartNumberMarker } as never);
    expect(page2.parts.map((p: { PartNumber: string }) => Number(p.PartNumber))).toEqual([4, 5]);
    const part2 = page1.parts.find((p: { PartNumber: string }) => p.PartNumber === '2') as { Size: string; ETag: string };
    expect(Number(part2.Size)).toBe(20);
    expect(part2.ETag).toBe(again.etag);
    await oss.abortMultipartUpload(key('replace'), uploadId);
  });

  it('refuses bad completions: order, unknown part, wrong ETag, small middle part', async () => {
    const oss = client(server, style);
    const { uploadId } = await oss.initMultipartUpload(key('bad'));
    const p1 = await oss.uploadPart(key('bad'), uploadId, 1, bytes(1000, 1), 0, 1000);
    const p2 = await oss.uploadPart(key('bad'), uploadId, 2, bytes(1000, 2), 0, 1000);
    // ali-oss sorts the parts it sends, so the out-of-order list goes as a raw request.
    const outOfOrder = `<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${p2.etag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>${p1.etag}</ETag></Part></CompleteMultipartUpload>`;
    await expectOssError(raw(oss, { method: 'POST', object: key('bad'), subres: { uploadId }, content: outOfOrder }), 'InvalidPartOrder', 400);
    await expectOssError(raw(oss, { method: 'POST', object: key('bad'), subres: { uploadId }, content: '<CompleteMultipartUpload><Part>' }), 'MalformedXML', 400);
    await expectOssError(oss.completeMultipartUpload(key('bad'), uploadId, [{ number: 3, etag: p2.etag }]), 'InvalidPart', 400);
    await expectOssError(oss.completeMultipartUpload(key('bad'), uploadId, [{ number: 1, etag: '"00"' }]), 'InvalidPart', 400);
    await expectOssError(oss.completeMultipartUpload(key('bad'), uploadId, [{ number: 1, etag: p1.etag }, { number: 2, etag: p2.etag }]), 'EntityTooSmall', 400);
    // The upload survives refused completions.
    const single = await oss.completeMultipartUpload(key('bad'), uploadId, [{ number: 2, etag: p2.etag }]);
    expect(single.res.status).toBe(200);
    expect(Buffer.compare((await oss.get(key('bad'))).content as Buffer, bytes(1000, 2))).toBe(0);
  });

  it('refuses part numbers out of range and unknown upload ids', async () => {
    const oss = client(server, style);
    const { uploadId } = await oss.initMultipartUpload(key('range'));
    await expectOssError(oss.uploadPart(key('range'), uploadId, 0, bytes(10), 0, 10), 'InvalidArgument', 400);
    await expectOssError(oss.uploadPart(key('range'), uploadId, 10_001, bytes(10), 0, 10), 'InvalidArgument', 400);
    await expectOssError(oss.uploadPart(key('range'), 'NOSUCHUPLOAD', 1, bytes(10), 0, 10), 'NoSuchUpload', 404);
    await expectOssError(oss.completeMultipartUpload(key('range'), 'NOSUCHUPLOAD', [{ number: 1, etag: '"x"' }]), 'NoSuchUpload', 404);
    await oss.abortMultipartUpload(key('range'), uploadId);
  });

  it('completes all parts with x-oss-complete-all and honours forbid-overwrite', async () => {
    const oss = client(server, style);
    await oss.put(key('exists'), Buffer.from('keep me'));
    const { uploadId } = await oss.initMultipartUpload(key('exists'));
    await oss.uploadPart(key('exists'), uploadId, 1, bytes(PART, 5), 0, PART);
    await oss.uploadPart(key('exists'), uploadId, 3, bytes(10, 6), 0, 10);
    await expectOssError(
      raw(oss, { method: 'POST', object: key('exists'), subres: { uploadId }, headers: { 'x-oss-complete-all': 'yes', 'x-oss-forbid-overwrite': 'true' } }),
      'FileAlreadyExists',
      409,
    );
    expect(((await oss.get(key('exists'))).content as Buffer).toString()).toBe('keep me');
    await raw(oss, { method: 'POST', object: key('exists'), subres: { uploadId }, headers: { 'x-oss-complete-all': 'yes' } });
    expect(Buffer.compare((await oss.get(key('exists'))).content as Buffer, Buffer.concat([bytes(PART, 5), bytes(10, 6)]))).toBe(0);
  });

  it('copies ranges of an object into parts, but never from an appendable object', async () => {
    const oss = client(server, style);
    const source = bytes(3 * PART, 11);
    await oss.put(key('copy-src'), source);
    const { uploadId } = await oss.initMultipartUpload(key('copy-dst'));
    const a = await oss.uploadPartCopy(key('copy-dst'), uploadId, 1, `${PART}-${2 * PART - 1}`, { sourceKey: key('copy-src'), sourceBucketName: 'test-bucket' });
    const b = await oss.uploadPartCopy(key('copy-dst'), uploadId, 2, '0-99', { sourceKey: key('copy-src'), sourceBucketName: 'test-bucket' });
    await oss.completeMultipartUpload(key('copy-dst'), uploadId, [
      { number: 1, etag: a.etag },
      { number: 2, etag: b.etag },
    ]);
    const expected = Buffer.concat([source.subarray(PART, 2 * PART), source.subarray(0, 100)]);
    expect(Buffer.compare((await oss.get(key('copy-dst'))).content as Buffer, expected)).toBe(0);
    await oss.append(key('appendable'), Buffer.from('abc'));
    const up2 = await oss.initMultipartUpload(key('copy-dst2'));
    await expectOssError(
      oss.uploadPartCopy(key('copy-dst2'), up2.uploadId, 1, '0-1', { sourceKey: key('appendable'), sourceBucketName: 'test-bucket' }),
      'InvalidArgument',
      400,
    );
    await oss.abortMultipartUpload(key('copy-dst2'), up2.uploadId);
  });

  it('lists uploads in pages and aborts them', async () => {
    const oss = client(server, style);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await oss.initMultipartUpload(key(`list/u${i}`))).uploadId);
    const first = await oss.listUploads({ prefix: key('list/'), 'max-uploads': 3 } as never);
    expect(first.uploads).toHaveLength(3);
    expect(String(first.isTruncated)).toBe('true');
    const rest = await oss.listUploads({ prefix: key('list/'), 'max-uploads': 3, 'key-marker': first.nextKeyMarker, 'upload-id-marker': first.nextUploadIdMarker } as never);
    expect([...first.uploads, ...rest.uploads].map((u: { name: string }) => u.name)).toEqual(Array.from({ length: 5 }, (_, i) => key(`list/u${i}`)));
    for (let i = 0; i < 5; i++) await oss.abortMultipartUpload(key(`list/u${i}`), ids[i]!);
    expect((await oss.listUploads({ prefix: key('list/') } as never)).uploads ?? []).toHaveLength(0);
  });

  it('uploads a large file with ali-oss multipartUpload', async () => {
    const oss = client(server, style);
    const data = bytes(5 * PART + 123, 21);
    const result = await oss.multipartUpload(key('managed'), data, { partSize: PART, parallel: 3 });
    expect(result.res.status).toBe(200);
    expect(Buffer.compare((await oss.get(key('managed'))).content as Buffer, data)).toBe(0);
  });
});
