import { afterEach, describe, expect, it } from 'vitest';
import {
  ClosedError,
  Configuration,
  FileSystem,
  InvalidPathError,
  Path,
  UnsupportedOperationError,
  type FileSystemUri,
} from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';
import '@hadoopfs/local';

const conf = () => new Configuration({ loadDefaults: false });

describe('FileSystem registry and cache', () => {
  afterEach(async () => {
    await FileSystem.closeAll();
  });

  it('shares one instance per scheme and authority until it is closed', async () => {
    const a = await FileSystem.get('mem://one/x', conf());
    const b = await FileSystem.get(new Path('mem://one/y'), conf());
    const c = await FileSystem.get('mem://two/', conf());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a.getUri()).toBe('mem://one');
    await a.close();
    const d = await FileSystem.get('mem://one/', conf());
    expect(d).not.toBe(a);
  });

  it('shares the instance between concurrent first calls', async () => {
    const [a, b] = await Promise.all([FileSystem.get('mem://race/', conf()), FileSystem.get('mem://race/', conf())]);
    expect(a).toBe(b);
  });

  it('newInstance gives a fresh, uncached instance with its own store', async () => {
    const cached = await FileSystem.get('mem://iso/', conf());
    await (await cached.create('/f')).close();
    const fresh = await FileSystem.newInstance('mem://iso/', conf());
    expect(fresh).not.toBe(cached);
    expect(await fresh.exists('/f')).toBe(false);
    await fresh.close();
  });

  it('honours fs.<scheme>.impl.disable.cache', async () => {
    const c = conf().set('fs.mem.impl.disable.cache', 'true');
    const a = await FileSystem.get('mem://nocache/', c);
    const b = await FileSystem.get('mem://nocache/', c);
    expect(a).not.toBe(b);
    await a.close();
    await b.close();
  });

  it('uses fs.defaultFS for paths without a scheme', async () => {
    const fs = await FileSystem.get('/some/path', conf().set('fs.defaultFS', 'mem://dflt'));
    expect(fs.getUri()).toBe('mem://dflt');
    const local = await FileSystem.get('/x', conf());
    expect(local.getUri()).toBe('file://');
  });

  it('names the scheme and what is registered when no backend is known', async () => {
    await expect(FileSystem.get('nope://x/', conf())).rejects.toThrow(UnsupportedOperationError);
    await expect(FileSystem.get('nope://x/', conf())).rejects.toThrow(/scheme "nope".*registered: .*mem/);
  });

  it('loads fs.<scheme>.impl from a module, and reports a bad one', async () => {
    const spec = new URL('./fixtures/custom-file-system.ts', import.meta.url).pathname;
    const fs = await FileSystem.newInstance('custom://a/', conf().set('fs.custom.impl', `${spec}#CustomFileSystem`));
    expect(fs.constructor.name).toBe('CustomFileSystem');
    expect(fs.getUri()).toBe('custom://a');
    await fs.close();
    await expect(FileSystem.newInstance('custom://a/', conf().set('fs.custom.impl', `${spec}#Missing`))).rejects.toThrow(
      /fs.custom.impl: module .* has no export "Missing"/,
    );
    await expect(FileSystem.newInstance('custom://a/', conf().set('fs.custom.impl', '/no/such/module.js'))).rejects.toThrow(
      /fs.custom.impl: cannot load module/,
    );
  });

  it('accepts a factory function as a provider', async () => {
    const seen: FileSystemUri[] = [];
    FileSystem.register('factory', async (uri, c) => {
      seen.push(uri);
      const fs = new MemoryFileSystem();
      await fs.initialize(uri, c);
      return fs;
    });
    try {
      const fs = await FileSystem.newInstance('factory://auth/', conf());
      expect(seen).toEqual([{ scheme: 'factory', authority: 'auth' }]);
      expect(fs.getUri()).toBe('factory://auth');
      await fs.close();
    } finally {
      FileSystem.unregister('factory');
    }
  });
});

describe('FileSystem paths and lifecycle', () => {
  it('refuses paths of another filesystem with "Wrong FS"', async () => {
    const fs = await FileSystem.newInstance('mem://a/', conf());
    await expect(fs.getFileStatus('mem://b/x')).rejects.toThrow(InvalidPathError);
    await expect(fs.getFileStatus('oss://a/x')).rejects.toThrow(/Wrong FS: oss:\/\/a\/x, expected: mem:\/\/a/);
    await fs.close();
  });

  it('resolves relative paths against the working directory', async () => {
    const fs = await FileSystem.newInstance('mem://wd/', conf());
    await fs.mkdirs('/work');
    fs.setWorkingDirectory('/work');
    await (await fs.create('rel.txt')).close();
    expect(await fs.exists('/work/rel.txt')).toBe(true);
    expect(fs.makeQualified('a/b').toString()).toBe('mem://wd/work/a/b');
    await fs.close();
  });

  it('refuses every call after close, and close is idempotent', async () => {
    const fs = await FileSystem.newInstance('mem://closed/', conf());
    await fs.close();
    await fs.close();
    await expect(fs.exists('/x')).rejects.toThrow(ClosedError);
    await expect(fs.create('/x')).rejects.toMatchObject({ code: 'EBADF' });
    await expect(fs.listStatusIterator('/')[Symbol.asyncIterator]().next()).rejects.toThrow(ClosedError);
  });

  it('works with await using', async () => {
    let kept: FileSystem | undefined;
    {
      await using fs = await FileSystem.newInstance('mem://scoped/', conf());
      kept = fs;
      await using out = await fs.create('/a');
      await out.write('x');
    }
    expect(kept.isClosed()).toBe(true);
  });

  it('error classes carry Node codes', async () => {
    const fs = await FileSystem.newInstance('mem://codes/', conf());
    await expect(fs.open('/missing')).rejects.toMatchObject({ code: 'ENOENT', name: 'FileNotFoundError' });
    await fs.mkdirs('/d');
    await (await fs.create('/d/f')).close();
    await expect(fs.create('/d/f', { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(fs.create('/d/f/g')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(fs.delete('/d')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await expect(fs.open('/d')).rejects.toMatchObject({ code: 'EISDIR', name: 'PathIsDirectoryError' });
    await fs.close();
  });
});

describe('deleteOnExit (issue 12)', () => {
  it('a marked path is deleted when its FileSystem closes; an unmarked one stays', async () => {
    const { mkdtemp, writeFile, access, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-delete-on-exit-'));
    await writeFile(join(dir, 'marked'), 'x');
    await writeFile(join(dir, 'kept'), 'x');
    const fs = await FileSystem.newInstance('file:///', conf());
    expect(await fs.deleteOnExit(join(dir, 'marked'))).toBe(true);
    await fs.close();
    await expect(access(join(dir, 'marked'))).rejects.toThrow();
    await access(join(dir, 'kept'));
    await rm(dir, { recursive: true, force: true });
  });
});
