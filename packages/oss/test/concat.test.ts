import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ChecksumError, crc64, FileChecksum, FileSystem, RemoteFileChangedError } from '@hadoopfs/core';
import { countUploads, ossFs, pattern, readAll, serverForTests, storedBytes, write } from './helpers.js';

// Issue 12: concat on OSS through UploadPartCopy, with every piece pinned to the version first seen.

const MIN_PART_SIZE = 100 * 1024;
const server = serverForTests(['data']);
const KIB = 1024;

describe('concat on OSS', () => {
  async function files(fs: FileSystem, dir: string, sizes: number[]): Promise<Buffer[]> {
    const datas = sizes.map((size, i) => pattern(size, i + 1));
    for (const [i, data] of datas.entries()) await write(fs, `/${dir}/f${i}`, data);
    return datas;
  }

  it('joins small and large pieces, mostly by server-side copy, and removes the sources', async () => {
    const fs = await ossFs(server, 'data');
    const datas = await files(fs, 'join', [50 * KIB, 300 * KIB, 10, 150 * KIB, 0, 20 * KIB]);
    server.stats.reset();
    await fs.concat('/join/f0', [1, 2, 3, 4, 5].map((i) => `/join/f${i}`));
    const bytesRead = server.stats.bytesOut;
    const heads = server.stats.requests['HeadObject'];
    expect((await readAll(fs, '/join/f0')).equals(Buffer.concat(datas))).toBe(true);
    for (const i of [1, 2, 3, 4, 5]) expect(await fs.exists(`/join/f${i}`)).toBe(false);
    expect(server.stats.requests['UploadPartCopy']).toBe(1);
    // Each piece HEADed once by concat's preconditions (the concat is pinned to those answers), the target
    // once more before the complete, each source once before its delete: 6 + 1 + 5.
    expect(heads).toBe(12);
    // Only the joins travel through this process: under 3 × 100 KiB of 520 KiB.
    expect(bytesRead).toBeLessThan(3 * MIN_PART_SIZE);
    // The CRC-64 OSS computed for the new object is the pieces' combined (concat checks it too).
    expect((await fs.getFileChecksum('/join/f0')).toString()).toBe(FileChecksum.ofCrc64(crc64(Buffer.concat(datas))).toString());
    await fs.close();
  });

  it('a failed request is retried; a failing complete changes nothing and leaves no upload', async () => {
    const fs = await ossFs(server, 'data');
    const datas = await files(fs, 'retry', [200 * KIB, 200 * KIB]);
    server.faults.add({ apis: ['UploadPartCopy'], nth: 1, action: { type: 'error', status: 500, code: 'InternalError' } });
    await fs.concat('/retry/f0', ['/retry/f1']);
    expect((await readAll(fs, '/retry/f0')).equals(Buffer.concat(datas))).toBe(true);

    const more = await files(fs, 'fails', [200 * KIB, 200 * KIB]);
    server.faults.add({ apis: ['CompleteMultipartUpload'], keyPattern: '^fails/', action: { type: 'error', status: 403, code: 'AccessDenied' } });
    await expect(fs.concat('/fails/f0', ['/fails/f1'])).rejects.toThrow();
    expect((await storedBytes(server, 'data', 'fails/f0'))!.equals(more[0]!)).toBe(true);
    expect((await storedBytes(server, 'data', 'fails/f1'))!.equals(more[1]!)).toBe(true);
    expect(await countUploads(server, 'data')).toBe(0);
    await fs.close();
  });

  it('a target replaced while its sources are copied is RemoteFileChangedError, and the new target and the sources are kept', async () => {
    const fs = await ossFs(server, 'data');
    await files(fs, 'race', [200 * KIB, 200 * KIB]);
    const replacement = pattern(1000, 9);
    const put = await storeWriter('race/f0', replacement);
    // The copies are held on the server by a timer; the target is replaced (in the store, within
    // microtasks) as the first one arrives, so the replacement is in place before any copy is handled.
    server.faults.add({ apis: ['UploadPartCopy'], action: { type: 'latency', ms: 200 } });
    const replaced = onFirst('UploadPartCopy', put);
    const outcome = fs.concat('/race/f0', ['/race/f1']);
    await replaced;
    await expect(outcome).rejects.toBeInstanceOf(RemoteFileChangedError);
    expect((await storedBytes(server, 'data', 'race/f0'))!.equals(replacement)).toBe(true);
    expect((await storedBytes(server, 'data', 'race/f1'))!.equals(pattern(200 * KIB, 2))).toBe(true);
    expect(await countUploads(server, 'data')).toBe(0);
    await fs.close();
  });

  it('a source replaced after it was copied is not deleted: it is left in place with a warning', async () => {
    const fs = await ossFs(server, 'data');
    const datas = await files(fs, 'changed', [200 * KIB, 150 * KIB]);
    const newer = pattern(500, 7);
    const put = await storeWriter('changed/f1', newer);
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => void (w.code === 'HADOOPFS_CONCAT_SOURCE_CHANGED' && warnings.push(w.message));
    process.on('warning', onWarning);
    try {
      const replaced = onFirst('CompleteMultipartUpload', put);
      await fs.concat('/changed/f0', ['/changed/f1']);
      await replaced;
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect((await storedBytes(server, 'data', 'changed/f0'))!.equals(Buffer.concat(datas))).toBe(true);
    expect((await storedBytes(server, 'data', 'changed/f1'))!.equals(newer)).toBe(true);
    expect(warnings).toHaveLength(1);
    await fs.close();
  });

  it('a byte changed in a join read aborts before the complete (ChecksumError): target and sources unchanged, no upload left', async () => {
    const fs = await ossFs(server, 'data');
    const datas = await files(fs, 'flipped', [50 * KIB, 300 * KIB]);
    server.stats.reset();
    server.faults.add({ apis: ['GetObject'], keyPattern: '^flipped/', times: 1, action: { type: 'corrupt', where: 'response-body' } });
    await expect(fs.concat('/flipped/f0', ['/flipped/f1'])).rejects.toBeInstanceOf(ChecksumError);
    expect(server.stats.requests['CompleteMultipartUpload'] ?? 0).toBe(0);
    expect((await storedBytes(server, 'data', 'flipped/f0'))!.equals(datas[0]!)).toBe(true);
    expect((await storedBytes(server, 'data', 'flipped/f1'))!.equals(datas[1]!)).toBe(true);
    expect(await countUploads(server, 'data')).toBe(0);
    await fs.close();
  });

  it('a complete applied whose answer was lost is a success: the target joined, the sources removed', async () => {
    const fs = await ossFs(server, 'data');
    const datas = await files(fs, 'lost', [200 * KIB, 200 * KIB]);
    server.faults.add({ apis: ['CompleteMultipartUpload'], keyPattern: '^lost/', nth: 1, action: { type: 'drop', when: 'instead-of-response' } });
    await fs.concat('/lost/f0', ['/lost/f1']);
    expect((await storedBytes(server, 'data', 'lost/f0'))!.equals(Buffer.concat(datas))).toBe(true);
    expect(await fs.exists('/lost/f1')).toBe(false);
    await fs.close();
  });
});

/** A PutObject straight into the server's store, prepared now and run later (no HTTP: done within microtasks). */
async function storeWriter(key: string, bytes: Buffer): Promise<() => Promise<void>> {
  const writer = server.store.newBlob(bytes.length);
  await writer.write(bytes);
  const blob = await writer.commit();
  const body = { blob, size: bytes.length, md5: createHash('md5').update(bytes).digest(), crc64: crc64(bytes) };
  return async () => {
    await server.store.putObject('data', key, body, { contentType: 'application/octet-stream', userMeta: {}, forbidOverwrite: false });
  };
}

/** Runs `action` when the server receives the first request of `api`; resolves when it is done. */
function onFirst(api: string, action: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = server.onRequest((request) => {
      if (request.api !== api) return;
      stop();
      action().then(resolve, reject);
    });
  });
}
