/**
 * jindo jfs -recover [-R] [-flushStagingPath P] [-accessKeyId ID] [-accessKeySecret S] [-endpoint E]
 *               [-dryRun] [-force] <path>
 * jindo jfs -ls [-R] | -cat | -put [-f] | -get | -mkdir [-p] | -rm [-r] [-f] | -mv | -du [-s] | -stat | -test -[defsz]
 * Generic options before the command: -conf FILE, -D key=value, -json.
 *
 * Exit codes: 0 ok, 1 some file failed (or -test was false), 2 usage. Values given for secrets are
 * never printed: errors name keys, not values.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Configuration, FileSystem, Path, type FileStatus } from '@hadoopfs/core';
import '@hadoopfs/local';
import '@hadoopfs/memory';
import { JindoOssFileSystem, registerJindoOssFileSystem } from './jindo-file-system.js';
import type { RecoverReport } from './recover-report.js';
import { JINDO_KEYS } from './settings.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Raw bytes for -cat. */
  stdout: NodeJS.WritableStream;
  isTTY: boolean;
}

const USAGE = `usage: jindo jfs [-conf FILE] [-D key=value]... [-json] <command> [args]
commands:
  -recover [-R] [-flushStagingPath P] [-accessKeyId ID] [-accessKeySecret S] [-endpoint E] [-dryRun] [-force] <path>
  -ls [-R] <path>...        -cat <path>...            -put [-f] <local> <dst>     -get <src> <local>
  -mkdir [-p] <path>...     -rm [-r] [-f] <path>...   -mv <src>... <dst>          -du [-s] <path>...
  -stat <path>...           -test -[defsz] <path>`;

class UsageError extends Error {}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdout: process.stdout,
  isTTY: Boolean(process.stderr.isTTY),
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  registerJindoOssFileSystem();
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`jindo: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    io.err(`jindo: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await FileSystem.closeAll().catch(() => undefined);
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = [...argv];
  if (args.shift() !== 'jfs') throw new UsageError('the first word must be "jfs"');
  const conf = new Configuration();
  let json = false;
  for (;;) {
    const a = args[0];
    if (a === '-conf') {
      args.shift();
      const file = args.shift();
      if (!file) throw new UsageError('-conf needs a file');
      conf.addResource(file);
    } else if (a === '-D') {
      args.shift();
      const pair = args.shift() ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`-D takes key=value, got "${pair.replace(/=.*/, '=…')}"`);
      conf.set(pair.slice(0, eq), pair.slice(eq + 1), '-D');
    } else if (a?.startsWith('-D') && a.length > 2 && a.includes('=')) {
      args.shift();
      const pair = a.slice(2);
      conf.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1), '-D');
    } else if (a === '-json') {
      args.shift();
      json = true;
    } else break;
  }
  const command = args.shift();
  switch (command) {
    case '-recover':
      return recover(args, conf, io, json);
    case '-ls':
      return ls(args, conf, io, json);
    case '-cat':
      return forEachPath(args, conf, io, async (fs, p) => {
        const input = await fs.open(p);
        await pipeline(input.toReadable(), io.stdout, { end: false });
      });
    case '-put':
      return put(args, conf, io);
    case '-get':
      return get(args, conf, io);
    case '-mkdir': {
      const parents = takeFlag(args, '-p');
      return forEachPath(args, conf, io, async (fs, p) => {
        if (!parents && !(await fs.exists(p.getParent() ?? p))) throw new Error(`\`${p.toString()}': No such file or directory`);
        if (!parents && (await fs.exists(p))) throw new Error(`\`${p.toString()}': File exists`);
        await fs.mkdirs(p);
      });
    }
    case '-rm': {
      const recursive = takeFlag(args, '-r') || takeFlag(args, '-R');
      const force = takeFlag(args, '-f');
      // Hadoop's: skip the trash. There is no trash here (a delete is immediate), so it changes nothing.
      takeFlag(args, '-skipTrash');
      return forEachPath(args, conf, io, async (fs, p) => {
        const deleted = await fs.delete(p, recursive);
        if (!deleted && !force) throw new Error(`\`${p.toString()}': No such file or directory`);
        if (deleted && !json) io.out(`Deleted ${p.toString()}\n`);
      });
    }
    case '-mv': {
      if (args.length < 2) throw new UsageError('-mv needs a source and a destination');
      const dst = new Path(args.pop()!);
      return forEachPath(args, conf, io, async (fs, p) => {
        await fs.rename(p, dst);
      });
    }
    case '-du':
      return du(args, conf, io, json);
    case '-stat':
      return forEachPath(args, conf, io, async (fs, p) => {
        const s = await fs.getFileStatus(p);
        io.out(json ? `${JSON.stringify(s.toJSON())}\n` : `${formatDate(s.modificationTime)}\n`);
      });
    case '-test':
      return test(args, conf);
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

function takeFlag(args: string[], flag: string): boolean {
  const i = args.indexOf(flag);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

function takeOption(args: string[], option: string): string | undefined {
  const i = args.indexOf(option);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('-')) throw new UsageError(`${option} needs a value`);
  args.splice(i, 2);
  return value;
}

async function fsFor(path: Path, conf: Configuration): Promise<FileSystem> {
  return FileSystem.get(path, conf);
}

/** Runs `action` for every path argument; a failure is reported and counted, the others go on. */
async function forEachPath(args: string[], conf: Configuration, io: CliIo, action: (fs: FileSystem, p: Path) => Promise<void>): Promise<number> {
  // The command took its own options: anything left that looks like one is a mistake, not a path (FsShell
  // says "Illegal option"), and no path is touched.
  const option = args.find((a) => a.startsWith('-') && a.length > 1);
  if (option !== undefined) throw new UsageError(`Illegal option ${option}`);
  if (args.length === 0) throw new UsageError('a path is needed');
  let failed = 0;
  for (const arg of args) {
    try {
      const p = new Path(arg);
      await action(await fsFor(p, conf), p);
    } catch (error) {
      failed++;
      io.err(`jindo: ${arg}: ${(error as Error).message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function recover(args: string[], conf: Configuration, io: CliIo, json: boolean): Promise<number> {
  const recursive = takeFlag(args, '-R');
  const dryRun = takeFlag(args, '-dryRun');
  const force = takeFlag(args, '-force');
  const staging = takeOption(args, '-flushStagingPath');
  const accessKeyId = takeOption(args, '-accessKeyId');
  const accessKeySecret = takeOption(args, '-accessKeySecret');
  const endpoint = takeOption(args, '-endpoint');
  if (args.length !== 1) throw new UsageError('-recover takes exactly one path');
  const target = new Path(args[0]!);
  if (target.scheme !== 'oss') throw new UsageError(`-recover works on oss:// paths, got ${target.toString()}`);
  if (staging) conf.set(JINDO_KEYS.stagingPath, staging, '-flushStagingPath').unset(JINDO_KEYS.stagingPathAlias);
  if (accessKeyId) conf.set('fs.oss.accessKeyId', accessKeyId, '-accessKeyId');
  if (accessKeySecret) conf.set('fs.oss.accessKeySecret', accessKeySecret, '-accessKeySecret');
  if (endpoint) conf.set('fs.oss.endpoint', endpoint, '-endpoint');
  const fs = await FileSystem.newInstance(target, conf);
  if (!(fs instanceof JindoOssFileSystem)) throw new Error(`${target.toString()} is not served by JindoOssFileSystem (check fs.oss.impl)`);
  let done = 0;
  const reports = await fs.recoverAll(target, {
    recursive,
    dryRun,
    force,
    onReport: () => {
      done++;
      if (io.isTTY && !json) io.err(`\rrecovering: ${done} file(s) done`);
    },
  });
  if (io.isTTY && !json && done > 0) io.err('\n');
  await fs.close();
  if (json) {
    io.out(`${JSON.stringify(reports.map((r) => ({ ...r, error: r.error?.message })), null, 2)}\n`);
  } else {
    if (reports.length === 0) io.out(`nothing staged under ${target.toString()}\n`);
    for (const r of reports) io.out(`${describe(r)}\n`);
  }
  return reports.some((r) => r.error) ? 1 : 0;
}

function describe(r: RecoverReport): string {
  const bytes = r.recoveredBytes > 0 ? ` (${r.recoveredBytes} bytes)` : '';
  return `${r.state.padEnd(16)} ${r.path}${bytes}: ${r.error ? r.error.message : r.action}`;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function lsLine(s: FileStatus): string {
  const kind = s.isDirectory() ? 'd' : '-';
  const replication = s.isDirectory() ? '-' : String(s.replication);
  return `${kind}${s.permission.toString()}   ${replication} ${s.owner || '-'} ${s.group || '-'} ${String(s.length).padStart(10)} ${formatDate(s.modificationTime)} ${s.path.toString()}`;
}

async function ls(args: string[], conf: Configuration, io: CliIo, json: boolean): Promise<number> {
  const recursive = takeFlag(args, '-R');
  return forEachPath(args, conf, io, async (fs, p) => {
    const visit = async (dir: Path, top: boolean): Promise<void> => {
      const entries = await fs.listStatus(dir);
      if (json) for (const s of entries) io.out(`${JSON.stringify(s.toJSON())}\n`);
      else {
        if (top && (await fs.isDirectory(dir))) io.out(`Found ${entries.length} items\n`);
        for (const s of entries) io.out(`${lsLine(s)}\n`);
      }
      if (recursive) for (const s of entries) if (s.isDirectory()) await visit(s.path, false);
    };
    await visit(p, true);
  });
}

/** Counts bytes on their way through; on a terminal, shows how far a long copy is. */
function progressMeter(io: CliIo, label: string, total: number): Transform {
  let done = 0;
  let shown = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      if (io.isTTY && done - shown >= 8 * 1024 * 1024) {
        shown = done;
        const percent = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : '';
        io.err(`\r${label}: ${(done / 1024 / 1024).toFixed(0)} MiB${percent}`);
      }
      callback(null, chunk);
    },
    flush(callback) {
      if (io.isTTY && shown > 0) io.err('\n');
      callback();
    },
  });
}

async function put(args: string[], conf: Configuration, io: CliIo): Promise<number> {
  const overwrite = takeFlag(args, '-f');
  if (args.length !== 2) throw new UsageError('-put takes a local source and a destination');
  const [local, dst] = args as [string, string];
  return forEachPath([dst], conf, io, async (fs, p) => {
    const target = (await fs.isDirectory(p)) ? new Path(p, local.split('/').pop()!) : p;
    const size = (await stat(local)).size;
    const out = await fs.create(target, { overwrite });
    await pipeline(createReadStream(local), progressMeter(io, `put ${target.toString()}`, size), out.toWritable());
  });
}

async function get(args: string[], conf: Configuration, io: CliIo): Promise<number> {
  if (args.length !== 2) throw new UsageError('-get takes a source and a local destination');
  const [src, local] = args as [string, string];
  return forEachPath([src], conf, io, async (fs, p) => {
    const size = (await fs.getFileStatus(p)).length;
    const input = await fs.open(p);
    await pipeline(input.toReadable(), progressMeter(io, `get ${p.toString()}`, size), createWriteStream(local, { flags: 'wx' }));
  });
}

async function du(args: string[], conf: Configuration, io: CliIo, json: boolean): Promise<number> {
  const summary = takeFlag(args, '-s');
  return forEachPath(args, conf, io, async (fs, p) => {
    const entries = summary ? [await fs.getFileStatus(p)] : await fs.listStatus(p);
    for (const s of entries) {
      const size = s.isDirectory() ? (await fs.getContentSummary(s.path)).length : s.length;
      io.out(json ? `${JSON.stringify({ path: s.path.toString(), length: size })}\n` : `${size}  ${s.path.toString()}\n`);
    }
  });
}

async function test(args: string[], conf: Configuration): Promise<number> {
  const flag = args.shift();
  const target = args.shift();
  if (!flag || !/^-[defsz]$/.test(flag) || !target || args.length > 0) throw new UsageError('-test takes one of -d -e -f -s -z and a path');
  const p = new Path(target);
  const fs = await fsFor(p, conf);
  const status = await fs.getFileStatus(p).catch(() => undefined);
  const answer =
    flag === '-e' ? status !== undefined
    : flag === '-d' ? status?.isDirectory() === true
    : flag === '-f' ? status?.isFile() === true
    : flag === '-s' ? (status?.length ?? 0) > 0
    : status !== undefined && status.length === 0;
  return answer ? 0 : 1;
}
