import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from '@hadoopfs/core';
import { main, type CliIo } from '../src/cli.js';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { bytes, ID, jindoFs, keys, readAll, SECRET, startServer } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/flushing-writer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const KILLS = process.env['HADOOPFS_LONG'] ? 100 : 20;
const TOTAL = 2 * 1024 * 1024;

let server: RunningOssServer;
beforeAll(async () => {
  server = await startServer(['killed']);
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
});

function capture(): CliIo & { text: () => string; errors: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stdout: process.stdout,
    isTTY: false,
    text: () => out,
    errors: () => err,
  };
}

/** What a killed writer had said: its last returned flush, and for a closing one, its length and whether close returned. */
interface KilledWriter {
  flushed: number;
  closing?: number;
  closed: boolean;
}

/**
 * Runs the writer until it has reported `flushes` flushes (or finished), then SIGKILLs it; with
 * `killInClose`, the writer closes after `flushes` flushes and is killed that many ms into its close.
 */
async function runAndKill(target: string, seed: number, flushes: number, killInClose?: number): Promise<KilledWriter> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      JINDO_ENDPOINT: server.endpoint,
      JINDO_ACCESS_KEY_ID: ID,
      JINDO_ACCESS_KEY_SECRET: SECRET,
      JINDO_TARGET: target,
      JINDO_SEED: String(seed),
      JINDO_TOTAL: String(TOTAL),
      ...(killInClose !== undefined ? { JINDO_CLOSE_AFTER: String(flushes) } : {}),
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let flushed = 0;
  let seen = 0;
  let closing: number | undefined;
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^flushed (\d+)$/.exec(line);
        if (m) {
          flushed = Number(m[1]);
          seen++;
        }
        const c = /^closing (\d+)$/.exec(line);
        if (c) {
          closing = Number(c[1]);
          setTimeout(() => child.kill('SIGKILL'), killInClose);
        }
        if (line === 'closed') closed = true;
        if ((killInClose === undefined && seen >= flushes) || line === 'done' || closed) {
          child.kill('SIGKILL');
          resolve();
        }
      }
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited on its own (${code}): ${stderr}`));
    });
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return { flushed, closed, ...(closing !== undefined ? { closing } : {}) };
}

/** Runs `jindo jfs -recover -R -force` as a process of its own and SIGKILLs it as the server receives its `nth` request. */
async function runRecoverAndKill(path: string, nth: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'jfs', '-recover', '-R', '-force', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', SECRET, path], {
    cwd: REPO,
    stdio: 'ignore',
  });
  const count = server.stats.count.bind(server.stats);
  let seen = 0;
  server.stats.count = (api: string) => {
    count(api);
    if (++seen === nth) child.kill('SIGKILL');
  };
  try {
    await new Promise((resolve) => child.once('exit', resolve));
  } finally {
    server.stats.count = count;
  }
}

describe('SIGKILLed writers and the jindo command', () => {
  it(`recovers every flushed byte after ${KILLS} kills at random moments (D1, D2)`, async () => {
    for (let i = 0; i < KILLS; i++) {
      const seed = 1000 + i;
      const target = `oss://killed/run-${i}/part-0000.log`;
      const { flushed } = await runAndKill(target, seed, 1 + (seed % 7));
      await server.stats.idle();
      const io = capture();
      const code = await main(
        ['jfs', '-recover', '-R', '-force', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', SECRET, `oss://killed/run-${i}`],
        io,
      );
      expect(code, io.errors()).toBe(0);
      expect(io.text()).not.toContain(SECRET);
      const fs = await jindoFs(server, 'killed');
      const content = await readAll(fs, `/run-${i}/part-0000.log`);
      const expected = bytes(TOTAL, seed);
      expect(content.length).toBeGreaterThanOrEqual(flushed);
      expect(content.equals(expected.subarray(0, content.length))).toBe(true);
      await fs.close();
    }
    expect(keys(server, 'killed').filter((k) => k.startsWith('tmp/'))).toEqual([]);
  }, 300_000);
});

describe('SIGKILL during close and during recover', () => {
  const ROUNDS = process.env['HADOOPFS_LONG'] ? 40 : 8;
  it(`${ROUNDS} writers killed in close, each followed by a recover process killed midway, lose no flushed byte (D1, D2, D3, D4)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const seed = 5000 + i;
      const dir = `oss://killed/close-${i}`;
      const killed = await runAndKill(`${dir}/part-0000.log`, seed, 1 + (i % 3), (i * 7) % 40);
      await server.stats.idle();
      await runRecoverAndKill(dir, 1 + (i % 7));
      await server.stats.idle();
      const io = capture();
      expect(await main(['jfs', '-recover', '-R', '-force', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', SECRET, dir], io), io.errors()).toBe(0);
      const fs = await jindoFs(server, 'killed');
      const content = await readAll(fs, `/close-${i}/part-0000.log`);
      const expected = bytes(TOTAL, seed);
      if (killed.closed) expect(content.length).toBe(killed.closing);
      expect(content.length).toBeGreaterThanOrEqual(killed.flushed);
      expect(content.equals(expected.subarray(0, content.length))).toBe(true);
      expect(keys(server, 'killed').filter((k) => k.startsWith(`tmp/close-${i}/`))).toEqual([]);
      expect(server.store.listUploads('killed', `close-${i}/`)).toEqual([]);
      await fs.close();
    }
  }, 300_000);
});

describe('jindo jfs commands', () => {
  it('lists, puts, gets, moves, sizes, tests and removes on mem:// and oss://', async () => {
    const base = ['jfs', '-D', `fs.oss.endpoint=${server.endpoint}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', `fs.oss.accessKeySecret=${SECRET}`];
    const io = capture();
    const { writeFile, readFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'jindo-cli-'));
    await writeFile(join(dir, 'in.txt'), 'hello from disk\n');
    expect(await main([...base, '-mkdir', '-p', 'oss://killed/cli/sub'], io)).toBe(0);
    expect(await main([...base, '-put', join(dir, 'in.txt'), 'oss://killed/cli/a.txt'], io)).toBe(0);
    expect(await main([...base, '-ls', 'oss://killed/cli'], io)).toBe(0);
    expect(io.text()).toMatch(/Found 2 items/);
    expect(io.text()).toMatch(/16 .* oss:\/\/killed\/cli\/a\.txt/);
    expect(await main([...base, '-mv', 'oss://killed/cli/a.txt', 'oss://killed/cli/sub/'], io)).toBe(0);
    expect(await main([...base, '-test', '-f', 'oss://killed/cli/sub/a.txt'], io)).toBe(0);
    expect(await main([...base, '-test', '-e', 'oss://killed/cli/a.txt'], io)).toBe(1);
    expect(await main([...base, '-get', 'oss://killed/cli/sub/a.txt', join(dir, 'out.txt')], io)).toBe(0);
    expect(await readFile(join(dir, 'out.txt'), 'utf8')).toBe('hello from disk\n');
    expect(await main([...base, '-json', '-du', '-s', 'oss://killed/cli'], io)).toBe(0);
    expect(io.text()).toContain('{"path":"oss://killed/cli","length":16}');
    expect(await main([...base, '-rm', 'oss://killed/cli'], io)).toBe(1);
    expect(await main([...base, '-rm', '-r', 'oss://killed/cli'], io)).toBe(0);
    expect(await main([...base, '-test', '-d', 'oss://killed/cli'], io)).toBe(1);
    expect(await main(['jfs', '-mkdir', '-p', `file://${dir}/x/y`], io)).toBe(0);
    expect(await main(['jfs', '-test', '-d', `file://${dir}/x/y`], io)).toBe(0);
    expect(io.text() + io.errors()).not.toContain(SECRET);
  });

  it('shows progress of a long -put on a terminal', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'jindo-put-'));
    await writeFile(join(dir, 'big.bin'), bytes(20 * 1024 * 1024, 3));
    const io = { ...capture(), isTTY: true };
    const base = ['jfs', '-D', `fs.oss.endpoint=${server.endpoint}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', `fs.oss.accessKeySecret=${SECRET}`];
    expect(await main([...base, '-put', join(dir, 'big.bin'), 'oss://killed/progress/big.bin'], io)).toBe(0);
    expect(io.errors()).toMatch(/put oss:\/\/killed\/progress\/big\.bin: 16 MiB \(80%\)/);
    expect(await main([...base, '-stat', 'oss://killed/progress/big.bin'], io)).toBe(0);
  });

  it('answers usage errors with exit code 2, and -recover reports in JSON', async () => {
    const io = capture();
    expect(await main(['jfs', '-frobnicate'], io)).toBe(2);
    expect(await main(['nope'], io)).toBe(2);
    expect(await main(['jfs', '-recover'], io)).toBe(2);
    expect(await main(['jfs', '-recover', 'file:///tmp/x'], io)).toBe(2);
    const json = capture();
    const code = await main(['jfs', '-json', '-recover', '-R', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', SECRET, 'oss://killed/none'], json);
    expect(code).toBe(0);
    expect(JSON.parse(json.text())).toEqual([]);
  });

  it('names a wrong secret without printing it', async () => {
    const io = capture();
    const code = await main(['jfs', '-recover', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', 'WRONG-SECRET-VALUE', 'oss://killed/some/file'], io);
    expect(code).toBe(1);
    expect(io.errors() + io.text()).toMatch(/SignatureDoesNotMatch/);
    expect(io.errors() + io.text()).not.toContain('WRONG-SECRET-VALUE');
  });
});
