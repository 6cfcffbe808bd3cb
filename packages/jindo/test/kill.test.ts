import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JindoOssFileSystem } from '@hadoopfs/jindo';
import { onStdoutLines } from '../../../test/fixtures/child-lines.js';
import { bytes, ID, jindoFs, keys, readAll, SECRET, serverForTests } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/flushing-writer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const RECOVER = fileURLToPath(new URL('./fixtures/recover-process.ts', import.meta.url));
const KILLS = process.env['HADOOPFS_LONG'] ? 100 : 20;
const TOTAL = 2 * 1024 * 1024;

const server = serverForTests(['killed']);

/** `jindo jfs -recover -R -force <path>` through the API: every report, none with an error. */
async function recoverForced(path: string): Promise<void> {
  const fs = (await jindoFs(server, 'killed')) as JindoOssFileSystem;
  const reports = await fs.recoverAll(path, { recursive: true, force: true });
  await fs.close();
  expect(reports.filter((r) => r.error).map((r) => r.error!.message)).toEqual([]);
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
  let flushed = 0;
  let seen = 0;
  let closing: number | undefined;
  let closed = false;
  let stderr = () => '';
  await new Promise<void>((resolve, reject) => {
    stderr = onStdoutLines(child, (line) => {
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
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited on its own (${code}): ${stderr()}`));
    });
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return { flushed, closed, ...(closing !== undefined ? { closing } : {}) };
}

/** Runs a forced recursive recover as a process of its own and SIGKILLs it as the server receives its `nth` request. */
async function runRecoverAndKill(path: string, nth: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', RECOVER], {
    cwd: REPO,
    stdio: 'ignore',
    env: { ...process.env, JINDO_ENDPOINT: server.endpoint, JINDO_ACCESS_KEY_ID: ID, JINDO_ACCESS_KEY_SECRET: SECRET, JINDO_TARGET: path },
  });
  let seen = 0;
  const stop = server.onRequest(() => void (++seen === nth && child.kill('SIGKILL')));
  try {
    await new Promise((resolve) => child.once('exit', resolve));
  } finally {
    stop();
  }
}

describe('SIGKILLed writers, then recover', () => {
  it(`recovers every flushed byte after ${KILLS} kills at random moments (D1, D2)`, async () => {
    for (let i = 0; i < KILLS; i++) {
      const seed = 1000 + i;
      const target = `oss://killed/run-${i}/part-0000.log`;
      const { flushed } = await runAndKill(target, seed, 1 + (seed % 7));
      await server.stats.idle();
      await recoverForced(`oss://killed/run-${i}`);
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
      await recoverForced(dir);
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
