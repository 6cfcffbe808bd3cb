/**
 * Issue 2's goals: the memory backend against raw memfs, the local backend against raw node:fs, on the
 * same data in the same process. Each raw baseline does what a careful user would write by hand for the
 * same result (e.g. listStatus = readdir + stat of every entry).
 */
import * as nodeFs from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Volume } from 'memfs';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';
import { LocalFileSystem } from '@hadoopfs/local';
import type { BenchCase } from '../harness.js';

const MiB = 1024 * 1024;
/** A 256 MiB read from memory takes ~20 ms: repeated so that timer noise does not decide the ratio. */
const READ_REPEATS = 8;

/** The node:fs-like promise API both raw baselines use (memfs mirrors node:fs). */
type RawFs = typeof nodeFs;

interface Scale {
  bigFileMiB: number;
  smallFiles: number;
  listEntries: number;
}

function cases(label: string, raw: () => RawFs, ours: () => FileSystem, base: () => string, scale: Scale): BenchCase[] {
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
  const small = Buffer.from('a small event line\n');
  const goal = { maxRatio: 1.2 };
  const readRaw = async () => {
    const fh = await raw().open(`${base()}/big-read`, 'r');
    const buf = Buffer.allocUnsafe(MiB);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    await fh.close();
    if (total !== scale.bigFileMiB * MiB) throw new Error('short read (baseline)');
  };
  const readOurs = async () => {
    const input = await ours().open(`${base()}/big-read`);
    const buf = Buffer.allocUnsafe(MiB);
    let total = 0;
    for (;;) {
      const n = await input.read(buf, 0, buf.length);
      if (n < 0) break;
      total += n;
    }
    await input.close();
    if (total !== scale.bigFileMiB * MiB) throw new Error('short read (ours)');
  };
  const suite = `${label} vs raw`;
  const rawLabel = label === 'memory' ? 'memfs' : 'node:fs';
  return [
    {
      suite,
      name: `write ${scale.bigFileMiB} MiB in 1 MiB chunks`,
      baselineLabel: rawLabel,
      goal,
      baseline: async () => {
        const fh = await raw().open(`${base()}/big-raw`, 'w');
        for (let i = 0; i < scale.bigFileMiB; i++) await fh.write(chunk, 0, chunk.length, null);
        await fh.close();
      },
      ours: async () => {
        const out = await ours().create(`${base()}/big-ours`);
        for (let i = 0; i < scale.bigFileMiB; i++) await out.write(chunk);
        await out.close();
      },
      cleanup: async () => {
        await raw().rm(`${base()}/big-raw`, { force: true });
        await raw().rm(`${base()}/big-ours`, { force: true });
      },
    },
    {
      suite,
      name: `read ${scale.bigFileMiB} MiB in 1 MiB chunks (×${READ_REPEATS})`,
      baselineLabel: rawLabel,
      goal,
      prepare: async () => {
        if (await raw().stat(`${base()}/big-read`).then(() => true, () => false)) return;
        const fh = await raw().open(`${base()}/big-read`, 'w');
        for (let i = 0; i < scale.bigFileMiB; i++) await fh.write(chunk, 0, chunk.length, null);
        await fh.close();
      },
      baseline: async () => {
        for (let r = 0; r < READ_REPEATS; r++) await readRaw();
      },
      ours: async () => {
        for (let r = 0; r < READ_REPEATS; r++) await readOurs();
      },
    },
    {
      suite,
      name: `create+delete ${scale.smallFiles} small files`,
      baselineLabel: rawLabel,
      goal,
      rounds: 9,
      prepare: async () => {
        await raw().mkdir(`${base()}/small`, { recursive: true });
      },
      baseline: async () => {
        for (let i = 0; i < scale.smallFiles; i++) {
          const fh = await raw().open(`${base()}/small/f${i}`, 'w');
          await fh.write(small, 0, small.length, null);
          await fh.close();
        }
        for (let i = 0; i < scale.smallFiles; i++) await raw().unlink(`${base()}/small/f${i}`);
      },
      ours: async () => {
        const fs = ours();
        for (let i = 0; i < scale.smallFiles; i++) {
          const out = await fs.create(`${base()}/small/f${i}`);
          await out.write(small);
          await out.close();
        }
        for (let i = 0; i < scale.smallFiles; i++) await fs.delete(`${base()}/small/f${i}`, false);
      },
    },
    {
      suite,
      name: `listStatus of ${scale.listEntries} entries`,
      baselineLabel: rawLabel,
      goal,
      // ~100 ms a side on a shared disk: more rounds so that the median is not one noisy sample.
      rounds: 11,
      prepare: async () => {
        const dir = `${base()}/listing`;
        if (await raw().stat(dir).then(() => true, () => false)) return;
        await raw().mkdir(dir, { recursive: true });
        for (let i = 0; i < scale.listEntries; i++) await raw().writeFile(`${dir}/e${i}`, small);
      },
      baseline: async () => {
        const dir = `${base()}/listing`;
        const names = await raw().readdir(dir);
        const stats = await Promise.all(names.map((name) => raw().stat(`${dir}/${name}`)));
        if (stats.length !== scale.listEntries) throw new Error('wrong listing (baseline)');
      },
      ours: async () => {
        const listing = await ours().listStatus(`${base()}/listing`);
        if (listing.length !== scale.listEntries) throw new Error('wrong listing (ours)');
      },
    },
  ];
}

/**
 * What a signal costs where requests are cheapest (mem://): every stream call runs under it (async
 * context, and on Node 20 async hooks while any call uses one). On OSS a request's round trip dwarfs it.
 */
function signalCase(ours: () => FileSystem, scale: Scale): BenchCase {
  const small = Buffer.from('a small event line\n');
  const signal = new AbortController().signal;
  const run = async (options: { signal?: AbortSignal }) => {
    const fs = ours();
    for (let i = 0; i < scale.smallFiles; i++) {
      const out = await fs.create(`/bench/signal/f${i}`, options);
      await out.write(small);
      await out.close();
    }
    for (let i = 0; i < scale.smallFiles; i++) await fs.delete(`/bench/signal/f${i}`, false, options);
  };
  return {
    suite: 'memory: AbortSignal',
    name: `create+write+close+delete ${scale.smallFiles} small files, every call with a signal`,
    baselineLabel: 'the same calls without one',
    goal: { maxRatio: 1.5 },
    rounds: 7,
    baseline: () => run({}),
    ours: () => run({ signal }),
  };
}

export async function filesystemCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void> }> {
  const scale: Scale = quick ? { bigFileMiB: 16, smallFiles: 500, listEntries: 500 } : { bigFileMiB: 256, smallFiles: 10_000, listEntries: 10_000 };
  const conf = new Configuration({ loadDefaults: false });

  const volume = new Volume();
  volume.mkdirSync('/bench', { recursive: true });
  const memory = new MemoryFileSystem({ volume });
  await memory.initialize({ scheme: 'mem', authority: 'bench' }, conf);

  const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-bench-'));
  const local = new LocalFileSystem();
  await local.initialize({ scheme: 'file', authority: '' }, conf);

  return {
    cases: [
      ...cases('memory', () => volume.promises as unknown as RawFs, () => memory, () => '/bench', scale),
      signalCase(() => memory, scale),
      ...cases('local', () => nodeFs, () => local, () => dir, scale),
    ],
    close: async () => {
      await memory.close();
      await local.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
