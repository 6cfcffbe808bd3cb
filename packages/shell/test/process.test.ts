import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startOssServer } from '@hadoopfs/oss-server';
import { runJindo, type ShellIo } from '@hadoopfs/shell';

// The jindo command as a real process, as a shell runs it.

const BIN = fileURLToPath(new URL('../src/jindo-bin.ts', import.meta.url));
const HADOOPFS_BIN = fileURLToPath(new URL('../src/hadoopfs-bin.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('the shell in a pipe', () => {
  it('a reader that goes away early (| head -1) ends the command quietly, without an EPIPE stack trace (issue 12)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jindo-pipe-'));
    await mkdir(join(dir, 'many'));
    for (let i = 0; i < 3000; i++) await writeFile(join(dir, 'many', `file-${String(i).padStart(5, '0')}`), 'x');
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'jfs', '-ls', `file://${join(dir, 'many')}`], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first line, then close the pipe as `head -1` does.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdout!.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('-tail -f', () => {
  it('shows the last KB, then what is appended as the file grows, until the process is stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jindo-tail-'));
    const file = join(dir, 'growing.log');
    await writeFile(file, `${'a'.repeat(2000)}\nlast line\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'jfs', '-tail', '-f', '-s', '20', `file://${file}`], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!stdout.includes(text)) return;
          child.stdout!.off('data', check);
          resolve();
        };
        child.stdout!.on('data', check);
        check();
      });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    await seen('last line\n');
    expect(stdout.length).toBe(1024);
    await appendFile(file, 'appended 1\n');
    await seen('appended 1\n');
    await appendFile(file, 'appended 2\n');
    await seen('appended 2\n');
    expect(stdout.endsWith('last line\nappended 1\nappended 2\n')).toBe(true);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('options', () => {
  it('an option a command does not know is refused, not taken for a path; -rm -skipTrash is accepted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jindo-options-'));
    await mkdir(join(dir, 'x'));
    let err = '';
    let out = '';
    const io: ShellIo = { out: (t) => void (out += t), err: (t) => void (err += t), stdout: process.stdout, isTTY: false };
    expect(await runJindo(['jfs', '-ls', '-z', `file://${join(dir, 'x')}`], io)).toBe(255);
    expect(err).toContain('Illegal option -z');
    err = '';
    // Before: "-q" was a path, "x" deleted, exit 1. Now nothing is deleted.
    expect(await runJindo(['jfs', '-rm', '-r', '-q', `file://${join(dir, 'x')}`], io)).toBe(255);
    expect(err).toContain('Illegal option -q');
    expect(await runJindo(['jfs', '-rm', '-r', '-skipTrash', `file://${join(dir, 'x')}`], io)).toBe(0);
    expect(out).toContain('Deleted');
    await rm(dir, { recursive: true, force: true });
  });
});

describe('Ctrl-C', () => {
  it('SIGINT during a -put to OSS aborts the upload: exit 130, nothing at the destination, no upload or temporary left', async () => {
    const server = await startOssServer({ credentials: [{ accessKeyId: 'ctrl-c', accessKeySecret: 'ctrl-c-secret' }], buckets: ['ctrlc'] });
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-ctrlc-'));
    try {
      await writeFile(join(dir, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
      // Parts that take their time: the interrupt lands while the upload is under way.
      server.faults.add({ apis: ['UploadPart'], action: { type: 'latency', ms: 200 } });
      const uploading = new Promise<void>((resolve) => {
        const stop = server.onRequest((r) => {
          if (r.api !== 'UploadPart') return;
          stop();
          resolve();
        });
      });
      const child = spawn(
        process.execPath,
        [
          '--import', 'tsx', HADOOPFS_BIN, 'fs',
          '-D', `fs.oss.endpoint=${server.endpoint}`, '-D', 'fs.oss.accessKeyId=ctrl-c', '-D', 'fs.oss.accessKeySecret=ctrl-c-secret',
          '-D', 'fs.oss.multipart.part.size=102400',
          '-put', join(dir, 'big.bin'), 'oss://ctrlc/big.bin',
        ],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await uploading;
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('put: interrupted by SIGINT');
      expect([...server.store.keysFrom('ctrlc', '', '', false)].map((o) => o.key)).toEqual([]);
      expect(server.store.listUploads('ctrlc', '')).toEqual([]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
