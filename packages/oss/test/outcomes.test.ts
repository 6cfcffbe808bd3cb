import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, FileSystem } from '@hadoopfs/core';
import type { FaultRule } from '@hadoopfs/oss-server';
import { countUploads, ossFs, pattern, serverForTests, storedBytes, write } from './helpers.js';

// Issue 10, finding 8: requests that are not idempotent (Complete, forbid-overwrite PutObject,
// InitiateMultipartUpload) whose outcome is unclear are retried and then checked, so that a write that
// happened is reported as done, and one that did not is not.

const server = serverForTests(['data']);

const SMALL_PARTS = { 'fs.oss.multipart.part.size': '100k' };
const APPLIED_500 = { type: 'error', status: 500, code: 'InternalError', applied: true } as const;
const ANSWER_LOST = { type: 'drop', when: 'instead-of-response' } as const;

describe('unclear outcomes are checked', () => {
  for (const [name, action] of [['answered 500', APPLIED_500], ['answer lost', ANSWER_LOST]] as const) {
    it(`a create-only PutObject applied but ${name} is a success, not FileAlreadyExistsError`, async () => {
      const fs = await ossFs(server, 'data');
      const key = `outcome/put-${name.replace(' ', '-')}`;
      const data = pattern(3_000, 1);
      server.faults.add({ apis: ['PutObject'], keyPattern: `^${key}$`, nth: 1, action });
      await write(fs, `/${key}`, data, 64 * 1024, { overwrite: false });
      expect((await storedBytes(server, 'data', key))!.equals(data)).toBe(true);
      await fs.close();
    });

    for (const overwrite of [true, false]) {
      it(`a Complete applied but ${name} is a success (overwrite=${overwrite})`, async () => {
        const fs = await ossFs(server, 'data', SMALL_PARTS);
        const key = `outcome/complete-${name.replace(' ', '-')}-${overwrite}`;
        const data = pattern(250_000, 2);
        server.faults.add({ apis: ['CompleteMultipartUpload'], keyPattern: `^${key}$`, nth: 1, action });
        await write(fs, `/${key}`, data, 64 * 1024, { overwrite });
        expect((await storedBytes(server, 'data', key))!.equals(data)).toBe(true);
        await fs.close();
      });
    }
  }

  it('another file in the way after an unclear Complete is still FileAlreadyExistsError, and the upload is aborted', async () => {
    const fs = await ossFs(server, 'data', SMALL_PARTS);
    const other = await ossFs(server, 'data');
    const before = await countUploads(server, 'data');
    const out = await fs.create('/outcome/contended', { overwrite: false });
    await out.write(pattern(250_000, 3));
    await write(other, '/outcome/contended', pattern(10, 4));
    // Not applied, answered 500: the retry meets the other file, whose length and CRC-64 are not ours.
    server.faults.add({ apis: ['CompleteMultipartUpload'], keyPattern: '^outcome/contended$', nth: 1, action: { type: 'error', status: 500, code: 'InternalError' } });
    await expect(out.close()).rejects.toBeInstanceOf(FileAlreadyExistsError);
    expect((await storedBytes(server, 'data', 'outcome/contended'))!.equals(pattern(10, 4))).toBe(true);
    expect(await countUploads(server, 'data')).toBe(before);
    await fs.close();
    await other.close();
  });

  it('InitiateMultipartUpload whose connection drops is retried: the stream goes on', async () => {
    const fs = await ossFs(server, 'data', SMALL_PARTS);
    const data = pattern(300_000, 5);
    server.faults.add({ apis: ['InitiateMultipartUpload'], keyPattern: '^outcome/initiate$', nth: 1, action: { type: 'drop', when: 'before-response' } });
    await write(fs, '/outcome/initiate', data);
    expect((await storedBytes(server, 'data', 'outcome/initiate'))!.equals(data)).toBe(true);
    await fs.close();
  });
});

describe('fault soak', () => {
  // The adversary: on every API the writer and reader use, at random, 5xx before or after applying, a
  // connection cut before the answer, mid-request or mid-response, an answer lost after applying, a byte
  // flipped each way, late answers. The promise: a close that returned left exactly its bytes; a close
  // that failed left either nothing or exactly its bytes; a read returns the exact bytes or fails.
  it('every close that returned gave the exact object; every failed one left nothing or the exact object', async () => {
    const files = Number(process.env['SOAK_FILES'] ?? 60);
    const fs = await ossFs(server, 'data', { ...SMALL_PARTS, 'fs.oss.attempts.maximum': 4, 'fs.oss.readahead.range': '64k' });
    const apis = ['PutObject', 'InitiateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'HeadObject', 'GetObject', 'ListObjectsV2', 'AbortMultipartUpload'];
    const rule = (action: FaultRule['action']): FaultRule => ({ apis, keyPattern: '^soak/', probability: 0.06, action });
    server.faults.setSeed(Number(process.env['SOAK_SEED'] ?? 11));
    for (const action of [
      { type: 'error', status: 503, code: 'ServiceUnavailable' },
      APPLIED_500,
      ANSWER_LOST,
      { type: 'drop', when: 'before-response' },
      { type: 'drop', when: 'mid-request-body' },
      { type: 'drop', when: 'mid-response-body' },
      { type: 'corrupt', where: 'request-body' },
      { type: 'corrupt', where: 'response-body' },
    ] as Array<FaultRule['action']>) {
      server.faults.add(rule(action));
    }
    let closed = 0;
    let failed = 0;
    let readsFailed = 0;
    for (let i = 0; i < files; i++) {
      const key = `soak/f${i}`;
      const data = pattern(i % 3 === 0 ? 2_000 + i : 120_000 + i * 997, i);
      const ok = await write(fs, `/${key}`, data, 50_000, { overwrite: i % 2 === 0 }).then(
        () => true,
        () => false,
      );
      const stored = await storedBytes(server, 'data', key);
      if (ok) {
        closed++;
        expect(stored?.equals(data), `${key}: close returned`).toBe(true);
        const read = await readBack(fs, `/${key}`);
        if (read === undefined) readsFailed++;
        else expect(read.equals(data), `${key}: read`).toBe(true);
      } else {
        failed++;
        expect(stored === undefined || stored.equals(data), `${key}: close failed`).toBe(true);
      }
    }
    const fired = server.faults.list().reduce((n, r) => n + r.fired, 0);
    expect(fired).toBeGreaterThan(files / 2);
    expect(closed).toBeGreaterThan(files / 2);
    console.log(`fault soak: ${files} files, ${fired} faults, ${closed} closed, ${failed} failed closes, ${readsFailed} failed reads`);
    server.faults.clear();
    await fs.close();
  }, 120_000);
});

async function readBack(fs: FileSystem, path: string): Promise<Buffer | undefined> {
  try {
    await using input = await fs.open(path);
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  } catch {
    return undefined;
  }
}
