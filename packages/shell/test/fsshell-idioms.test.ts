import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStatus, FileSystem, type Path } from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';
import { runHadoopfs, runJindo } from '@hadoopfs/shell';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';
import { capture } from './helpers.js';

// Issue 23: everyday FsShell idioms work and print what FsShell prints.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hadoopfs-idioms-'));
});
afterAll(async () => {
  await FileSystem.closeAll();
  await rm(dir, { recursive: true, force: true });
});

const run = async (args: string[], program: 'hadoopfs' | 'jindo' = 'hadoopfs', stdin?: string) => {
  const io = capture(stdin);
  const code = await (program === 'hadoopfs' ? runHadoopfs(args, io) : runJindo(args, io));
  return { code, out: io.text(), err: io.errors() };
};

/** The path column of `-ls` lines (the last field). */
const names = (out: string) => out.split('\n').filter((l) => l !== '' && !l.startsWith('Found')).map((l) => l.split(' ').pop());

describe('-ls -R: FsShell’s order and widths', () => {
  it('lists depth-first — each directory’s tree before its next sibling — at several depths', async () => {
    const root = join(dir, 'tree');
    for (const d of ['a/x/deep', 'b', 'c/y', 'c/z']) await mkdir(join(root, d), { recursive: true });
    for (const f of ['a/x/deep/f1', 'a/x/f2', 'a/g', 'b/big.txt', 'c/y/h', 'local.txt']) await writeFile(join(root, f), 'x');
    const result = await run(['fs', '-ls', '-R', `file://${root}`]);
    expect(result.code, result.err).toBe(0);
    const order = ['a', 'a/g', 'a/x', 'a/x/deep', 'a/x/deep/f1', 'a/x/f2', 'b', 'b/big.txt', 'c', 'c/y', 'c/y/h', 'c/z', 'local.txt'];
    expect(names(result.out)).toEqual(order.map((p) => `file://${root}/${p}`));
    expect(result.out).not.toContain('Found');
  });

  it('column widths only grow over a run, widened by each listing before it prints: a long owner deep in one directory widens the siblings printed after it', async () => {
    // mem:// whose owner names are what the test says: a long one for one file deep in the tree.
    class Owners extends MemoryFileSystem {
      protected override async statPath(path: Path): Promise<FileStatus> {
        return relabel(await super.statPath(path));
      }
      protected override async *listPages(path: Path): AsyncIterable<readonly FileStatus[]> {
        for await (const page of super.listPages(path)) yield page.map(relabel);
      }
    }
    const relabel = (s: FileStatus) =>
      s.path.getName() !== 'deep' ? s : new FileStatus({ path: s.path, length: s.length, isDirectory: s.isDirectory(), modificationTime: s.modificationTime, blockSize: s.blockSize, owner: 'a-very-long-owner', group: s.group, permission: s.permission });
    FileSystem.register('memowners', Owners);
    const fs = await FileSystem.get('memowners://widths/');
    await fs.writeFile('/a/deep', 'x');
    await fs.writeFile('/first', 'x');
    await fs.writeFile('/z-last', 'x');
    const { owner, group } = await fs.getFileStatus('/first');
    const { out, code, err } = await run(['fs', '-ls', '-R', 'memowners://widths/']);
    expect(code, err).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.map((l) => l.split(' ').pop())).toEqual(['memowners://widths/a', 'memowners://widths/a/deep', 'memowners://widths/first', 'memowners://widths/z-last']);
    // FsShell: `a` printed with the widths of the first listing; then a/deep's listing widens the owner
    // column to its 17 characters, for a/deep and for the siblings printed after it (first, z-last).
    const dateAt = (line: string) => line.search(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} /);
    expect(lines[0]).toContain(` ${owner} ${group} `);
    expect(lines.slice(1).map(dateAt)).toEqual([1, 2, 3].map(() => dateAt(lines[0]!) + 'a-very-long-owner'.length - owner.length));
    FileSystem.unregister('memowners');
  });

  it('a directory’s listing says "Found N items" and is sorted; an empty one prints nothing', async () => {
    const root = join(dir, 'found');
    await mkdir(join(root, 'empty'), { recursive: true });
    await writeFile(join(root, 'b'), 'x');
    await writeFile(join(root, 'a'), 'x');
    const listed = await run(['fs', '-ls', `file://${root}`]);
    expect(listed.out.split('\n')[0]).toBe('Found 3 items');
    expect(names(listed.out)).toEqual(['a', 'b', 'empty'].map((n) => `file://${root}/${n}`));
    expect((await run(['fs', '-ls', `file://${root}/empty`])).out).toBe('');
  });
});

describe('relative and .. paths on the local filesystem', () => {
  const home = process.cwd();
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(dir, 'cwd-'));
    await mkdir(join(work, 'sub'));
    await writeFile(join(work, 'data.csv'), 'a,b\n');
    process.chdir(join(work, 'sub'));
  });
  afterEach(() => {
    process.chdir(home);
  });

  it('-put ../data.csv, -cat ../f, -get x ../y, -ls .. work as FsShell’s do', async () => {
    const put = await run(['fs', '-put', '../data.csv', `file://${work}/put.csv`]);
    expect(put.code, put.err).toBe(0);
    expect(await readFile(join(work, 'put.csv'), 'utf8')).toBe('a,b\n');
    const cat = await run(['fs', '-cat', '../data.csv']);
    expect([cat.code, cat.out]).toEqual([0, 'a,b\n']);
    const get = await run(['fs', '-get', `file://${work}/put.csv`, '../got.csv']);
    expect(get.code, get.err).toBe(0);
    expect(await readFile(join(work, 'got.csv'), 'utf8')).toBe('a,b\n');
    const ls = await run(['fs', '-ls', '..']);
    expect(ls.code, ls.err).toBe(0);
    expect(names(ls.out)).toEqual(expect.arrayContaining(['../data.csv', '../sub']));
    const cp = await run(['fs', '-cp', './../data.csv', 'copy.csv']);
    expect(cp.code, cp.err).toBe(0);
    expect(await readFile(join(work, 'sub', 'copy.csv'), 'utf8')).toBe('a,b\n');
  });

  it('a path that climbs above the root is an error naming it, not a crash', async () => {
    const result = await run(['fs', '-ls', 'file:///..']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/file:\/\/\/\.\./);
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});

describe('help, usage and configuration errors', () => {
  it('--help and -help print usage on stdout and exit 0, for hadoopfs and jindo', async () => {
    for (const [program, args] of [['hadoopfs', ['--help']], ['hadoopfs', ['-help']], ['hadoopfs', ['fs', '--help']], ['jindo', ['--help']], ['jindo', ['-help']]] as const) {
      const result = await run([...args], program);
      expect(result.code, `${program} ${args.join(' ')}`).toBe(0);
      expect(result.out, `${program} ${args.join(' ')}`).toMatch(/Usage/);
    }
  });

  it('a malformed core-site.xml is one line on stderr and exit 1: no stack, no usage', async () => {
    const conf = join(dir, 'conf-bad');
    await mkdir(conf, { recursive: true });
    await writeFile(join(conf, 'core-site.xml'), '<configuration><property><name>x</name>');
    const saved = process.env['HADOOP_CONF_DIR'];
    process.env['HADOOP_CONF_DIR'] = conf;
    try {
      const result = await run(['fs', '-ls', `file://${dir}`]);
      expect(result.code).toBe(1);
      expect(result.err.trim().split('\n')).toHaveLength(1);
      expect(result.err).toMatch(/core-site\.xml/);
      expect(result.out).toBe('');
    } finally {
      if (saved === undefined) delete process.env['HADOOP_CONF_DIR'];
      else process.env['HADOOP_CONF_DIR'] = saved;
    }
    const explicit = await run(['fs', '-conf', join(conf, 'core-site.xml'), '-ls', `file://${dir}`]);
    expect(explicit.code).toBe(1);
    expect(explicit.err.trim().split('\n')).toHaveLength(1);
    expect(explicit.err).not.toMatch(/Usage/);
  });
});

describe('-ls on an object store: owner and group as hadoop-aliyun shows them', () => {
  let server: RunningOssServer;
  beforeAll(async () => {
    server = await startOssServer({ credentials: [{ accessKeyId: 'id', accessKeySecret: 'secret-value' }], buckets: ['owners'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('the current user (HADOOP_USER_NAME) as owner and group, rw-rw-rw- for files and rwxrwxrwx for directories', async () => {
    const saved = process.env['HADOOP_USER_NAME'];
    process.env['HADOOP_USER_NAME'] = 'porter';
    try {
      const base = ['fs', '-D', `fs.oss.endpoint=${server.endpoint}`, '-D', 'fs.oss.accessKeyId=id', '-D', 'fs.oss.accessKeySecret=secret-value'];
      expect((await run([...base, '-mkdir', '-p', 'oss://owners/d'])).code).toBe(0);
      const put = await run([...base, '-put', '-', 'oss://owners/f'], 'hadoopfs', '');
      expect(put.code, put.err).toBe(0);
      const { out, code, err } = await run([...base, '-ls', 'oss://owners/']);
      expect(code, err).toBe(0);
      const lines = out.split('\n').filter((l) => l.startsWith('d') || l.startsWith('-'));
      expect(lines.find((l) => l.endsWith('/d'))).toMatch(/^drwxrwxrwx {3}- porter porter +0 /);
      expect(lines.find((l) => l.endsWith('/f'))).toMatch(/^-rw-rw-rw- {3}1 porter porter +0 /);
    } finally {
      if (saved === undefined) delete process.env['HADOOP_USER_NAME'];
      else process.env['HADOOP_USER_NAME'] = saved;
    }
  });
});
