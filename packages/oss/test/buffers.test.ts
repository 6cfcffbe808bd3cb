import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, FileSystem, type FSDataOutputStream } from '@hadoopfs/core';
import type { AliyunOssFileSystem } from '@hadoopfs/oss';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { ID, ossConf, ossFs, pattern, SECRET, startServer, storedBytes, write } from './helpers.js';

// Issue 10, finding 1: memory by the byte, disk buffers with hadoop-aliyun's names, one bound for all streams.

const WRITER = fileURLToPath(new URL('./fixtures/disk-writer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FOLDER = 'hadoopfs-oss-upload';

let server: RunningOssServer;
let bufferDir: string;
beforeAll(async () => {
  server = await startServer(['data']);
  bufferDir = await mkdtemp(join(tmpdir(), 'hadoopfs-buffers-'));
});
afterEach(() => {
  server.faults.clear();
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
  await rm(bufferDir, { recursive: true, force: true });
});

/** Every file under the buffer dir (the part files of this process and of others). */
async function bufferFiles(dir = bufferDir): Promise<string[]> {
  const root = join(dir, FOLDER);
  const out: string[] = [];
  for (const folder of await readdir(root).catch(() => [] as string[])) {
    for (const file of await readdir(join(root, folder)).catch(() => [] as string[])) out.push(`${folder}/${file}`);
  }
  return out;
}

describe('memory grows with the data', () => {
  it('200 open streams holding 10 bytes each hold kilobytes, not 200 part buffers', async () => {
    const fs = (await ossFs(server, 'data', { 'fs.oss.fast.upload.buffer': 'array' })) as AliyunOssFileSystem;
    const streams: FSDataOutputStream[] = [];
    for (let i = 0; i < 200; i++) {
      const out = await fs.create(`/small/f${i}`);
      await out.write(pattern(10, i));
      streams.push(out);
    }
    // 1 KiB each at first, where an 8 MiB part buffer each was 1.6 GiB.
    expect(fs.uploadBuffers.memoryHeld).toBe(200 * 1024);
    for (const out of streams) await out.close();
    expect(fs.uploadBuffers.memoryHeld).toBe(0);
    expect((await storedBytes(server, 'data', 'small/f7'))!.equals(pattern(10, 7))).toBe(true);
    await fs.close();
  });

  it('a stream holds about twice what it buffered, and a streaming one no more than its parts in flight', async () => {
    const fs = (await ossFs(server, 'data', { 'fs.oss.fast.upload.buffer': 'array', 'fs.oss.multipart.part.size': '1m' })) as AliyunOssFileSystem;
    const out = await fs.create('/grow/f');
    await out.write(pattern(300_000, 1));
    expect(fs.uploadBuffers.memoryHeld).toBe(512 * 1024);
    const data = pattern(5_500_000, 2);
    await out.write(data);
    expect(fs.uploadBuffers.memoryHeld).toBeLessThanOrEqual((4 + 1) * 1024 * 1024);
    await out.close();
    expect(fs.uploadBuffers.memoryHeld).toBe(0);
    expect((await storedBytes(server, 'data', 'grow/f'))!.equals(Buffer.concat([pattern(300_000, 1), data]))).toBe(true);
    await fs.close();
  });
});

describe('fs.oss.fast.upload.buffer', () => {
  it('disk: parts wait in files under fs.oss.buffer.dir, removed once uploaded, on close and on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-disk-'));
    const fs = (await ossFs(server, 'data', { 'fs.oss.fast.upload.buffer': 'disk', 'fs.oss.buffer.dir': dir, 'fs.oss.multipart.part.size': '100k' })) as AliyunOssFileSystem;
    // Parts do not go up while UploadPart is held back: the files are there to see.
    const held = server.faults.add({ apis: ['UploadPart'], action: { type: 'latency', ms: 300 } });
    const out = await fs.create('/disk/f');
    const data = pattern(450_000, 3);
    await out.write(data);
    await fs.uploadBuffers.settled();
    expect((await bufferFiles(dir)).length).toBeGreaterThan(0);
    server.faults.remove(held);
    // At most the 64 KiB staging area in memory, however much is buffered.
    expect(fs.uploadBuffers.memoryHeld).toBeLessThanOrEqual(64 * 1024);
    await out.close();
    expect((await storedBytes(server, 'data', 'disk/f'))!.equals(data)).toBe(true);
    expect(await bufferFiles(dir)).toEqual([]);
    const aborted = await fs.create('/disk/aborted');
    await aborted.write(pattern(150_000, 4));
    await fs.uploadBuffers.settled();
    expect((await bufferFiles(dir)).length).toBeGreaterThan(0);
    await aborted.abort();
    expect(await bufferFiles(dir)).toEqual([]);
    expect(server.store.findObject('data', 'disk/aborted')).toBeUndefined();
    await fs.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('disk: a small file and a flush-sized tail are read back from disk exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-disk-'));
    const fs = await ossFs(server, 'data', { 'fs.oss.fast.upload.buffer': 'disk', 'fs.oss.buffer.dir': dir });
    const data = pattern(90_000, 5);
    await write(fs, '/disk/small', data, 7_000);
    expect((await storedBytes(server, 'data', 'disk/small'))!.equals(data)).toBe(true);
    await fs.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('array_disk: memory stays within fs.oss.fast.upload.memory.limit across streams; beyond it parts go to disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-spill-'));
    const fs = (await ossFs(server, 'data', {
      'fs.oss.fast.upload.buffer': 'array_disk',
      'fs.oss.fast.upload.memory.limit': '256k',
      'fs.oss.buffer.dir': dir,
      'fs.oss.multipart.part.size': '100k',
    })) as AliyunOssFileSystem;
    const streams = await Promise.all([0, 1, 2, 3, 4].map((i) => fs.create(`/spill/f${i}`)));
    const data = streams.map((_, i) => pattern(90_000 + i, 10 + i));
    let peak = 0;
    for (let at = 0; at < 90_000; at += 9_000) {
      for (const [i, out] of streams.entries()) {
        await out.write(data[i]!.subarray(at, Math.min(at + 9_000, data[i]!.length)));
        peak = Math.max(peak, fs.uploadBuffers.memoryHeld);
      }
    }
    for (const [i, out] of streams.entries()) await out.write(data[i]!.subarray(90_000));
    await fs.uploadBuffers.settled();
    expect(peak).toBeLessThanOrEqual(256 * 1024);
    expect((await bufferFiles(dir)).length).toBeGreaterThan(0);
    for (const out of streams) await out.close();
    for (const [i] of streams.entries()) expect((await storedBytes(server, 'data', `spill/f${i}`))!.equals(data[i]!)).toBe(true);
    expect(await bufferFiles(dir)).toEqual([]);
    await fs.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the accepted values of a mistyped mode', async () => {
    await expect(ossFs(server, 'data', { 'fs.oss.fast.upload.buffer': 'ram' })).rejects.toThrow(ConfigurationError);
    await expect(ossFs(server, 'data', { 'fs.oss.fast.upload.buffer': 'ram' })).rejects.toThrow(/fs.oss.fast.upload.buffer must be one of array, bytebuffer, disk, array_disk, bytebuffer_disk, got "ram"/);
  });

  it('the files of a writer killed with SIGKILL are removed at the next start', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OSS_TEST_ENDPOINT: server.endpoint, OSS_TEST_ID: ID, OSS_TEST_SECRET: SECRET, OSS_TEST_BUFFER_DIR: bufferDir },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('buffered')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before buffering: ${stderr}`)));
    });
    const left = await bufferFiles();
    expect(left.some((f) => f.startsWith(`${child.pid}-`))).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect((await bufferFiles()).some((f) => f.startsWith(`${child.pid}-`))).toBe(true);
    // The next filesystem on the same dir, at its first disk part, removes what the dead process left.
    const fs = await FileSystem.newInstance('oss://data/', ossConf(server, { 'fs.oss.fast.upload.buffer': 'disk', 'fs.oss.buffer.dir': bufferDir, 'fs.oss.multipart.part.size': '100k' }));
    const out = await fs.create('/killed/next');
    await out.write(pattern(120_000, 6));
    await (fs as AliyunOssFileSystem).uploadBuffers.settled();
    expect((await bufferFiles()).some((f) => f.startsWith(`${child.pid}-`))).toBe(false);
    await out.close();
    await fs.close();
  }, 30_000);
});
