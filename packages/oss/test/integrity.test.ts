import { describe, expect, it } from 'vitest';
import { ChecksumError, RemoteFileChangedError } from '@hadoopfs/core';
import { countUploads, ossFs, pattern, readAll, serverForTests, storedBytes, write } from './helpers.js';

// Issue 10, findings 2 and 3: bytes changed on the wire are caught by CRC-64 on the way up and on the way
// down, and a reader never mixes two versions of a file.

const server = serverForTests(['data']);

const SMALL_PARTS = { 'fs.oss.multipart.part.size': '100k' };

describe('CRC-64 on uploads', () => {
  it('a byte flipped in every part on the wire is caught and the part sent again: the object is exact', async () => {
    const fs = await ossFs(server, 'data', SMALL_PARTS);
    const data = pattern(450_000, 1);
    // The first attempt of each of the five parts arrives with one byte flipped.
    server.faults.add({ apis: ['UploadPart'], keyPattern: '^crc/parts$', times: 5, action: { type: 'corrupt', where: 'request-body' } });
    server.stats.reset();
    await write(fs, '/crc/parts', data);
    expect((await storedBytes(server, 'data', 'crc/parts'))!.equals(data)).toBe(true);
    expect(server.stats.requests['UploadPart']).toBe(10);
    await fs.close();
  });

  it('without fs.oss.checksum.crc64.enable the same flips are stored: the check is what catches them', async () => {
    const fs = await ossFs(server, 'data', { ...SMALL_PARTS, 'fs.oss.checksum.crc64.enable': 'false' });
    const data = pattern(450_000, 2);
    server.faults.add({ apis: ['UploadPart'], keyPattern: '^crc/unchecked$', times: 5, action: { type: 'corrupt', where: 'request-body' } });
    await write(fs, '/crc/unchecked', data);
    expect((await storedBytes(server, 'data', 'crc/unchecked'))!.equals(data)).toBe(false);
    await fs.close();
  });

  it('a small file (one PutObject) corrupted on the way is sent again, with overwrite and without', async () => {
    const fs = await ossFs(server, 'data');
    for (const overwrite of [true, false]) {
      const key = `crc/small-${overwrite}`;
      const data = pattern(5_000, overwrite ? 3 : 4);
      server.faults.add({ apis: ['PutObject'], keyPattern: `^${key}$`, times: 2, action: { type: 'corrupt', where: 'request-body' } });
      await write(fs, `/${key}`, data, 64 * 1024, { overwrite });
      expect((await storedBytes(server, 'data', key))!.equals(data)).toBe(true);
    }
    await fs.close();
  });

  it('corruption on every attempt ends in ChecksumError and leaves no corrupted object and no upload', async () => {
    const fs = await ossFs(server, 'data', { ...SMALL_PARTS, 'fs.oss.attempts.maximum': 3 });
    const before = await countUploads(server, 'data');
    server.faults.add({ apis: ['UploadPart', 'PutObject'], keyPattern: '^crc/doomed', action: { type: 'corrupt', where: 'request-body' } });
    const big = await write(fs, '/crc/doomed-big', pattern(300_000, 5)).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(ChecksumError);
    expect((big as Error).message).toMatch(/UploadPart \d of oss:\/\/data\/crc\/doomed-big: OSS computed CRC-64 \d+ .*ours is \d+/);
    const small = await write(fs, '/crc/doomed-small', pattern(1_000, 6), 64 * 1024, { overwrite: false }).catch((e: unknown) => e);
    expect(small).toBeInstanceOf(ChecksumError);
    expect(server.store.findObject('data', 'crc/doomed-big')).toBeUndefined();
    expect(server.store.findObject('data', 'crc/doomed-small')).toBeUndefined();
    expect(await countUploads(server, 'data')).toBe(before);
    await fs.close();
  });
});

describe('CRC-64 on reads', () => {
  it('a byte flipped in a GET fails a whole sequential read at EOF with ChecksumError', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.readahead.range': '64k' });
    const data = pattern(700_000, 7);
    await write(fs, '/crc/read', data);
    expect((await readAll(fs, '/crc/read')).equals(data)).toBe(true);
    server.faults.add({ apis: ['GetObject'], keyPattern: '^crc/read$', nth: 2, action: { type: 'corrupt', where: 'response-body' } });
    const error = await readAll(fs, '/crc/read').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumError);
    expect((error as Error).message).toMatch(/read oss:\/\/data\/crc\/read: the 700000 bytes read have CRC-64 \d+, OSS's is \d+/);
    await fs.close();
  });

  it('without the check the flipped byte is returned: the control for the test above', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.checksum.crc64.enable': 'false' });
    const data = pattern(100_000, 8);
    await write(fs, '/crc/read-unchecked', data);
    server.faults.add({ apis: ['GetObject'], keyPattern: '^crc/read-unchecked$', nth: 1, action: { type: 'corrupt', where: 'response-body' } });
    const read = await readAll(fs, '/crc/read-unchecked');
    expect(read.length).toBe(data.length);
    expect(read.equals(data)).toBe(false);
    await fs.close();
  });
});

describe('reads pinned to the version opened (If-Match)', () => {
  it('a file replaced while open ends the read with RemoteFileChangedError, not a mix of versions', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.readahead.range': '64k' });
    const other = await ossFs(server, 'data');
    const old = pattern(4_194_304, 9);
    await write(fs, '/pinned/f', old);
    const input = await fs.open('/pinned/f');
    const head = new Uint8Array(262_144);
    await input.readFully(0, head);
    expect(Buffer.from(head).equals(old.subarray(0, head.length))).toBe(true);
    await write(other, '/pinned/f', pattern(4_194_304, 10));
    const rest = new Uint8Array(old.length - head.length);
    const error = await input.readFully(head.length, rest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteFileChangedError);
    expect((error as Error & { code: string }).code).toBe('ESTALE');
    expect((error as Error).message).toMatch(/oss:\/\/data\/pinned\/f.*changed since it was opened/);
    await input.close();
    // Opened again, the new version reads whole.
    expect((await readAll(fs, '/pinned/f')).equals(pattern(4_194_304, 10))).toBe(true);
    await fs.close();
    await other.close();
  });
});
