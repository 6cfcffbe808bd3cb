import { describe, expect, it } from 'vitest';
import { ChecksumError, FileNotFoundError, OpenFileOptions, RemoteFileChangedError, type FSDataInputStream } from '@hadoopfs/core';
import { ossFs, pattern, serverForTests, write } from './helpers.js';

// Issue 12: openFile() with a known length or status issues no HEAD, and loses neither the version pin
// nor the CRC-64 check (both come with the first response).

const server = serverForTests(['data']);

async function readRest(input: FSDataInputStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('openFile on oss://', () => {
  it('with withFileStatus() or a length, no HEAD is sent; the bytes read are the file', async () => {
    const fs = await ossFs(server, 'data');
    const data = pattern(300_000, 1);
    await write(fs, '/open/f', data);
    const [status] = await fs.listStatus('/open');
    server.stats.reset();
    await using byStatus = await fs.openFile('/open/f').withFileStatus(status!).build();
    expect((await readRest(byStatus)).equals(data)).toBe(true);
    await using byLength = await fs.openFile('/open/f').opt(OpenFileOptions.LENGTH, data.length).opt(OpenFileOptions.READ_POLICY, 'random, sequential').build();
    expect((await readRest(byLength)).equals(data)).toBe(true);
    expect(server.stats.requests['HeadObject'] ?? 0).toBe(0);
    // The plain open() still asks.
    await (await fs.open('/open/f')).close();
    expect(server.stats.requests['HeadObject']).toBe(1);
    await fs.close();
  });

  it('opened by length, the first response pins the version: a file replaced while open is RemoteFileChangedError', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.readahead.range': '64k' });
    const other = await ossFs(server, 'data');
    const old = pattern(2_000_000, 2);
    await write(fs, '/open/pinned', old);
    const input = await fs.openFile('/open/pinned').must(OpenFileOptions.LENGTH, old.length).build();
    const head = new Uint8Array(100_000);
    await input.readFully(0, head);
    await write(other, '/open/pinned', pattern(2_000_000, 3));
    const error = await input.readFully(head.length, new Uint8Array(old.length - head.length)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteFileChangedError);
    await input.close();
    await Promise.all([fs.close(), other.close()]);
  });

  it('opened by length, a byte flipped on the way still fails the whole read with ChecksumError', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.readahead.range': '64k' });
    const data = pattern(500_000, 4);
    await write(fs, '/open/crc', data);
    server.faults.add({ apis: ['GetObject'], keyPattern: '^open/crc$', nth: 2, action: { type: 'corrupt', where: 'response-body' } });
    const input = await fs.openFile('/open/crc').opt(OpenFileOptions.LENGTH, data.length).build();
    await expect(readRest(input)).rejects.toThrow(ChecksumError);
    server.faults.clear();
    await input.close();
    await fs.close();
  });

  it('a missing file opened by length shows at the first read, as FileNotFoundError', async () => {
    const fs = await ossFs(server, 'data');
    const input = await fs.openFile('/open/missing').opt(OpenFileOptions.LENGTH, 10).build();
    await expect(input.readFully(0, new Uint8Array(10))).rejects.toThrow(FileNotFoundError);
    await input.close();
    await fs.close();
  });
});

describe('readVectored on oss://', () => {
  it('nearby ranges are coalesced into few GETs, far ones fetched apart; all pinned to one version', async () => {
    const fs = await ossFs(server, 'data');
    const data = pattern(4_000_000, 5);
    await write(fs, '/open/vectored', data);
    await using input = await fs.openFile('/open/vectored').opt(OpenFileOptions.LENGTH, data.length).build();
    // Ten ranges 1 KiB apart (one GET), and three spread over the file (three more).
    const near = Array.from({ length: 10 }, (_, i) => ({ offset: 1000 + i * 2048, length: 1024 }));
    const far = [1_000_000, 2_000_000, 3_500_000].map((offset) => ({ offset, length: 5000 }));
    server.stats.reset();
    const results = await Promise.all(input.readVectored([...far, ...near]));
    for (const [i, r] of [...far, ...near].entries()) expect(Buffer.from(results[i]!).equals(data.subarray(r.offset, r.offset + r.length))).toBe(true);
    expect(server.stats.requests['GetObject']).toBe(4);
    expect(server.stats.requests['HeadObject'] ?? 0).toBe(0);
    await fs.close();
  });
});

describe('getFileChecksum on oss://', () => {
  it('costs one HEAD and no GET: the HEAD that stats the file brings its CRC-64', async () => {
    const fs = await ossFs(server, 'data');
    await write(fs, '/sum/f', pattern(300_000, 6));
    server.stats.reset();
    const sum = await fs.getFileChecksum('/sum/f');
    expect(sum.algorithmName).toBe('COMPOSITE-CRC64ECMA');
    expect([server.stats.requests['HeadObject'], server.stats.requests['GetObject'] ?? 0]).toEqual([1, 0]);
    await fs.close();
  });
});
