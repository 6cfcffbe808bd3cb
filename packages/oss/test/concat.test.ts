import { describe, expect, it } from 'vitest';
import { crc64, FileChecksum, FileSystem, RemoteFileChangedError } from '@hadoopfs/core';
import { MIN_PART_SIZE, planParts } from '../src/concat.js';
import type { ObjectInfo } from '../src/oss-client.js';
import { countUploads, ossFs, pattern, readAll, serverForTests, storedBytes, write } from './helpers.js';

// Issue 12: concat on OSS through UploadPartCopy, with every piece pinned to the version first seen.

const server = serverForTests(['data']);
const KIB = 1024;

function info(key: string, size: number, type = 'Normal'): ObjectInfo {
  return { key, size, lastModified: 0, etag: `"${key}"`, type };
}

function partSizes(plan: ReturnType<typeof planParts>): Array<[string, number]> {
  return plan.map((p) => ('copy' in p ? ['copy', p.copy.end - p.copy.start] : ['read', p.read.reduce((n, r) => n + r.end - r.start, 0)]));
}

describe('planParts', () => {
  it('copies what can stand alone, reads only the joins, and keeps every part but the last ≥ 100 KiB', () => {
    const pieces = [info('t', 50 * KIB), info('a', 300 * KIB), info('b', 10), info('c', 150 * KIB), info('d', 0), info('e', 20 * KIB)];
    const plan = planParts(pieces);
    const sizes = partSizes(plan);
    expect(sizes).toEqual([
      ['read', MIN_PART_SIZE], // t (50 KiB) + the first 50 KiB of a
      ['copy', 250 * KIB], // the rest of a
      ['read', MIN_PART_SIZE], // b + the first 100 KiB − 10 of c
      ['read', 50 * KIB + 10 + 20 * KIB], // the rest of c, and e: the last part
    ]);
    expect(sizes.reduce((n, [, s]) => n + s, 0)).toBe(pieces.reduce((n, p) => n + p.size, 0));
  });

  it('reads an appendable object (UploadPartCopy refuses one as a source)', () => {
    const plan = planParts([info('t', 200 * KIB), info('a', 300 * KIB, 'Appendable')]);
    expect(partSizes(plan)).toEqual([['copy', 200 * KIB], ['read', 300 * KIB]]);
  });
});

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
    expect((await readAll(fs, '/join/f0')).equals(Buffer.concat(datas))).toBe(true);
    for (const i of [1, 2, 3, 4, 5]) expect(await fs.exists(`/join/f${i}`)).toBe(false);
    expect(server.stats.requests['UploadPartCopy']).toBe(1);
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
    // The copies are held a moment on the server; the target is replaced as the first one arrives.
    server.faults.add({ apis: ['UploadPartCopy'], action: { type: 'latency', ms: 200 } });
    const replaced = new Promise<void>((resolve, reject) => {
      const count = server.stats.count.bind(server.stats);
      server.stats.count = (name: string) => {
        count(name);
        if (name !== 'UploadPartCopy') return;
        server.stats.count = count;
        void ossFs(server, 'data')
          .then(async (other) => {
            await write(other, '/race/f0', replacement);
            await other.close();
          })
          .then(resolve, reject);
      };
    });
    const outcome = fs.concat('/race/f0', ['/race/f1']);
    await replaced;
    await expect(outcome).rejects.toBeInstanceOf(RemoteFileChangedError);
    expect((await storedBytes(server, 'data', 'race/f0'))!.equals(replacement)).toBe(true);
    expect((await storedBytes(server, 'data', 'race/f1'))!.equals(pattern(200 * KIB, 2))).toBe(true);
    expect(await countUploads(server, 'data')).toBe(0);
    await fs.close();
  });
});
