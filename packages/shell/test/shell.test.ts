import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesWritable, Configuration, FileSystem, longWritable, SequenceFileWriter } from '@hadoopfs/core';
import { runHadoopfs, runJindo } from '@hadoopfs/shell';
import { capture } from './helpers.js';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';

// Issue 12, finding 3: the shell is Hadoop's FsShell — its commands, options, output formats, glob
// expansion, messages and exit codes — on file://, mem:// and oss://.

const ID = 'shell-id';
const SECRET = 'shell-secret-value';
let server: RunningOssServer;
let dir: string;
beforeAll(async () => {
  server = await startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets: ['logs-b'] });
  dir = await mkdtemp(join(tmpdir(), 'hadoopfs-shell-'));
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const oss = ['fs', '-D', `fs.oss.endpoint=${'ENDPOINT'}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', `fs.oss.accessKeySecret=${SECRET}`];
const shell = async (args: string[], io = capture()) => {
  const argv = args[0] === 'oss' ? [...oss.map((a) => a.replace('ENDPOINT', server.endpoint)), ...args.slice(1)] : ['fs', ...args];
  const code = await runHadoopfs(argv, io);
  return { code, out: io.text(), err: io.errors() };
};

async function writeOss(path: string, data: string | Uint8Array): Promise<void> {
  const conf = new Configuration({ loadDefaults: false }).set('fs.oss.endpoint', server.endpoint).set('fs.oss.accessKeyId', ID).set('fs.oss.accessKeySecret', SECRET);
  const fs = await FileSystem.newInstance('oss://logs-b/', conf);
  const out = await fs.create(path, { overwrite: true });
  await out.write(data);
  await out.close();
  await fs.close();
}

describe('hadoopfs fs: resources', () => {
  it('the copy commands close every file they open (no descriptor left to the garbage collector)', async () => {
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    await writeFile(join(dir, 'fd-source'), 'bytes');
    await FileSystem.closeAll();
    const before = await openFiles();
    for (const args of [
      ['-put', join(dir, 'fd-source'), `file://${dir}/fd-put`],
      ['-cp', `file://${dir}/fd-put`, `file://${dir}/fd-cp`],
      ['-get', `file://${dir}/fd-cp`, join(dir, 'fd-got')],
      ['-getmerge', `file://${dir}/fd-put`, join(dir, 'fd-merged')],
      ['-cat', `file://${dir}/fd-put`],
    ]) {
      const result = await shell(args);
      expect(result.code, result.err).toBe(0);
    }
    expect(await openFiles()).toBe(before);
  });
});

describe('hadoopfs fs: listing as FsShell prints it', () => {
  it("-ls: 'Found N items', Ls's columns (widths 3 and 10 at least, grown to fit), paths as the argument was written", async () => {
    await writeOss('logs/2026-11-01/a.log', 'x'.repeat(12));
    await writeOss('logs/2026-11-02/b.log', 'y'.repeat(12_345_678_901 % 1000));
    await writeOss('logs/2026-12-01/c.log', 'z');
    const listed = await shell(['oss', '-ls', 'oss://logs-b/logs']);
    expect(listed.code, listed.err).toBe(0);
    const lines = listed.out.trimEnd().split('\n');
    expect(lines[0]).toBe('Found 3 items');
    // drwxrwxrwx + ' ' (no ACL), replication right-aligned in 3, owner, group, size in 10, date, path.
    for (const line of lines.slice(1)) expect(line).toMatch(/^d[rwx-]{9} {3}- \S* ?\S* ?\s+0 \d{4}-\d\d-\d\d \d\d:\d\d oss:\/\/logs-b\/logs\/2026-1\d-0\d$/);
    // An absolute path without scheme stays so (the default filesystem named with -fs).
    const plain = await shell(['oss', '-fs', 'oss://logs-b', '-ls', '/logs/2026-11-01']);
    expect(plain.out).toMatch(/^Found 1 items\n-[rwx-]{9} {3}1 .*\s+12 \d{4}-\d\d-\d\d \d\d:\d\d \/logs\/2026-11-01\/a\.log\n$/);
  });

  it('globs on every path argument (*, ?, [..], {a,b}); a pattern that matches nothing is an error naming it', async () => {
    const globbed = await shell(['oss', '-ls', '-C', 'oss://logs-b/logs/2026-11-*']);
    expect(globbed.out).toBe('oss://logs-b/logs/2026-11-01/a.log\noss://logs-b/logs/2026-11-02/b.log\n');
    const braces = await shell(['oss', '-ls', '-d', '-C', 'oss://logs-b/logs/{2026-11-02,2026-12-0?}']);
    expect(braces.out).toBe('oss://logs-b/logs/2026-11-02\noss://logs-b/logs/2026-12-01\n');
    const none = await shell(['oss', '-ls', 'oss://logs-b/logs/1999-*']);
    expect([none.code, none.err]).toEqual([1, "ls: `oss://logs-b/logs/1999-*': No such file or directory\n"]);
    const removed = await shell(['oss', '-rm', '-r', 'oss://logs-b/logs/2026-11-*']);
    expect(removed.out).toBe('Deleted oss://logs-b/logs/2026-11-01\nDeleted oss://logs-b/logs/2026-11-02\n');
    expect((await shell(['oss', '-ls', '-C', 'oss://logs-b/logs'])).out).toBe('oss://logs-b/logs/2026-12-01\n');
  });

  it('-du prints three columns (size, space consumed, path), -s one line, -v a header; -count as ContentSummary; -stat formats', async () => {
    await writeOss('du/one/a', 'a'.repeat(100));
    await writeOss('du/one/b', 'b'.repeat(20));
    await writeOss('du/two', 'c'.repeat(3));
    const du = await shell(['oss', '-du', 'oss://logs-b/du']);
    expect(du.out).toBe('120  120  oss://logs-b/du/one\n3    3    oss://logs-b/du/two\n');
    expect((await shell(['oss', '-du', '-s', '-v', 'oss://logs-b/du'])).out).toBe('SIZE  DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS  FULL_PATH_NAME\n123   123                                    oss://logs-b/du\n');
    const count = await shell(['oss', '-count', '-v', 'oss://logs-b/du']);
    expect(count.out).toBe(`   DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME\n${'2'.padStart(12)} ${'3'.padStart(12)} ${'123'.padStart(18)} oss://logs-b/du\n`);
    const quota = await shell(['oss', '-count', '-q', 'oss://logs-b/du/one']);
    expect(quota.out).toBe(`${'none'.padStart(12)} ${'inf'.padStart(15)} ${'none'.padStart(15)} ${'inf'.padStart(15)} ${'1'.padStart(12)} ${'2'.padStart(12)} ${'120'.padStart(18)} oss://logs-b/du/one\n`);
    const stat = await shell(['oss', '-stat', '%n %b %F %r', 'oss://logs-b/du/two', 'oss://logs-b/du/one']);
    expect(stat.out).toBe('two 3 regular file 1\none 0 directory 0\n');
    expect((await shell(['oss', '-stat', 'oss://logs-b/du/two'])).out).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n$/);
    expect((await shell(['oss', '-du', '-h', '-s', 'oss://logs-b/du'])).out).toBe('123  123  oss://logs-b/du\n');
  });

  it('relative paths are relative to the working directory (file://: the process directory), and printed relative', async () => {
    const here = process.cwd();
    const work = join(dir, 'relative');
    await mkdir(work);
    process.chdir(work);
    try {
      const made = await shell(['-mkdir', '-p', 'sub/deeper']);
      expect(made.code, made.err).toBe(0);
      expect((await shell(['-touchz', 'sub/empty'])).code).toBe(0);
      expect((await shell(['-ls', '-C', 'sub'])).out).toBe('sub/deeper\nsub/empty\n');
      expect((await shell(['-ls', '-d', '-C', 'su*'])).out).toBe('sub\n');
      expect((await shell(['-ls', '-C', '.'])).out).toBe('sub\n');
      expect((await shell(['-ls', '-C', './sub/e*'])).out).toBe('./sub/empty\n');
    } finally {
      process.chdir(here);
    }
  });
});

describe('hadoopfs fs: copies', () => {
  it('-put - reads stdin; -get into a directory and into .; an existing target is refused without -f', async () => {
    const put = await shell(['oss', '-put', '-', 'oss://logs-b/copies/from-stdin.txt'], capture('hello from stdin\n'));
    expect(put.code, put.err + put.out).toBe(0);
    expect((await shell(['oss', '-cat', 'oss://logs-b/copies/from-stdin.txt'])).out).toBe('hello from stdin\n');
    const into = join(dir, 'into');
    await mkdir(into);
    expect((await shell(['oss', '-get', 'oss://logs-b/copies/from-stdin.txt', into])).code).toBe(0);
    expect(await readFile(join(into, 'from-stdin.txt'), 'utf8')).toBe('hello from stdin\n');
    const again = await shell(['oss', '-get', 'oss://logs-b/copies/from-stdin.txt', into]);
    expect([again.code, again.err]).toEqual([1, `get: \`${join(into, 'from-stdin.txt')}': File exists\n`]);
    expect((await shell(['oss', '-get', '-f', 'oss://logs-b/copies/from-stdin.txt', into])).code).toBe(0);
    const here = process.cwd();
    const dot = join(dir, 'dot');
    await mkdir(dot);
    process.chdir(dot);
    try {
      expect((await shell(['oss', '-get', 'oss://logs-b/copies/from-stdin.txt', '.'])).code).toBe(0);
    } finally {
      process.chdir(here);
    }
    expect(await readFile(join(dot, 'from-stdin.txt'), 'utf8')).toBe('hello from stdin\n');
  });

  it('-cp between filesystems (directory trees too), -mv within one and refused across, -getmerge -nl', async () => {
    await writeOss('tree/a.txt', 'A');
    await writeOss('tree/deep/b.txt', 'B');
    const copy = `file://${join(dir, 'copy')}`;
    expect((await shell(['oss', '-cp', 'oss://logs-b/tree', copy])).code).toBe(0);
    expect((await shell(['-ls', '-R', '-C', copy])).out).toBe(`${copy}/a.txt\n${copy}/deep\n${copy}/deep/b.txt\n`);
    expect((await shell(['-cat', `${copy}/deep/b.txt`])).out).toBe('B');
    const across = await shell(['oss', '-mv', `${copy}/a.txt`, 'oss://logs-b/tree/']);
    expect([across.code, across.err]).toEqual([1, `mv: \`${copy}/a.txt': Does not match target filesystem\n`]);
    expect((await shell(['-mv', `${copy}/a.txt`, `${copy}/deep`])).code).toBe(0);
    expect((await shell(['-ls', '-C', `${copy}/deep`])).out).toBe(`${copy}/deep/a.txt\n${copy}/deep/b.txt\n`);
    const merged = join(dir, 'merged.txt');
    expect((await shell(['-getmerge', '-nl', `${copy}/deep`, merged])).code).toBe(0);
    expect(await readFile(merged, 'utf8')).toBe('A\nB\n');
  });
});

describe('hadoopfs fs: contents and changes', () => {
  it('-text decodes gzip and SequenceFiles (key TAB value); -head and -tail show 1 KB', async () => {
    await writeOss('text/plain.gz', gzipSync(Buffer.from('unzipped line\n')));
    const writer = new SequenceFileWriter({ keyClass: 'org.apache.hadoop.io.LongWritable', valueClass: 'org.apache.hadoop.io.BytesWritable' });
    writer.append(longWritable(7), bytesWritable(Buffer.from('hi')));
    await writeOss('text/events.seq', await writer.take());
    expect((await shell(['oss', '-text', 'oss://logs-b/text/plain.gz'])).out).toBe('unzipped line\n');
    expect((await shell(['oss', '-text', 'oss://logs-b/text/events.seq'])).out).toBe('7\t68 69\n');
    await writeOss('text/long', Buffer.concat([Buffer.alloc(1024, 'a'), Buffer.alloc(1500, 'b')]));
    expect((await shell(['oss', '-head', 'oss://logs-b/text/long'])).out).toBe('a'.repeat(1024));
    expect((await shell(['oss', '-tail', 'oss://logs-b/text/long'])).out).toBe('b'.repeat(1024));
  });

  it('-rm needs -r even for an empty directory; -rmdir refuses a non-empty one; -touchz refuses a non-empty file; -mkdir without -p needs the parent', async () => {
    await writeOss('changes/file', 'data');
    expect((await shell(['oss', '-mkdir', 'oss://logs-b/changes/empty'])).code).toBe(0);
    const rmDir = await shell(['oss', '-rm', 'oss://logs-b/changes/empty']);
    expect([rmDir.code, rmDir.err]).toEqual([1, "rm: `oss://logs-b/changes/empty': Is a directory\n"]);
    expect((await shell(['oss', '-test', '-d', 'oss://logs-b/changes/empty'])).code).toBe(0);
    const rmdir = await shell(['oss', '-rmdir', 'oss://logs-b/changes']);
    expect(rmdir.err).toBe("rmdir: `oss://logs-b/changes': Directory is not empty\n");
    expect((await shell(['oss', '-rmdir', 'oss://logs-b/changes/empty'])).code).toBe(0);
    expect((await shell(['oss', '-touchz', 'oss://logs-b/changes/file'])).err).toBe("touchz: `oss://logs-b/changes/file': Not a zero-length file\n");
    expect((await shell(['oss', '-mkdir', 'oss://logs-b/nowhere/x'])).err).toBe("mkdir: `oss://logs-b/nowhere/x': No such file or directory\n");
    expect((await shell(['oss', '-rm', '-f', 'oss://logs-b/nowhere/x'])).code).toBe(0);
    const local = join(dir, 'append.txt');
    await writeFile(local, 'one\n');
    expect((await shell(['-appendToFile', '-', `file://${local}`], capture('two\n'))).code).toBe(0);
    expect(await readFile(local, 'utf8')).toBe('one\ntwo\n');
  });
});

describe('hadoopfs fs: help, usage and errors', () => {
  it('-help and -usage print on stdout and exit 0; an unknown command or option exits 255 with the usage on stderr', async () => {
    const help = await shell(['-help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: hadoopfs fs \[generic options\]\n\t\[-appendToFile <localsrc> \.\.\. <dst>\]\n/);
    expect(help.out).toContain('-ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...] :\n  List the contents');
    expect(help.out).toContain('Generic options supported are:');
    expect((await shell(['-help', 'du'])).out).toMatch(/^-du \[-s\] \[-h\] \[-v\] \[-x\] <path> \.\.\. :\n {2}Show the amount of space/);
    expect((await shell(['-usage', 'ls'])).out).toBe('Usage: hadoopfs fs [generic options] -ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]\n');
    const unknown = await shell(['-frobnicate']);
    expect([unknown.code, unknown.err.split('\n')[0]]).toEqual([255, '-frobnicate: Unknown command']);
    const illegal = await shell(['-ls', '-Z', 'mem://x/']);
    expect([illegal.code, illegal.err]).toEqual([255, '-ls: Illegal option -Z\nUsage: hadoopfs fs [generic options] -ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]\n']);
    const missing = await shell(['-cat', 'mem://x/nothing']);
    expect([missing.code, missing.err]).toEqual([1, "cat: `mem://x/nothing': No such file or directory\n"]);
  });

  it('never prints a secret: not from -D, not from a mistyped -D, not in an error', async () => {
    const typo = await shell(['-D', `fs.oss.accessKeySecret:${SECRET}`, '-ls', 'mem://x/']);
    expect(typo.code).toBe(255);
    expect(typo.err).toContain('-D takes key=value, got "fs.oss.accessKeySecret…"');
    expect(typo.err).not.toContain(SECRET);
    const wrong = await shell(['-D', `fs.oss.endpoint=${server.endpoint}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', 'fs.oss.accessKeySecret=WRONG-SECRET-VALUE', '-ls', 'oss://logs-b/']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/SignatureDoesNotMatch/);
    expect(wrong.err + wrong.out).not.toContain('WRONG-SECRET-VALUE');
  });
});

describe('jindo jfs: the same shell plus -recover', () => {
  it('-recover works on oss:// paths, reports in JSON, and names a wrong secret without printing it', async () => {
    const io = capture();
    expect(await runJindo(['jfs', '-recover'], io)).toBe(255);
    expect(await runJindo(['jfs', '-recover', 'file:///tmp/x'], io)).toBe(255);
    expect(await runJindo(['nope'], io)).toBe(255);
    const json = capture();
    const code = await runJindo(['jfs', '-json', '-recover', '-R', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', SECRET, 'oss://logs-b/none'], json);
    expect(code, json.errors()).toBe(0);
    expect(JSON.parse(json.text())).toEqual([]);
    const wrong = capture();
    expect(await runJindo(['jfs', '-recover', '-endpoint', server.endpoint, '-accessKeyId', ID, '-accessKeySecret', 'WRONG-SECRET-VALUE', 'oss://logs-b/some/file'], wrong)).toBe(1);
    expect(wrong.errors() + wrong.text()).toMatch(/SignatureDoesNotMatch/);
    expect(wrong.errors() + wrong.text()).not.toContain('WRONG-SECRET-VALUE');
    // The shell's commands are there too.
    const ls = capture();
    expect(await runJindo(['jfs', '-D', `fs.oss.endpoint=${server.endpoint}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', `fs.oss.accessKeySecret=${SECRET}`, '-ls', '-C', 'oss://logs-b/du'], ls)).toBe(0);
    expect(ls.text()).toBe('oss://logs-b/du/one\noss://logs-b/du/two\n');
  });
});

describe('getFileChecksum and -checksum (issue 12)', () => {
  it('the same bytes have the same checksum on file://, mem:// and oss:// (OSS without reading them); other bytes differ', async () => {
    const text = 'the same bytes everywhere\n';
    await writeOss('sums/a.txt', text);
    const local = join(dir, 'sum-a.txt');
    await writeFile(local, text);
    const mem = await FileSystem.newInstance('mem://sums/', new Configuration({ loadDefaults: false }));
    const out = await mem.create('/a.txt');
    await out.write(text);
    await out.close();
    const conf = new Configuration({ loadDefaults: false }).set('fs.oss.endpoint', server.endpoint).set('fs.oss.accessKeyId', ID).set('fs.oss.accessKeySecret', SECRET);
    const oss = await FileSystem.newInstance('oss://logs-b/', conf);
    server.stats.reset();
    const fromOss = await oss.getFileChecksum('/sums/a.txt');
    expect(server.stats.requests['GetObject'] ?? 0).toBe(0);
    const fromMem = await mem.getFileChecksum('/a.txt');
    const fromLocal = await (await FileSystem.newInstance('file:///', conf)).getFileChecksum(local);
    expect(fromOss.algorithmName).toBe('COMPOSITE-CRC64ECMA');
    expect(fromOss.equals(fromMem) && fromMem.equals(fromLocal)).toBe(true);
    await writeOss('sums/b.txt', 'other bytes\n');
    expect((await oss.getFileChecksum('/sums/b.txt')).equals(fromOss)).toBe(false);
    await expect(oss.getFileChecksum('/sums')).rejects.toThrow(/is a directory/);
    const printed = await shell(['oss', '-checksum', 'oss://logs-b/sums/a.txt', `file://${local}`]);
    expect(printed.out).toBe(`oss://logs-b/sums/a.txt\tCOMPOSITE-CRC64ECMA\t${fromOss.toHex()}\nfile://${local}\tCOMPOSITE-CRC64ECMA\t${fromOss.toHex()}\n`);
    await Promise.all([mem.close(), oss.close()]);
  });
});

describe('hadoopfs fs: -chmod, -truncate, -touch, -test -r/-w (issue 12)', () => {
  it('on file://: modes octal and symbolic (recursive too), truncate, touch with -t; refused on oss://', async () => {
    const base = join(dir, 'attrs');
    await mkdir(join(base, 'sub'), { recursive: true });
    await writeFile(join(base, 'f.txt'), '0123456789');
    await writeFile(join(base, 'sub', 'g.txt'), 'x');
    expect((await shell(['-chmod', '640', `file://${base}/f.txt`])).code).toBe(0);
    expect((await shell(['-stat', '%a', `file://${base}/f.txt`])).out).toBe('640\n');
    expect((await shell(['-chmod', 'u+x,o=r', `file://${base}/f.txt`])).code).toBe(0);
    expect((await shell(['-stat', '%a %A', `file://${base}/f.txt`])).out).toBe('744 rwxr--r--\n');
    expect((await shell(['-chmod', '-R', 'go-rwx', `file://${base}/sub`])).code).toBe(0);
    expect((await shell(['-stat', '%a', `file://${base}/sub/g.txt`])).out).toBe('600\n');
    const bad = await shell(['-chmod', 'u+q', `file://${base}/f.txt`]);
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([255, '-chmod: chmod: u+q is not a valid mode']);
    expect((await shell(['-truncate', '4', `file://${base}/f.txt`])).out).toBe(`Truncated file://${base}/f.txt to length: 4\n`);
    expect(await readFile(join(base, 'f.txt'), 'utf8')).toBe('0123');
    expect((await shell(['-touch', '-t', '20260102:030405', `file://${base}/f.txt`, `file://${base}/new.txt`])).code).toBe(0);
    const stamp = new Date(2026, 0, 2, 3, 4, 5).getTime();
    expect((await shell(['-stat', '%Y', `file://${base}/f.txt`, `file://${base}/new.txt`])).out).toBe(`${stamp}\n${stamp}\n`);
    expect((await shell(['-touch', '-c', `file://${base}/never.txt`])).code).toBe(0);
    expect((await shell(['-test', '-e', `file://${base}/never.txt`])).code).toBe(1);
    expect((await shell(['-test', '-r', `file://${base}/f.txt`])).code).toBe(0);
    expect((await shell(['-test', '-w', `file://${base}/missing`])).code).toBe(1);
    await writeOss('attrs/o.txt', 'data');
    const refused = await shell(['oss', '-chmod', '600', 'oss://logs-b/attrs/o.txt']);
    expect([refused.code, refused.err]).toEqual([1, "chmod: `oss://logs-b/attrs/o.txt': setPermission is not supported by oss://logs-b: it keeps no permissions\n"]);
  });
});

describe('Trash (fs.trash.interval) and -expunge (issue 12)', () => {
  it('-rm moves to <home>/.Trash/Current when the trash is on; -skipTrash deletes; -expunge -immediate empties it', async () => {
    const on = ['oss', '-D', 'fs.trash.interval=60'];
    await writeOss('trash/a.txt', 'a');
    await writeOss('trash/b.txt', 'b');
    const moved = await shell([...on, '-rm', 'oss://logs-b/trash/a.txt']);
    expect(moved.out).toBe("Moved: 'oss://logs-b/trash/a.txt' to trash at: oss://logs-b/.Trash/Current/trash/a.txt\n");
    expect((await shell(['oss', '-cat', 'oss://logs-b/.Trash/Current/trash/a.txt'])).out).toBe('a');
    expect((await shell(['oss', '-test', '-e', 'oss://logs-b/trash/a.txt'])).code).toBe(1);
    expect((await shell([...on, '-rm', '-skipTrash', 'oss://logs-b/trash/b.txt'])).out).toBe('Deleted oss://logs-b/trash/b.txt\n');
    expect((await shell(['oss', '-test', '-e', 'oss://logs-b/.Trash/Current/trash/b.txt'])).code).toBe(1);
    // Off (the default): -rm deletes.
    await writeOss('trash/c.txt', 'c');
    expect((await shell(['oss', '-rm', 'oss://logs-b/trash/c.txt'])).out).toBe('Deleted oss://logs-b/trash/c.txt\n');
    const expunged = await shell([...on, '-expunge', '-immediate', '-fs', 'oss://logs-b/']);
    expect(expunged.out).toBe('Deleted 1 trash checkpoint(s) of oss://logs-b/.Trash\n');
    expect((await shell(['oss', '-ls', '-C', 'oss://logs-b/.Trash'])).out).toBe('');
  });
});

describe('getStatus and -df (issue 12)', () => {
  it("file:// shows its disk (statfs), mem:// its bytes, oss:// no bound; Hadoop's columns right-aligned", async () => {
    const local = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    const status = await local.getStatus(dir);
    expect(status.capacity).toBeGreaterThan(0);
    expect(status.used + status.remaining).toBeLessThanOrEqual(status.capacity);
    await local.close();
    const df = await shell(['oss', '-df', 'oss://logs-b/', `file://${dir}`]);
    const lines = df.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Filesystem\s+Size\s+Used\s+Available\s+Use%$/);
    expect(lines[1]).toMatch(/^oss:\/\/logs-b\s+9007199254740991\s+0\s+9007199254740991\s+0%$/);
    expect(lines[2]).toMatch(/^file:\/\/\s+\d+\s+\d+\s+\d+\s+\d+%$/);
    // Right-aligned: the columns end where their headers end.
    expect(lines[1]!.indexOf('9007199254740991') + 16).toBe(lines[0]!.indexOf('Size') + 4);
  });
});

describe('-find (issue 12)', () => {
  it('walks each path depth-first, matching -name / -iname globs on the base name', async () => {
    await writeOss('found/a.log', 'a');
    await writeOss('found/deep/B.LOG', 'b');
    await writeOss('found/deep/c.txt', 'c');
    expect((await shell(['oss', '-find', 'oss://logs-b/found'])).out).toBe(
      'oss://logs-b/found\noss://logs-b/found/a.log\noss://logs-b/found/deep\noss://logs-b/found/deep/B.LOG\noss://logs-b/found/deep/c.txt\n',
    );
    expect((await shell(['oss', '-find', 'oss://logs-b/found', '-name', '*.log', '-print'])).out).toBe('oss://logs-b/found/a.log\n');
    expect((await shell(['oss', '-find', 'oss://logs-b/found', '-iname', '*.log'])).out).toBe('oss://logs-b/found/a.log\noss://logs-b/found/deep/B.LOG\n');
    const bad = await shell(['oss', '-find', 'oss://logs-b/found', '-mtime', '1']);
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([255, '-find: Unexpected argument: -mtime']);
  });
});

describe('progress on a terminal', () => {
  it('a long -put shows MiB and percent on stderr, the last line at 100% once the store has it', async () => {
    const big = join(dir, 'big.bin');
    await writeFile(big, Buffer.alloc(20 * 1024 * 1024, 7));
    const io = { ...capture(), isTTY: true };
    expect((await shell(['oss', '-mkdir', 'oss://logs-b/progress'])).code).toBe(0);
    const put = await shell(['oss', '-put', big, 'oss://logs-b/progress/big.bin'], io);
    expect(put.code, put.err).toBe(0);
    // Parts are acknowledged in whatever order they finish (the last, smaller one may beat the one before
    // it): some line before the last shows a share below 100%.
    expect(put.err).toMatch(/oss:\/\/logs-b\/progress\/big\.bin: (8|12|16) MiB \((40|60|80)%\)/);
    expect(put.err).toMatch(/: 20 MiB \(100%\)\n$/);
  });
});
