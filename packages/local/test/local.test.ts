import { mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Configuration, FileSystem, InvalidPathError, StreamCapabilities, type FsFileHandle, type FsPromisesApi } from '@hadoopfs/core';
import { LOCAL_ROOT_KEY, LocalFileSystem } from '@hadoopfs/local';

async function knownUser(uid: number): Promise<string | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  return passwd.split('\n').map((l) => l.split(':')).find((f) => f[2] === String(uid))?.[0];
}

describe('LocalFileSystem', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hadoopfs-local-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses paths outside the configured root before touching the disk', async () => {
    const conf = new Configuration({ loadDefaults: false }).set(LOCAL_ROOT_KEY, dir);
    const fs = await FileSystem.newInstance('file:///', conf);
    await (await fs.create(`${dir}/inside.txt`)).close();
    expect(await fs.exists(`${dir}/inside.txt`)).toBe(true);
    for (const outside of ['/etc/passwd', `${dir}-sibling/x`, '/']) {
      await expect(fs.getFileStatus(outside)).rejects.toThrow(InvalidPathError);
    }
    await expect(fs.create(`${dir}-evil/x`)).rejects.toThrow(/outside the configured root/);
    await expect(fs.rename(`${dir}/inside.txt`, '/tmp/stolen.txt')).rejects.toThrow(InvalidPathError);
    expect(await fs.exists(`${dir}/inside.txt`)).toBe(true);
    await fs.close();
  });

  it('shows owners by name, as RawLocalFileSystem does, and setOwner takes names and ids', async () => {
    const fs = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    const file = `${dir}/owned.txt`;
    await writeFile(file, 'x');
    const status = await fs.getFileStatus(file);
    const me = userInfo();
    // A user the system's database names is shown by that name (a container user without one by number).
    expect(status.owner).toBe(me.username && me.uid >= 0 ? (await knownUser(me.uid)) ?? String(me.uid) : String(process.getuid!()));
    await fs.setOwner(file, status.owner, status.group);
    await fs.setOwner(file, String(process.getuid!()), String(process.getgid!()));
    expect((await fs.getFileStatus(file)).owner).toBe(status.owner);
    await expect(fs.setOwner(file, 'no-such-user-hadoopfs', undefined)).rejects.toThrow(/no user named "no-such-user-hadoopfs"/);
    await fs.close();
  });

  it('concat that fails while appending cuts the target back and keeps the sources', async () => {
    // The disk fails reading the second source, after the first went in.
    class FailingDisk extends LocalFileSystem {
      protected override fsApi(): FsPromisesApi {
        const real = super.fsApi();
        return {
          ...real,
          open: async (path: string, flags: string | number, mode?: number) => {
            const handle = await real.open(path, flags, mode);
            if (!path.endsWith('/b')) return handle;
            return Object.assign(Object.create(handle) as FsFileHandle, {
              read: () => Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })),
              close: () => handle.close(),
            });
          },
        };
      }
    }
    const fs = new FailingDisk();
    await fs.initialize({ scheme: 'file', authority: '' }, new Configuration({ loadDefaults: false }));
    await writeFile(`${dir}/target`, 'head');
    await writeFile(`${dir}/a`, 'first');
    await writeFile(`${dir}/b`, 'second');
    await expect(fs.concat(`${dir}/target`, [`${dir}/a`, `${dir}/b`])).rejects.toThrow(/EIO|i\/o/);
    expect(await readFile(`${dir}/target`, 'utf8')).toBe('head');
    expect(await readFile(`${dir}/a`, 'utf8')).toBe('first');
    expect(await readFile(`${dir}/b`, 'utf8')).toBe('second');
    await fs.concat(`${dir}/target`, [`${dir}/a`]);
    expect(await readFile(`${dir}/target`, 'utf8')).toBe('headfirst');
    await fs.close();
  });

  it('refuses an authority in file:// URIs', async () => {
    await expect(FileSystem.newInstance('file://host/x', new Configuration({ loadDefaults: false }))).rejects.toThrow(/no authority/);
  });

  it('hflush makes bytes visible to other readers of the real file', async () => {
    const fs = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    const file = `${dir}/visible.log`;
    const out = await fs.create(file);
    await out.write('buffered');
    expect((await readFile(file)).length).toBe(0);
    await out.hflush();
    expect((await readFile(file)).toString()).toBe('buffered');
    expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(true);
    expect(out.hasCapability(StreamCapabilities.ABORTABLE)).toBe(false);
    await out.write('+more');
    await out.hsync();
    expect((await readFile(file)).toString()).toBe('buffered+more');
    await out.close();
    await fs.close();
  });

  it('abort of a created file removes it (issue 13: publishes nothing), unless the path names another file by then', async () => {
    const fs = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    const file = `${dir}/aborted.log`;
    const out = await fs.create(file);
    await out.write('flushed');
    await out.hflush();
    await out.write('dropped');
    await out.abort();
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(out.write('x')).rejects.toMatchObject({ code: 'EBADF' });
    // Someone else's file now at the path is not the stream's to remove.
    const replaced = await fs.create(file);
    await writeFile(`${dir}/other.log`, 'not ours');
    await rename(`${dir}/other.log`, file);
    await replaced.abort();
    expect((await readFile(file)).toString()).toBe('not ours');
    await fs.close();
  });

  it('abort of an append stream discards unflushed bytes and keeps the file with its flushed ones', async () => {
    const fs = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    const file = `${dir}/appended.log`;
    await writeFile(file, 'before ');
    const out = await fs.append(file);
    await out.write('kept');
    await out.hflush();
    await out.write('dropped');
    await out.abort();
    expect((await readFile(file)).toString()).toBe('before kept');
    await fs.close();
  });

  it('lists a symlinked directory like the directory it points to', async () => {
    const fs = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    await fs.mkdirs(`${dir}/real`);
    await (await fs.create(`${dir}/real/f`)).close();
    await symlink(`${dir}/real`, `${dir}/link`);
    const listing = await fs.listStatus(`${dir}/link`);
    expect(listing.map((s) => s.path.getName())).toEqual(['f']);
    await fs.close();
  });

  it('fsyncs the directory on the first hsync of a new file and on both sides of a rename', async () => {
    const synced: string[] = [];
    class RecordingLocalFileSystem extends LocalFileSystem {
      protected override async syncDirectory(nativeDir: string): Promise<void> {
        synced.push(nativeDir);
        await super.syncDirectory(nativeDir);
      }
    }
    const fs = new RecordingLocalFileSystem();
    await fs.initialize({ scheme: 'file', authority: '' }, new Configuration({ loadDefaults: false }));
    const out = await fs.create(`${dir}/a/new.log`);
    await out.write('x');
    await out.hsync();
    await out.write('y');
    await out.hsync();
    await out.close();
    expect(synced).toEqual([`${dir}/a`]);
    await fs.mkdirs(`${dir}/b`);
    await fs.rename(`${dir}/a/new.log`, `${dir}/b/moved.log`);
    expect(synced).toEqual([`${dir}/a`, `${dir}/b`, `${dir}/a`]);
    expect((await readFile(`${dir}/b/moved.log`)).toString()).toBe('xy');
    await fs.close();
  });

  it('uses the process working directory for relative paths', async () => {
    const fs = (await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }))) as LocalFileSystem;
    expect(fs.getWorkingDirectory().path).toBe(process.cwd());
    await fs.close();
  });
});
