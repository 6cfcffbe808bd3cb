import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, FileAlreadyExistsError, FileSystem, IOError, StreamCapabilities, type FSDataOutputStream } from '@hadoopfs/core';
import { AliyunOssFileSystem, NoSuchBucketError, type OssOutputStream } from '@hadoopfs/oss';
import { countUploads, ID, ossConf, ossFs, pattern, readAll, SECRET, serverForTests, write } from './helpers.js';

const server = serverForTests(['data']);

async function incompleteUploads(bucket: string): Promise<number> {
  return countUploads(server, bucket);
}

describe('configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('names every missing item in one error, and never a secret', async () => {
    for (const name of ['OSS_ACCESS_KEY_ID', 'OSS_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'OSS_ENDPOINT']) delete process.env[name];
    const conf = ossConf(server).unset('fs.oss.endpoint').unset('fs.oss.accessKeyId');
    const error = await FileSystem.newInstance('oss://data/', conf).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/missing fs\.oss\.endpoint .*fs\.oss\.accessKeyId/);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('refuses a URI without a bucket or with an invalid bucket name', async () => {
    await expect(FileSystem.newInstance('oss:///x', ossConf(server))).rejects.toThrow(/needs a bucket/);
    await expect(FileSystem.newInstance('oss://Bad_Bucket/x', ossConf(server))).rejects.toThrow(/"bad_bucket" is not a valid OSS bucket name|not a valid OSS bucket name/);
  });

  it('takes credentials from OSS_* and ALIBABA_CLOUD_* environment variables', async () => {
    process.env['ALIBABA_CLOUD_ACCESS_KEY_ID'] = ID;
    process.env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] = SECRET;
    const conf = ossConf(server).unset('fs.oss.accessKeyId').unset('fs.oss.accessKeySecret');
    const fs = await FileSystem.newInstance('oss://data/', conf);
    await write(fs, '/env/file', Buffer.from('via env'));
    expect((await readAll(fs, '/env/file')).toString()).toBe('via env');
    await fs.close();
  });

  it('reports a wrong secret as an access error naming the OSS code, without the secret', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.accessKeySecret': 'not-the-secret' });
    const error = (await fs.getFileStatus('/x').catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('EACCES');
    expect(error.message).toMatch(/OSS SignatureDoesNotMatch 403, request id [0-9A-F]+/);
    expect(error.message).not.toContain('not-the-secret');
    expect(String(fs)).not.toContain('not-the-secret');
    expect(inspect(fs, { depth: 5 })).not.toContain('not-the-secret');
    expect(JSON.stringify((fs as AliyunOssFileSystem).settings)).not.toContain('not-the-secret');
    expect(inspect((fs as AliyunOssFileSystem).settings)).not.toContain('not-the-secret');
    expect(JSON.stringify(error)).not.toContain('not-the-secret');
    await fs.close();
  });
});

describe('writes and reads', () => {
  it('streams a multi-part file and reads it back, sequentially and at random positions', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k', 'fs.oss.upload.active.blocks': 2 });
    const data = pattern(1_234_567, 1);
    server.stats.reset();
    await write(fs, '/rw/big', data, 50_000);
    expect(server.stats.requests['UploadPart']).toBe(Math.ceil(data.length / (100 * 1024)));
    expect(server.stats.requests['CompleteMultipartUpload']).toBe(1);
    expect((await readAll(fs, '/rw/big')).equals(data)).toBe(true);
    await using input = await fs.open('/rw/big');
    for (const at of [1_000_000, 5, 777_777, 1_234_566]) {
      const buf = Buffer.alloc(Math.min(1000, data.length - at));
      await input.readFully(at, buf);
      expect(buf.equals(data.subarray(at, at + buf.length))).toBe(true);
    }
    await fs.close();
  });

  it('reads right across doubling ranges fetched ahead, with jumps that drop them', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.readahead.range': '64k' });
    const data = pattern(3_000_000, 9);
    await write(fs, '/rw/ranges', data, 500_000);
    await using input = await fs.open('/rw/ranges');
    const buf = Buffer.alloc(100_000);
    let at = 0;
    server.stats.reset();
    for (let i = 0; i < 10; i++) {
      const n = await input.read(buf, 0, buf.length);
      expect(buf.subarray(0, n).equals(data.subarray(at, at + n))).toBe(true);
      at += n;
    }
    // Sequential reading after 64 KiB doubles: far fewer GETs than reads, each range asked for ahead.
    expect(server.stats.requests['GetObject']).toBeLessThanOrEqual(7);
    await input.seek(2_500_000);
    expect((await input.read(buf, 0, 10)) === 10 && buf.subarray(0, 10).equals(data.subarray(2_500_000, 2_500_010))).toBe(true);
    await input.seek(5);
    const rest = Buffer.alloc(data.length - 5);
    await input.readFully(5, rest);
    expect(rest.equals(data.subarray(5))).toBe(true);
    await input.close();
    await server.stats.idle();
    await fs.close();
  });

  it('sends a small file as one PutObject and makes nothing visible before close', async () => {
    const fs = await ossFs(server, 'data');
    server.stats.reset();
    const out = await fs.create('/rw/small');
    await out.write('tiny');
    await out.hflush();
    expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.ABORTABLE)).toBe(true);
    expect(await fs.exists('/rw/small')).toBe(false);
    await out.close();
    expect(server.stats.requests['PutObject']).toBe(1);
    expect(server.stats.requests['InitiateMultipartUpload']).toBeUndefined();
    expect((await readAll(fs, '/rw/small')).toString()).toBe('tiny');
    await fs.close();
  });

  it('keeps at most active.blocks parts in flight, so memory stays bounded', async () => {
    const fs = (await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k', 'fs.oss.upload.active.blocks': 2 })) as AliyunOssFileSystem;
    let inFlight = 0;
    let peak = 0;
    const original = fs.client.uploadPartWithChecksum.bind(fs.client);
    fs.client.uploadPartWithChecksum = async (...args: Parameters<typeof original>) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    };
    server.faults.add({ apis: ['UploadPart'], action: { type: 'latency', ms: 20 } });
    await write(fs, '/rw/bounded', pattern(1_000_000, 2), 300_000);
    expect(peak).toBe(2);
    await fs.close();
  });

  it('abort() leaves neither an object nor an incomplete upload', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k' });
    const before = await incompleteUploads('data');
    const out = (await fs.create('/rw/aborted')) as FSDataOutputStream as OssOutputStream;
    await out.write(pattern(350_000, 3));
    expect(out.uploadId).toBeDefined();
    await out.abort();
    expect(await fs.exists('/rw/aborted')).toBe(false);
    expect(await incompleteUploads('data')).toBe(before);
    await fs.close();
  });

  it('create(overwrite=false) is checked atomically at close: a concurrent creator wins, we fail cleanly', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k' });
    for (const size of [10, 300_000]) {
      const path = `/rw/race-${size}`;
      const out = await fs.create(path, { overwrite: false });
      await out.write(pattern(size, 4));
      await write(fs, path, Buffer.from('the other writer'));
      await expect(out.close()).rejects.toBeInstanceOf(FileAlreadyExistsError);
      expect((await readAll(fs, path)).toString()).toBe('the other writer');
    }
    expect(await incompleteUploads('data')).toBe(0);
    await fs.close();
  });
});

describe('faults', () => {
  it('transient 503s and resets during writes, listing and reads end in success with the right bytes', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k' });
    server.faults.setSeed(3);
    server.faults.add({ apis: ['UploadPart', 'PutObject', 'GetObject', 'ListObjectsV2', 'HeadObject'], probability: 0.3, action: { type: 'error', status: 503, code: 'SlowDown' } });
    server.faults.add({ apis: ['UploadPart', 'GetObject'], probability: 0.15, action: { type: 'drop', when: 'before-response' } });
    const files = [pattern(450_000, 5), pattern(1000, 6)];
    for (const [i, data] of files.entries()) await write(fs, `/faulty/f${i}`, data);
    server.faults.add({ apis: ['GetObject'], probability: 0.2, action: { type: 'drop', when: 'mid-response-body' } });
    expect((await fs.listStatus('/faulty')).map((s) => s.path.getName())).toEqual(['f0', 'f1']);
    for (const [i, data] of files.entries()) expect((await readAll(fs, `/faulty/f${i}`)).equals(data)).toBe(true);
    expect(Object.values(server.faults.list()).some((r) => r.fired > 0)).toBe(true);
    await fs.close();
  });

  it('a connection cut in the middle of a ranged GET is read on from where it broke (issue 10, finding 4)', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.readahead.range': '256k', 'fs.oss.attempts.maximum': 3 });
    const data = pattern(2_000_000, 41);
    await write(fs, '/cut/f', data);
    const rule = server.faults.add({ apis: ['GetObject'], keyPattern: '^cut/', times: 2, action: { type: 'drop', when: 'mid-response-body' } });
    expect((await readAll(fs, '/cut/f')).equals(data)).toBe(true);
    expect(server.faults.list().find((r) => r.id === rule)!.fired).toBe(2);
    // Cut, and every request to read on refused: an IOError naming the file, not a raw "aborted".
    server.faults.add({ apis: ['GetObject'], keyPattern: '^cut/', nth: 1, action: { type: 'drop', when: 'mid-response-body' } });
    server.faults.add({ apis: ['GetObject'], keyPattern: '^cut/', after: 1, action: { type: 'error', status: 500, code: 'InternalError' } });
    const error = (await readAll(fs, '/cut/f').catch((e: unknown) => e)) as Error & { code: string };
    expect(error).toBeInstanceOf(IOError);
    expect(error.message).toMatch(/oss:\/\/data\/cut\/f/);
    expect(error.message).not.toMatch(/^aborted$/);
    await fs.close();
  });

  it('a missing bucket is NoSuchBucketError, never "no such file" (issue 10, finding 10)', async () => {
    const fs = await ossFs(server, 'no-such-bucket');
    await expect(fs.exists('/x')).rejects.toBeInstanceOf(NoSuchBucketError);
    await expect(fs.create('/x')).rejects.toThrow(/NoSuchBucket 404/);
    await expect(fs.listStatus('/')).rejects.toMatchObject({ code: 'ENXIO' });
    await fs.close();
  });

  it('a server that never answers ends in a clear timeout error after the configured attempts', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.connection.timeout': '300ms', 'fs.oss.attempts.maximum': 2 });
    server.faults.add({ apis: ['HeadObject'], action: { type: 'hang' } });
    server.stats.reset();
    const error = (await fs.getFileStatus('/hanging').catch((e: unknown) => e)) as Error & { code: string };
    expect(error.message).toMatch(/HeadObject oss:\/\/data\/hanging: OSS .*timed out: no byte moved for 300 ms \(fs.oss.connection.timeout\)/);
    expect(error.code).toBe('ETIMEDOUT');
    expect(server.stats.requests['HeadObject']).toBe(2);
    await fs.close();
  });

  it('a permanent failure aborts the multipart upload and leaves nothing behind', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k', 'fs.oss.attempts.maximum': 3 });
    server.faults.add({ apis: ['UploadPart'], after: 2, action: { type: 'error', status: 500, code: 'InternalError' } });
    const before = await incompleteUploads('data');
    await expect(write(fs, '/faulty/doomed', pattern(600_000, 7))).rejects.toThrow(/InternalError 500/);
    expect(await fs.exists('/faulty/doomed')).toBe(false);
    expect(await incompleteUploads('data')).toBe(before);
    await fs.close();
  });
});

describe('directories, listing, rename and delete on a flat key space', () => {
  it('pages listings and keeps an emptied directory', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.paging.maximum': 2 });
    for (let i = 0; i < 7; i++) await write(fs, `/tree/d/f${i}`, Buffer.from(String(i)));
    await fs.mkdirs('/tree/d/sub');
    expect((await fs.listStatus('/tree/d')).map((s) => s.path.getName())).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'sub']);
    for (let i = 0; i < 7; i++) await fs.delete(`/tree/d/f${i}`);
    await fs.delete('/tree/d/sub');
    expect((await fs.getFileStatus('/tree/d')).isDirectory()).toBe(true);
    expect(await fs.listStatus('/tree/d')).toEqual([]);
    await fs.close();
  });

  it('lists in Hadoop order across pages, where OSS key order differs (issue 10, finding 6)', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.paging.maximum': 1 });
    for (const name of ['a-b', 'a.txt', 'a/x', 'a!/y', 'b', 'a0']) await write(fs, `/order/${name}`, Buffer.from('x'));
    const expected = ['a', 'a!', 'a-b', 'a.txt', 'a0', 'b'];
    expect((await fs.listStatus('/order')).map((s) => s.path.getName())).toEqual(expected);
    const iterated: string[] = [];
    for await (const status of fs.listStatusIterator('/order')) iterated.push(status.path.getName());
    expect(iterated).toEqual(expected);
    await fs.close();
  });

  it('skips keys no Hadoop path can name, with one warning, instead of failing or looping (issue 10, finding 5)', async () => {
    const fs = await ossFs(server, 'data');
    // Written as other tools may write them (through the store: HTTP clients normalise '..' in URLs).
    for (const key of ['odd/d/../x', 'odd/d/ok', 'odd/loop/a//b', 'odd/loop/a/c', 'odd/./y']) {
      await server.store.putObject('data', key, { blob: '', size: 0, md5: Buffer.alloc(16), crc64: 0n }, { contentType: 'x', userMeta: {}, forbidOverwrite: false });
    }
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect((await fs.listStatus('/odd/d')).map((s) => s.path.getName())).toEqual(['ok']);
      expect((await fs.listStatus('/odd/loop/a')).map((s) => s.path.getName())).toEqual(['c']);
      const summary = await fs.getContentSummary('/odd');
      expect(summary.fileCount).toBe(2);
      const files: string[] = [];
      for await (const f of fs.listFiles('/odd', true)) files.push(f.path.toString());
      expect(files.sort()).toEqual(['oss://data/odd/d/ok', 'oss://data/odd/loop/a/c']);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.some((w) => w.includes('skipped 1 key(s)') && w.includes('odd/d/../'))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
    await fs.close();
  });

  it('deletes a directory of more than 1000 objects in batches', async () => {
    const fs = await ossFs(server, 'data');
    await Promise.all(Array.from({ length: 1100 }, (_, i) => server.store.putObject('data', `bulk/k${i}`, { blob: '', size: 0, md5: Buffer.alloc(16), crc64: 0n }, { contentType: 'x', userMeta: {}, forbidOverwrite: false })));
    server.stats.reset();
    expect(await fs.delete('/bulk', true)).toBe(true);
    expect(server.stats.requests['DeleteMultipleObjects']).toBe(2);
    expect(await fs.exists('/bulk')).toBe(false);
    await fs.close();
  });

  it('renames large objects with UploadPartCopy and directories key by key', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.copy.threshold': '200k', 'fs.oss.multipart.part.size': '100k' });
    const big = pattern(450_000, 8);
    await write(fs, '/mv/src/big', big);
    await write(fs, '/mv/src/deep/small', Buffer.from('small'));
    server.stats.reset();
    expect(await fs.rename('/mv/src', '/mv/dst')).toBe(true);
    expect(server.stats.requests['UploadPartCopy']).toBe(5);
    expect((await readAll(fs, '/mv/dst/big')).equals(big)).toBe(true);
    expect((await readAll(fs, '/mv/dst/deep/small')).toString()).toBe('small');
    expect(await fs.exists('/mv/src')).toBe(false);
    expect((await fs.getFileStatus('/mv')).isDirectory()).toBe(true);
    await fs.close();
  });
});
