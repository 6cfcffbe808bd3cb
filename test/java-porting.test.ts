// Issue 23: code ported line by line from Hadoop's Java works — each overload does what Java's does, and
// an argument of the wrong kind is a TypeError naming it, never a silent default.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Configuration,
  ContentSummary,
  EOFError,
  FileAlreadyExistsError,
  FileStatus,
  FileSystem,
  FsPermission,
  IOError,
  IOUtils,
  LocatedFileStatus,
  Path,
  Trash,
} from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';
import '@hadoopfs/local';

let fs: MemoryFileSystem;
beforeEach(async () => {
  fs = await MemoryFileSystem.of({ '/in/a.txt': 'alpha', '/in/b.log': 'beta!', '/in/sub/c.txt': 'gamma' });
});

const text = async (path: string) => (await fs.readFile(path)).toString();

describe('create: Hadoop’s overloads', () => {
  it('create(path, false) refuses an existing file (Java’s create(Path, boolean overwrite)); create(path, true) replaces it', async () => {
    await expect(fs.create('/in/a.txt', false)).rejects.toBeInstanceOf(FileAlreadyExistsError);
    expect(await text('/in/a.txt')).toBe('alpha');
    const out = await fs.create('/in/a.txt', true);
    await out.write('new');
    await out.close();
    expect(await text('/in/a.txt')).toBe('new');
  });

  it('create(path, overwrite, bufferSize, replication, blockSize, progress) and the permission form', async () => {
    let progressed = 0;
    const out = await fs.create('/new/x', false, 4096, 1, 64 * 1024 * 1024, () => progressed++);
    await out.write('x');
    await out.close();
    expect(progressed).toBeGreaterThan(0);
    const withObject = await fs.create('/new/y', new FsPermission(0o600), false, 4096, 1, 1024 * 1024, { progress: () => progressed++ });
    await withObject.close();
    expect((await fs.getFileStatus('/new/y')).getLen()).toBe(0);
    await expect(fs.create('/new/y', new FsPermission(0o600), false, 4096, 1, 1024 * 1024)).rejects.toBeInstanceOf(FileAlreadyExistsError);
    await (await fs.create('/new/z', false, 4096)).close();
    await (await fs.create('/new/r', 1)).close();
    expect(await fs.exists('/new/r')).toBe(true);
  });

  it('an argument of the wrong kind is a TypeError naming the parameter', async () => {
    const wrong: Array<[() => Promise<unknown>, RegExp]> = [
      [() => fs.create('/w', 'false' as never), /create: its second argument must be .*got a string/],
      [() => fs.create('/w', true, '4096' as never), /create: bufferSize must be a number, got a string/],
      [() => fs.create('/w', true, 4096, 3 as never), /create: blockSize/],
      [() => fs.create('/w', { overwrite: 'no' } as never), /create: options.overwrite must be a boolean, got a string/],
      [() => fs.create('/w', { overwrit: false } as never), /create: options.overwrit is not an option of create/],
      [() => fs.create('/w', true, 1, 1, 1, 'p' as never), /create: progress must be a Progressable/],
      [() => fs.create(42 as never), /create: path must be a Path or a string, got a number/],
      [() => fs.open('/in/a.txt', '1' as never), /open: expected an options object or bufferSize/],
    ];
    for (const [call, message] of wrong) {
      const error = await Promise.resolve().then(call).then(() => undefined, (e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(message);
    }
    expect(await fs.exists('/w')).toBe(false);
  });
});

describe('listings', () => {
  it('a PathFilter given as an object with accept() filters (Java’s PathFilter), as does a function', async () => {
    const names = (statuses: FileStatus[]) => statuses.map((s) => s.getPath().getName()).sort();
    expect(names(await fs.listStatus('/in', { accept: (p: Path) => p.getName().endsWith('.txt') }))).toEqual(['a.txt']);
    expect(names(await fs.listStatus('/in', (p) => p.getName().endsWith('.log')))).toEqual(['b.log']);
    expect(names(await fs.globStatus('/in/*', { accept: (p: Path) => p.getName() !== 'sub' }))).toEqual(['a.txt', 'b.log']);
    await expect(fs.listStatus('/in', { accept: true } as never)).rejects.toThrow(TypeError);
    await expect(fs.listStatus('/in', 'txt' as never)).rejects.toThrow(/listStatus: expected a PathFilter/);
  });

  it('listStatus(Path[]) lists each path in turn', async () => {
    const listed = await fs.listStatus([new Path('/in/sub'), '/in/a.txt']);
    expect(listed.map((s) => s.getPath().toString())).toEqual(['mem://default/in/sub/c.txt', 'mem://default/in/a.txt']);
  });

  it('FileStatus has Hadoop’s getters; LocatedFileStatus is a FileStatus with getBlockLocations()', async () => {
    const status = await fs.getFileStatus('/in/a.txt');
    expect([status.getPath().getName(), status.getLen(), status.isDirectory(), status.isFile(), status.isDir(), status.isSymlink()]).toEqual(['a.txt', 5, false, true, false, false]);
    expect(status.getModificationTime()).toBe(status.modificationTime);
    expect([status.getBlockSize(), status.getReplication(), status.getPermission().toString()]).toEqual([status.blockSize, 1, status.permission.toString()]);
    const located: LocatedFileStatus[] = [];
    for await (const s of fs.listLocatedStatus('/in')) located.push(s);
    expect(located.every((s) => s instanceof FileStatus && s instanceof LocatedFileStatus)).toBe(true);
    const a = located.find((s) => s.getPath().getName() === 'a.txt')!;
    expect(a.getLen()).toBe(5);
    expect(a.getBlockLocations()).toEqual([{ offset: 0, length: 5, names: ['localhost:9866'], hosts: ['localhost'] }]);
    expect(located.find((s) => s.isDirectory())!.getBlockLocations()).toEqual([]);
    const files: LocatedFileStatus[] = [];
    for await (const s of fs.listFiles('/in', true)) files.push(s);
    expect(files.map((f) => [f.getPath().getName(), f.getBlockLocations().length])).toEqual(expect.arrayContaining([['c.txt', 1]]));
  });

  it('ContentSummary has Hadoop’s fields, getters and -count columns', async () => {
    const summary = await fs.getContentSummary('/in');
    expect(summary).toBeInstanceOf(ContentSummary);
    expect([summary.getLength(), summary.getFileCount(), summary.getDirectoryCount(), summary.getQuota(), summary.getSpaceConsumed(), summary.getSpaceQuota()]).toEqual([15, 3, 2, -1, 15, -1]);
    expect(summary.toString()).toBe(`${'2'.padStart(12)} ${'3'.padStart(12)} ${'15'.padStart(18)} `);
    expect(summary.toString(true)).toBe(`${'none'.padStart(12)} ${'inf'.padStart(15)} ${'none'.padStart(15)} ${'inf'.padStart(15)} ${summary.toString()}`);
  });
});

describe('FileSystem.get(conf) and the default URI', () => {
  it('FileSystem.get(conf) is fs.defaultFS; getDefaultUri(conf) its URI (file:/// by default)', async () => {
    const conf = new Configuration({ loadDefaults: false }).set('fs.defaultFS', 'mem://porting');
    const fromConf = await FileSystem.get(conf);
    expect(fromConf.getUri()).toBe('mem://porting');
    expect(FileSystem.getDefaultUri(conf).href).toBe('mem://porting/');
    expect(FileSystem.getDefaultUri(new Configuration({ loadDefaults: false })).href).toBe('file:///');
    const fresh = await FileSystem.newInstance(conf);
    expect(fresh).not.toBe(fromConf);
    await fresh.close();
    await fromConf.close();
    expect(() => FileSystem.getDefaultUri('mem://x' as never)).toThrow(TypeError);
  });
});

describe('streams: DataInput and DataOutput', () => {
  it('DataOutput writes big-endian as Java does, and DataInput reads it back; readUTF of writeUTF', async () => {
    const out = await fs.create('/data.bin');
    await out.writeInt(-2);
    await out.writeLong(1234567890123456789n);
    await out.writeShort(0xbeef);
    await out.writeBoolean(true);
    await out.writeByte(0x1ff);
    await out.writeDouble(Math.PI);
    await out.writeFloat(1.5);
    await out.writeChar('é');
    await out.writeUTF('a\u0000é€😀');
    await out.writeBytes('AZ');
    await out.writeChars('hi');
    await out.write(Buffer.from('0123456789'), 2, 3);
    await out.write(0x141);
    await out.close();
    const bytes = await fs.readFile('/data.bin');
    // Java's DataOutputStream bytes for the same calls (modified UTF-8: NUL as C0 80, 😀 as two 3-byte surrogates).
    const utf = Buffer.from([0x00, 0x0e, 0x61, 0xc0, 0x80, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(bytes.subarray(4, 12)).toEqual(Buffer.from('112210f47de98115', 'hex'));
    expect(bytes.subarray(12, 16)).toEqual(Buffer.from([0xbe, 0xef, 0x01, 0xff]));
    const afterChar = 16 + 8 + 4 + 2;
    expect(bytes.subarray(afterChar, afterChar + utf.length)).toEqual(utf);
    expect(bytes.subarray(afterChar + utf.length).toString('latin1')).toBe('AZ\u0000h\u0000i234A');

    const input = await fs.open('/data.bin');
    expect(await input.readInt()).toBe(-2);
    expect(await input.readLong()).toBe(1234567890123456789n);
    expect(await input.readShort()).toBe(0xbeef - 0x10000);
    expect(await input.readBoolean()).toBe(true);
    expect(await input.readSignedByte()).toBe(-1);
    expect(await input.readDouble()).toBe(Math.PI);
    expect(await input.readFloat()).toBe(1.5);
    expect(await input.readChar()).toBe('é');
    expect(await input.readUTF()).toBe('a\u0000é€😀');
    const rest = new Uint8Array(4);
    await input.readFully(rest); // sequential, as DataInput's readFully(byte[])
    expect(Buffer.from(rest).toString('latin1')).toBe('AZ\u0000h');
    expect(input.getPos()).toBe(bytes.length - 6);
    expect(await input.skipBytes(2)).toBe(2);
    expect(await input.readUnsignedByte()).toBe(0x32);
    await expect(input.readFully(new Uint8Array(10))).rejects.toBeInstanceOf(EOFError);
    await input.close();
  });

  it('writeUTF over 65 535 bytes is an IOError and writes nothing; readUTF of malformed bytes is an IOError naming the file', async () => {
    const out = await fs.create('/utf.bin');
    await expect(out.writeUTF('€'.repeat(30_000))).rejects.toBeInstanceOf(IOError);
    await out.write(Buffer.from([0x00, 0x02, 0xc3, 0x41]));
    await out.close();
    expect((await fs.getFileStatus('/utf.bin')).getLen()).toBe(4);
    const input = await fs.open('/utf.bin');
    await expect(input.readUTF()).rejects.toThrow(/readUTF: malformed modified UTF-8 .*utf\.bin/);
    await input.close();
  });
});

describe('IOUtils.copyBytes', () => {
  it('copies with Java’s overloads: buffer size (no close), conf (closes), a bigint count (exactly that many)', async () => {
    const input = await fs.open('/in/a.txt');
    const out = await fs.create('/copy1');
    await IOUtils.copyBytes(input, out, 2);
    expect(input.isClosed() || out.isClosed()).toBe(false);
    await out.close();
    await input.close();
    expect(await text('/copy1')).toBe('alpha');

    const in2 = await fs.open('/in/b.log');
    const out2 = await fs.create('/copy2');
    await IOUtils.copyBytes(in2, out2, new Configuration({ loadDefaults: false }));
    expect(in2.isClosed() && out2.isClosed()).toBe(true);
    expect(await text('/copy2')).toBe('beta!');

    const in3 = await fs.open('/in/b.log');
    const out3 = await fs.create('/copy3');
    await IOUtils.copyBytes(in3, out3, 3n, true);
    expect(await text('/copy3')).toBe('bet');
  });

  it('a count past the end is EOFError, and with close the output is aborted (nothing published)', async () => {
    const input = await fs.open('/in/a.txt');
    const out = await fs.create('/copy4');
    await expect(IOUtils.copyBytes(input, out, 10n, true)).rejects.toBeInstanceOf(EOFError);
    expect(input.isClosed()).toBe(true);
    expect(out.isClosed()).toBe(true);
    await expect(IOUtils.copyBytes(input, out, '4096' as never)).rejects.toThrow(/copyBytes: the third argument/);
  });
});

describe('Trash.moveToAppropriateTrash', () => {
  it('moves to the trash of the filesystem holding the path, with fs.trash.interval from conf', async () => {
    const conf = new Configuration({ loadDefaults: false }).set('fs.trash.interval', '60');
    expect(await Trash.moveToAppropriateTrash(fs, '/in/a.txt', conf)).toBe(true);
    expect(await fs.exists('/in/a.txt')).toBe(false);
    const trashed = fs.getTrashRoot('/in/a.txt').child('Current').toString() + '/in/a.txt';
    expect(await text(trashed)).toBe('alpha');
    expect(await Trash.moveToAppropriateTrash(fs, '/in/b.log', new Configuration({ loadDefaults: false }))).toBe(false);
    expect(await fs.exists('/in/b.log')).toBe(true);
  });
});

describe('copyFromLocalFile / copyToLocalFile: Java’s (delSrc[, overwrite], src, dst)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hadoopfs-porting-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copyFromLocalFile(true, src, dst) deletes the source; (false, false, src, dst) refuses to overwrite', async () => {
    const local = join(dir, 'l.txt');
    await writeFile(local, 'local');
    await fs.copyFromLocalFile(false, false, `file://${local}`, '/up.txt');
    await expect(fs.copyFromLocalFile(false, false, `file://${local}`, '/up.txt')).rejects.toBeInstanceOf(FileAlreadyExistsError);
    await fs.copyFromLocalFile(true, `file://${local}`, '/up2.txt');
    expect(await text('/up2.txt')).toBe('local');
    const localFs = await FileSystem.getLocal(new Configuration({ loadDefaults: false }));
    expect(await localFs.exists(`file://${local}`)).toBe(false);
    await fs.copyToLocalFile(false, '/up.txt', `file://${join(dir, 'down.txt')}`);
    expect(await localFs.exists(`file://${join(dir, 'down.txt')}`)).toBe(true);
  });
});
