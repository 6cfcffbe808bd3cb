import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Configuration, copy, FileAlreadyExistsError, FileSystem, type FSDataInputStream } from '@hadoopfs/core';
import '@hadoopfs/local';
import '@hadoopfs/memory';
import '@hadoopfs/oss';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';

// Issue 12: FileUtil.copy between every pair of backends (a tree, verified by checksum), and with a fault
// in the middle of the copy: nothing is published at the destination, an older file there stays whole.

const ID = 'copy-id';
const SECRET = 'copy-secret';
let server: RunningOssServer;
let dir: string;
let conf: Configuration;
beforeAll(async () => {
  server = await startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets: ['copies'] });
  dir = await mkdtemp(join(tmpdir(), 'hadoopfs-copy-'));
  conf = new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.oss.attempts.maximum', 1)
    .set('fs.oss.multipart.part.size', '100k');
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const data = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
const roots = () => ({ mem: 'mem://copies/', file: `file://${dir}/`, oss: 'oss://copies/' }) as const;
type Scheme = keyof ReturnType<typeof roots>;

async function fsOf(scheme: Scheme): Promise<{ fs: FileSystem; base: string }> {
  const root = roots()[scheme];
  const fs = await FileSystem.get(root, conf);
  return { fs, base: scheme === 'file' ? dir : '' };
}

async function put(fs: FileSystem, path: string, bytes: Buffer): Promise<void> {
  const out = await fs.create(path, { overwrite: true });
  await out.write(bytes);
  await out.close();
}

async function readAll(input: FSDataInputStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(Buffer.from(c));
  await input.close();
  return Buffer.concat(chunks);
}

const schemes: Scheme[] = ['mem', 'file', 'oss'];

describe('copy between filesystems', () => {
  let n = 0;
  for (const from of schemes) {
    for (const to of schemes) {
      it(`${from}:// → ${to}://: a tree, byte for byte, progress ending at the total`, async () => {
        const src = await fsOf(from);
        const dst = await fsOf(to);
        const tag = `pair-${++n}`;
        const a = data(250_000, n);
        const b = data(1000, n + 1);
        await put(src.fs, `${src.base}/${tag}/src/a.bin`, a);
        await put(src.fs, `${src.base}/${tag}/src/deep/b.bin`, b);
        const seen: number[] = [];
        await copy(src.fs, `${src.base}/${tag}/src`, dst.fs, `${dst.base}/${tag}/dst`, { onProgress: (bytes) => seen.push(bytes) });
        expect((await readAll(await dst.fs.open(`${dst.base}/${tag}/dst/a.bin`))).equals(a)).toBe(true);
        expect((await readAll(await dst.fs.open(`${dst.base}/${tag}/dst/deep/b.bin`))).equals(b)).toBe(true);
        expect(seen.at(-1)).toBe(a.length + b.length);
        // By what the destination acknowledged, never backwards: a disk as its writes return (so a 250 kB
        // file shows progress before its close), an object store by parts, the rest at close.
        expect(seen).toEqual([...seen].sort((x, y) => x - y));
        if (to !== 'oss') expect(new Set(seen).size).toBeGreaterThan(3);
        expect((await dst.fs.listStatus(`${dst.base}/${tag}/dst`)).map((s) => s.path.getName()).sort()).toEqual(['a.bin', 'deep']);
        await expect(copy(src.fs, `${src.base}/${tag}/src/a.bin`, dst.fs, `${dst.base}/${tag}/dst/a.bin`)).rejects.toThrow(FileAlreadyExistsError);
      });
    }
  }

  for (const to of ['mem', 'file'] as const) {
    it(`a read failing midway (oss:// → ${to}://) publishes nothing and leaves the older file whole`, async () => {
      const src = await fsOf('oss');
      const dst = await fsOf(to);
      const tag = `fault-read-${to}`;
      await put(src.fs, `/${tag}/big.bin`, data(600_000, 3));
      const older = data(100, 9);
      await put(dst.fs, `${dst.base}/${tag}/big.bin`, older);
      server.faults.add({ apis: ['GetObject'], keyPattern: `^${tag}/big\\.bin$`, nth: 1, action: { type: 'drop', when: 'mid-response-body' } });
      await expect(copy(src.fs, `/${tag}/big.bin`, dst.fs, `${dst.base}/${tag}/big.bin`, { overwrite: true })).rejects.toThrow();
      server.faults.clear();
      expect((await readAll(await dst.fs.open(`${dst.base}/${tag}/big.bin`))).equals(older)).toBe(true);
      expect((await dst.fs.listStatus(`${dst.base}/${tag}`)).map((s) => s.path.getName())).toEqual(['big.bin']);
    });
  }

  for (const from of ['mem', 'file'] as const) {
    it(`a write failing midway (${from}:// → oss://) publishes nothing and leaves the older object whole`, async () => {
      const src = await fsOf(from);
      const dst = await fsOf('oss');
      const tag = `fault-write-${from}`;
      const bytes = data(600_000, 4);
      await put(src.fs, `${src.base}/${tag}/big.bin`, bytes);
      const older = data(100, 8);
      await put(dst.fs, `/${tag}/big.bin`, older);
      server.faults.add({ apis: ['UploadPart'], keyPattern: `^${tag}/big\\.bin$`, after: 2, times: 50, action: { type: 'error', status: 500, code: 'InternalError' } });
      await expect(copy(src.fs, `${src.base}/${tag}/big.bin`, dst.fs, `/${tag}/big.bin`, { overwrite: true })).rejects.toThrow(/InternalError/);
      server.faults.clear();
      expect((await readAll(await dst.fs.open(`/${tag}/big.bin`))).equals(older)).toBe(true);
      expect(server.store.listUploads('copies', `${tag}/`)).toEqual([]);
      expect((await readAll(await src.fs.open(`${src.base}/${tag}/big.bin`))).equals(bytes)).toBe(true);
    });
  }

  it('copyFromLocalFile, copyToLocalFile and moveFromLocalFile', async () => {
    const oss = await FileSystem.get('oss://copies/', conf);
    const local = await FileSystem.get('file:///', conf);
    const bytes = data(5000, 5);
    await put(local, `${dir}/up.bin`, bytes);
    await oss.copyFromLocalFile(`${dir}/up.bin`, '/local/up.bin');
    await oss.copyToLocalFile('/local/up.bin', `${dir}/down.bin`);
    expect((await readAll(await local.open(`${dir}/down.bin`))).equals(bytes)).toBe(true);
    await oss.moveFromLocalFile(`${dir}/down.bin`, '/local/moved.bin');
    expect(await local.exists(`${dir}/down.bin`)).toBe(false);
    expect((await oss.getFileChecksum('/local/moved.bin')).equals(await oss.getFileChecksum('/local/up.bin'))).toBe(true);
  });
});
