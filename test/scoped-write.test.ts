import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, FileSystem } from '@hadoopfs/core';
import { JindoOssFileSystem } from '@hadoopfs/jindo';
import '@hadoopfs/local';
import '@hadoopfs/memory';
import { serverAndDirForTests } from './fixtures/server-and-dir.js';

// Issue 13, finding 3: a scope that throws publishes nothing, on every backend. `await using` aborts a
// stream that was not closed (the commit is an explicit close()); fs.writeFile commits only on success.

const env = serverAndDirForTests(['plain', 'durable'], 'scope');
const conf = env.conf;

const BACKENDS: Array<[string, () => Promise<{ fs: FileSystem; base: string }>]> = [
  ...(['hdfs', 'posix', 'object-store'] as const).map((semantics): [string, () => Promise<{ fs: FileSystem; base: string }>] => [
    `mem:// (${semantics})`,
    async () => ({ fs: await FileSystem.newInstance(`mem://scope-${semantics}/`, conf({ 'fs.mem.semantics': semantics })), base: '/scope' }),
  ]),
  ['file://', async () => ({ fs: await FileSystem.newInstance('file:///', conf()), base: `${env.dir}/scope` })],
  ['oss://', async () => ({ fs: await FileSystem.newInstance('oss://plain/', conf()), base: '/scope' })],
  [
    'oss:// with durable flush',
    async () => {
      const fs = new JindoOssFileSystem();
      await fs.initialize({ scheme: 'oss', authority: 'durable' }, conf({ 'fs.jfs.cache.oss.flush.enable': 'true' }));
      return { fs, base: '/scope' };
    },
  ],
];

class Boom extends Error {}

for (const [name, open] of BACKENDS) {
  describe(`a scope that throws publishes nothing: ${name}`, () => {
    it('await using without close(): the stream is aborted (flushed bytes too), with a warning; with close() it commits', async () => {
      const { fs, base } = await open();
      const warnings: string[] = [];
      const onWarning = (w: Error & { code?: string }) => void (w.code === 'HADOOPFS_STREAM_NOT_CLOSED' && warnings.push(w.message));
      process.on('warning', onWarning);
      try {
        await expect(
          (async () => {
            await using out = await fs.create(`${base}/thrown.log`);
            await out.write('half a batch');
            if (out.hasCapability('hflush') || out.hasCapability('hadoopfs.capability.outputstream.durable-flush')) await out.hflush();
            throw new Boom('the scope failed');
          })(),
        ).rejects.toBeInstanceOf(Boom);
        expect(await fs.exists(`${base}/thrown.log`)).toBe(false);
        {
          await using out = await fs.create(`${base}/committed.log`);
          await out.write('whole');
          await out.close();
        }
        expect((await fs.readFile(`${base}/committed.log`)).toString()).toBe('whole');
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain('thrown.log');
        // The aborted stream's staging went with it: recover finds nothing to bring back.
        if (fs instanceof JindoOssFileSystem) expect(await fs.recover(base, true)).toBe(false);
        expect(await fs.exists(`${base}/thrown.log`)).toBe(false);
      } finally {
        process.off('warning', onWarning);
        await fs.close();
      }
    });

    it('fs.writeFile commits only when all is written; a throw leaves the older file whole and nothing beside it', async () => {
      const { fs, base } = await open();
      await fs.writeFile(`${base}/kept.log`, 'older contents');
      await expect(
        fs.writeFile(`${base}/kept.log`, async (out) => {
          await out.write('newer, ');
          throw new Boom('half way');
        }),
      ).rejects.toBeInstanceOf(Boom);
      expect((await fs.readFile(`${base}/kept.log`)).toString()).toBe('older contents');
      expect((await fs.listStatus(base)).map((s) => s.path.getName()).filter((n) => n !== 'committed.log')).toEqual(['kept.log']);
      expect(await fs.writeFile(`${base}/kept.log`, async (out) => (await out.write('newer'), 5))).toBe(5);
      expect((await fs.readFile(`${base}/kept.log`)).toString()).toBe('newer');
      await expect(fs.writeFile(`${base}/kept.log`, 'x', { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
      await fs.close();
    });
  });
}

it('file://: nothing of a thrown scope is left on the disk', async () => {
  expect((await readdir(join(env.dir, 'scope'))).sort()).toEqual(['committed.log', 'kept.log']);
});

it('file://: writeFile over a file replaces it with one rename — the path is never without a file', async () => {
  const fs = await FileSystem.newInstance('file:///', env.conf());
  const path = `${env.dir}/replace/replaced.log`;
  await fs.writeFile(path, 'older');
  const deletes = () => fs.getIOStatistics().counters().get('op_delete') ?? 0;
  const before = deletes();
  await fs.writeFile(path, 'newer');
  expect((await fs.readFile(path)).toString()).toBe('newer');
  expect(deletes() - before).toBe(0);
  await fs.close();
});

it('file://: a directory made at the path while writeFile writes is not given the file as a child', async () => {
  const fs = await FileSystem.newInstance('file:///', env.conf());
  const path = `${env.dir}/replace/became-dir`;
  await expect(
    fs.writeFile(path, async (out) => {
      await out.write('x');
      await fs.mkdirs(path);
    }),
  ).rejects.toBeInstanceOf(FileAlreadyExistsError);
  expect(await fs.listStatus(path)).toEqual([]);
  expect((await readdir(join(env.dir, 'replace'))).filter((n) => n.includes('_COPYING_'))).toEqual([]);
  await fs.close();
});

it('mem:// (hdfs): when writeFile’s own file is gone before its rename (HDFS answers false), the older file is left whole, not deleted', async () => {
  const { MemoryFileSystem } = await import('@hadoopfs/memory');
  const fs = await MemoryFileSystem.of({ '/kept.log': 'older' });
  // Someone removes the file writeFile wrote beside the target, just after it checked the target.
  const stop = fs.addRequestListener((event) => {
    if (event.operation === 'getFileStatus' && event.path.endsWith('/kept.log')) fs.volume.rmSync('/kept.log._COPYING_', { force: true });
  });
  await expect(fs.writeFile('/kept.log', 'newer')).rejects.toThrow(/could not be renamed/);
  stop();
  expect((await fs.readFile('/kept.log')).toString()).toBe('older');
});
