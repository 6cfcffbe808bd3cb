import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '@hadoopfs/core';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { bytes, client, expectOssError, startTestServer, type ClientStyle } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe.each<ClientStyle>(['ip', 'path', 'v4'])('objects through ali-oss (%s)', (style) => {
  const key = (name: string) => `${style}/${name}`;

  it('puts, heads, gets and deletes an object with ETag, CRC-64 and user metadata', async () => {
    const oss = client(server, style);
    const body = bytes(300_000, 7);
    const put = await oss.put(key('a/b.bin'), body, { meta: { owner: 'flume' } as never, mime: 'application/x-test' });
    const md5 = createHash('md5').update(body).digest('hex').toUpperCase();
    expect(put.res.headers['etag']).toBe(`"${md5}"`);
    expect(put.res.headers['x-oss-hash-crc64ecma']).toBe(crc64(body).toString());
    const head = await oss.head(key('a/b.bin'));
    expect(head.res.headers['content-length']).toBe('300000');
    expect(head.res.headers['x-oss-object-type']).toBe('Normal');
    expect(head.res.headers['content-type']).toBe('application/x-test');
    expect(head.meta).toEqual({ owner: 'flume' });
    const got = await oss.get(key('a/b.bin'));
    expect(Buffer.compare(got.content as Buffer, body)).toBe(0);
    expect(got.res.headers['x-oss-hash-crc64ecma']).toBe(crc64(body).toString());
    await oss.delete(key('a/b.bin'));
    await expectOssError(oss.head(key('a/b.bin')), 'NoSuchKey', 404);
    await oss.delete(key('a/b.bin'));
  });

  it('serves ranges with 206 and refuses unsatisfiable ones with 416', async () => {
    const oss = client(server, style);
    const body = bytes(1000, 3);
    await oss.put(key('range'), body);
    const part = await oss.get(key('range'), { headers: { Range: 'bytes=100-199' } });
    expect(part.res.status).toBe(206);
    expect(Buffer.compare(part.content as Buffer, body.subarray(100, 200))).toBe(0);
    const tail = await oss.get(key('range'), { headers: { Range: 'bytes=-10' } });
    expect(Buffer.compare(tail.content as Buffer, body.subarray(990))).toBe(0);
    const open = await oss.get(key('range'), { headers: { Range: 'bytes=995-' } });
    expect((open.content as Buffer).length).toBe(5);
    // OSS's default: a range reaching outside the object is ignored (the whole object, 200).
    for (const outside of ['bytes=1000-2000', 'bytes=1000-', 'bytes=500-2000', 'bytes=-2000']) {
      const whole = await oss.get(key('range'), { headers: { Range: outside } });
      expect([outside, whole.res.status, (whole.content as Buffer).length]).toEqual([outside, 200, 1000]);
    }
    // x-oss-range-behavior: standard (what hadoopfs's client sends): cut to the end, or 416 from past it.
    const standard = (range: string) => oss.get(key('range'), { headers: { Range: range, 'x-oss-range-behavior': 'standard' } });
    const cut = await standard('bytes=500-2000');
    expect([cut.res.status, (cut.content as Buffer).length, cut.res.headers['content-range']]).toEqual([206, 500, 'bytes 500-999/1000']);
    await expectOssError(standard('bytes=1000-2000'), 'InvalidRange', 416);
    await expectOssError(standard('bytes=1000-'), 'InvalidRange', 416);
    await oss.put(key('empty'), Buffer.alloc(0));
    const emptyDefault = await oss.get(key('empty'), { headers: { Range: 'bytes=-5' } });
    expect([emptyDefault.res.status, emptyDefault.res.headers['content-range']]).toEqual([200, undefined]);
    await expectOssError(oss.get(key('empty'), { headers: { Range: 'bytes=-5', 'x-oss-range-behavior': 'standard' } }), 'InvalidRange', 416);
  });

  it('answers GET and HEAD preconditions as OSS documents them: 412 for If-Match / If-Unmodified-Since, 304 for If-None-Match / If-Modified-Since', async () => {
    const oss = client(server, style);
    const put = await oss.put(key('conditional'), bytes(100, 4));
    const etag = put.res.headers['etag'] as string;
    const modified = Date.parse((await oss.head(key('conditional'))).res.headers['last-modified'] as string);
    const before = new Date(modified - 60_000).toUTCString();
    const after = new Date(modified + 60_000).toUTCString();
    const get = (headers: Record<string, string>) => oss.get(key('conditional'), { headers });
    expect((await get({ 'If-Match': etag })).res.status).toBe(200);
    expect((await get({ 'If-Match': `"00", ${etag}` })).res.status).toBe(200);
    await expectOssError(get({ 'If-Match': '"0123456789ABCDEF0123456789ABCDEF"' }), 'PreconditionFailed', 412);
    // Before the range: a changed object is 412 whatever range was asked, even an unsatisfiable one.
    await expectOssError(get({ 'If-Match': '"00"', Range: 'bytes=5000-6000' }), 'PreconditionFailed', 412);
    await expectOssError(oss.head(key('conditional'), { headers: { 'If-Match': '"00"' } } as never), 'PreconditionFailed', 412);
    await expectOssError(get({ 'If-Unmodified-Since': before }), 'PreconditionFailed', 412);
    expect((await get({ 'If-Unmodified-Since': after })).res.status).toBe(200);
    expect((await get({ 'If-None-Match': etag })).res.status).toBe(304);
    expect((await get({ 'If-None-Match': '"00"' })).res.status).toBe(200);
    expect((await get({ 'If-Modified-Since': after })).res.status).toBe(304);
    expect((await get({ 'If-Modified-Since': before })).res.status).toBe(200);
    // A date that does not parse is ignored, as HTTP says.
    expect((await get({ 'If-Modified-Since': 'yesterday' })).res.status).toBe(200);
  });

  it('checks Content-MD5 and forbid-overwrite', async () => {
    const oss = client(server, style);
    await expectOssError(
      oss.put(key('md5'), Buffer.from('payload'), { headers: { 'Content-MD5': createHash('md5').update('other').digest('base64') } }),
      'InvalidDigest',
      400,
    );
    await expectOssError(oss.head(key('md5')), 'NoSuchKey');
    await oss.put(key('once'), Buffer.from('first'), { headers: { 'x-oss-forbid-overwrite': 'true' } });
    await expectOssError(oss.put(key('once'), Buffer.from('second'), { headers: { 'x-oss-forbid-overwrite': 'true' } }), 'FileAlreadyExists', 409);
    expect(((await oss.get(key('once'))).content as Buffer).toString()).toBe('first');
  });

  it('appends with position checks', async () => {
    const oss = client(server, style);
    const first = await oss.append(key('log'), Buffer.from('hello '));
    expect(first.nextAppendPosition).toBe('6');
    const second = await oss.append(key('log'), Buffer.from('world'), { position: first.nextAppendPosition });
    expect(second.nextAppendPosition).toBe('11');
    const err = await expectOssError(oss.append(key('log'), Buffer.from('!'), { position: '3' }), 'PositionNotEqualToLength', 409);
    expect((err as unknown as { headers?: Record<string, string> }).headers?.['x-oss-next-append-position'] ?? '11').toBe('11');
    const head = await oss.head(key('log'));
    expect(head.res.headers['x-oss-object-type']).toBe('Appendable');
    expect(head.res.headers['x-oss-next-append-position']).toBe('11');
    expect(head.res.headers['x-oss-hash-crc64ecma']).toBe(crc64(Buffer.from('hello world')).toString());
    expect(((await oss.get(key('log'))).content as Buffer).toString()).toBe('hello world');
    await oss.put(key('normal'), Buffer.from('x'));
    await expectOssError(oss.append(key('normal'), Buffer.from('y'), { position: '1' }), 'ObjectNotAppendable', 409);
  });

  it('copies objects with COPY and REPLACE metadata directives', async () => {
    const oss = client(server, style);
    await oss.put(key('src'), Buffer.from('copy me'), { meta: { a: '1' } as never });
    await oss.copy(key('dst'), key('src'));
    expect((await oss.head(key('dst'))).meta).toEqual({ a: '1' });
    await oss.copy(key('dst2'), key('src'), { meta: { b: '2' } as never });
    expect((await oss.head(key('dst2'))).meta).toEqual({ b: '2' });
    expect(((await oss.get(key('dst2'))).content as Buffer).toString()).toBe('copy me');
    // A copy is its own object: the source overwritten, then deleted, leaves it as it was.
    await oss.put(key('src'), Buffer.from('other bytes'));
    expect(((await oss.get(key('dst'))).content as Buffer).toString()).toBe('copy me');
    await oss.delete(key('src'));
    expect(((await oss.get(key('dst'))).content as Buffer).toString()).toBe('copy me');
    await expectOssError(oss.copy(key('dst'), key('missing')), 'NoSuchKey', 404);
    await expectOssError(oss.copy(key('dst'), key('dst2'), { headers: { 'x-oss-forbid-overwrite': 'true' } }), 'FileAlreadyExists', 409);
  });

  it('deletes many objects at once, quietly or verbosely', async () => {
    const oss = client(server, style);
    const names = Array.from({ length: 25 }, (_, i) => key(`multi/${i}`));
    await Promise.all(names.map((n) => oss.put(n, Buffer.from(n))));
    const verbose = await oss.deleteMulti(names.slice(0, 10));
    expect(verbose.deleted?.map((d: { Key: string } | string) => (typeof d === 'string' ? d : d.Key)).sort()).toEqual(names.slice(0, 10).sort());
    const quiet = await oss.deleteMulti(names.slice(10), { quiet: true });
    expect(quiet.deleted ?? []).toHaveLength(0);
    const left = await oss.listV2({ prefix: key('multi/'), 'max-keys': '100' } as never);
    expect(left.objects ?? []).toHaveLength(0);
  });
});
