import { describe, expect, it } from 'vitest';
import { ConfigurationError, Configuration, FileSystem, FileAlreadyExistsError, FileNotFoundError, PathCapabilities, StreamCapabilities, UnsupportedOperationError } from '@hadoopfs/core';
import '@hadoopfs/memory';

// Issue 12: fs.mem.semantics makes mem:// behave like HDFS (the default), a POSIX disk or an object store.

const memFs = (semantics?: string) =>
  FileSystem.newInstance('mem://semantics/', semantics === undefined ? new Configuration({ loadDefaults: false }) : new Configuration({ loadDefaults: false }).set('fs.mem.semantics', semantics));

async function write(fs: FileSystem, path: string, text: string): Promise<void> {
  const out = await fs.create(path, { overwrite: true });
  await out.write(text);
  await out.close();
}

describe('fs.mem.semantics', () => {
  it('object-store: nothing is visible before close (hflush included), and neither hflush nor hsync nor append is declared', async () => {
    const fs = await memFs('object-store');
    const out = await fs.create('/logs/a.log');
    await out.write('flushed?');
    await out.hflush();
    expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(false);
    expect(await fs.exists('/logs/a.log')).toBe(false);
    await out.close();
    expect(await fs.exists('/logs/a.log')).toBe(true);
    for (const capability of [PathCapabilities.APPEND, PathCapabilities.ATOMIC_RENAME, PathCapabilities.HFLUSH, PathCapabilities.HSYNC]) {
      expect(await fs.hasPathCapability('/logs', capability), capability).toBe(false);
    }
    await expect(fs.append('/logs/a.log')).rejects.toThrow(UnsupportedOperationError);
    // A create-only writer whose path was taken before its close fails at close, like a create-only PUT.
    const late = await fs.create('/logs/b.log', { overwrite: false });
    await write(fs, '/logs/b.log', 'first');
    await late.write('second');
    await expect(late.close()).rejects.toThrow(FileAlreadyExistsError);
    // An aborted stream leaves nothing.
    const aborted = await fs.create('/logs/c.log');
    await aborted.write('never');
    await aborted.abort();
    expect(await fs.exists('/logs/c.log')).toBe(false);
    await fs.close();
  });

  it('object-store: rename is copy + delete, a file at a time — a reader in between sees both names', async () => {
    const fs = await memFs('object-store');
    for (const name of ['a', 'b', 'c']) await write(fs, `/src/${name}`, name);
    let both = false;
    let done = false;
    const renaming = fs.rename('/src', '/dst').then((r) => {
      done = true;
      return r;
    });
    while (!done) {
      if ((await fs.exists('/src/a')) && (await fs.exists('/dst/a'))) both = true;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await renaming).toBe(true);
    expect(both).toBe(true);
    expect(await fs.exists('/src')).toBe(false);
    expect((await fs.listStatus('/dst')).map((s) => s.path.getName())).toEqual(['a', 'b', 'c']);
    await fs.close();
  });

  it('hdfs (the default) answers false where HDFS does — a missing source, a file destination, a missing or file parent — and changes nothing; posix replaces a file, as rename(2); object-store replaces it (aliyun-oss.xml) but a missing source is FileNotFoundError', async () => {
    const hdfs = await memFs();
    await write(hdfs, '/x', 'x');
    await write(hdfs, '/y', 'y');
    expect(await hdfs.rename('/x', '/y')).toBe(false);
    expect(await hdfs.rename('/missing', '/z')).toBe(false);
    expect(await hdfs.rename('/x', '/no/parent/x')).toBe(false);
    expect(await hdfs.rename('/x', '/y/under-a-file')).toBe(false);
    await hdfs.mkdirs('/d');
    await write(hdfs, '/d/x', 'inside');
    expect(await hdfs.rename('/x', '/d')).toBe(false);
    expect((await hdfs.readFile('/x')).toString()).toBe('x');
    expect((await hdfs.readFile('/y')).toString()).toBe('y');
    expect((await hdfs.readFile('/d/x')).toString()).toBe('inside');
    expect(await hdfs.exists('/z')).toBe(false);
    expect(await hdfs.rename('/x', '/d/moved')).toBe(true);
    const posix = await memFs('posix');
    await write(posix, '/x', 'x');
    await write(posix, '/y', 'y');
    expect(await posix.rename('/x', '/y')).toBe(true);
    expect(await posix.exists('/x')).toBe(false);
    const store = await memFs('object-store');
    await write(store, '/x', 'x');
    await write(store, '/y', 'y');
    expect(await store.rename('/x', '/y')).toBe(true);
    expect((await store.readFile('/y')).toString()).toBe('x');
    await expect(store.rename('/missing', '/z')).rejects.toThrow(FileNotFoundError);
    await expect(store.rename('/y', '/no/parent/y')).rejects.toThrow(FileNotFoundError);
    await Promise.all([hdfs.close(), posix.close(), store.close()]);
  });

  it('an unknown value is refused, naming the key and the values it takes', async () => {
    await expect(memFs('eventual')).rejects.toThrow(ConfigurationError);
    await expect(memFs('eventual')).rejects.toThrow(/fs\.mem\.semantics: its value is not one of hdfs, posix, object-store/);
  });
});
