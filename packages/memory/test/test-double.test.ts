import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';

// Issue 13, finding 5: the memory backend as a test double — usable from `new`, one-call reads and
// writes, JSON snapshots of the tree with scheme paths and back, and a short inspect().

describe('MemoryFileSystem as a test double', () => {
  it('new MemoryFileSystem() is usable at once, as mem://default/ (before: ClosedError EBADF)', async () => {
    const fs = new MemoryFileSystem();
    expect(fs.getUri()).toBe('mem://default');
    await fs.writeFile('/a.txt', 'hello');
    expect((await fs.readFile('/a.txt')).toString()).toBe('hello');
    expect(new MemoryFileSystem({ authority: 'other', semantics: 'object-store' }).toString()).toBe('MemoryFileSystem{mem://other, object-store}');
  });

  it('snapshot() gives the tree as JSON with qualified paths (text, base64 for other bytes, null for empty directories); of() reads it back', async () => {
    const fs = await MemoryFileSystem.of({ '/logs/a.log': 'line\n', '/bin/blob': new Uint8Array([0xff, 0x00, 0xfe]), '/empty': null }, { authority: 'double' });
    const snapshot = await fs.snapshot();
    expect(snapshot).toEqual({
      'mem://double/bin/blob': { base64: '/wD+' },
      'mem://double/empty': null,
      'mem://double/logs/a.log': 'line\n',
    });
    const copy = await MemoryFileSystem.of(JSON.parse(JSON.stringify(snapshot)) as typeof snapshot, { authority: 'double' });
    expect(await copy.snapshot()).toEqual(snapshot);
    expect([...(await copy.readFile('/bin/blob'))]).toEqual([0xff, 0x00, 0xfe]);
  });

  it('console.log shows the class and URI, not the memfs volume (nor the configuration)', async () => {
    const fs = await FileSystem.newInstance('mem://shown/', new Configuration({ loadDefaults: false }).set('fs.oss.accessKeySecret', 'never-printed'));
    await fs.writeFile('/x', 'y'.repeat(10_000));
    const shown = inspect(fs, { depth: 5 });
    expect(shown).toBe('MemoryFileSystem{mem://shown, hdfs}');
    expect(JSON.stringify(Object.keys(fs))).not.toContain('volume');
    await fs.close();
  });
});

// Issue 23, finding 7: a test double people enjoy — restore() is the snapshot, set-up is not counted,
// faults and request events as on a store.
describe('MemoryFileSystem: snapshots, statistics, faults and request events', () => {
  const counters = (fs: FileSystem) => Object.fromEntries([...fs.getIOStatistics().counters()].filter(([, v]) => v > 0));

  it('restore(snapshot) makes the volume exactly the snapshot (what came after goes); reset() empties it', async () => {
    const fs = await MemoryFileSystem.of({ '/keep.txt': 'v1', '/dir/a': 'a' });
    const before = fs.snapshot();
    await fs.writeFile('/keep.txt', 'v2');
    await fs.writeFile('/new.txt', 'new');
    await fs.delete('/dir/a');
    fs.restore(before);
    expect(fs.snapshot()).toEqual(before);
    expect(await fs.exists('/new.txt')).toBe(false);
    expect((await fs.readFile('/keep.txt')).toString()).toBe('v1');
    fs.reset();
    expect(fs.snapshot()).toEqual({});
    expect(await fs.listStatus('/')).toEqual([]);
  });

  it('of(), snapshot() and restore() are not counted in IOStatistics; resetStatistics() forgets the rest', async () => {
    const fs = await MemoryFileSystem.of({ '/a': 'x', '/b/c': 'y' });
    expect(counters(fs)).toEqual({});
    fs.snapshot();
    fs.restore({ '/z': 'z' });
    expect(counters(fs)).toEqual({});
    await fs.readFile('/z');
    expect(counters(fs)).toMatchObject({ op_open: 1 });
    fs.resetStatistics();
    expect(counters(fs)).toEqual({});
  });

  it('faults: the n-th call of an operation fails, a path-bound fault only there, and a disarmed fault is gone', async () => {
    const fs = await MemoryFileSystem.of({ '/a': 'a', '/b': 'b' });
    const disarm = fs.faults.add({ operation: 'rename', nth: 2, error: new Error('disk on fire') });
    expect(await fs.rename('/a', '/a2')).toBe(true);
    await expect(fs.rename('/b', '/b2')).rejects.toThrow('disk on fire');
    expect(await fs.exists('/b')).toBe(true); // nothing done
    expect(await fs.rename('/b', '/b2')).toBe(true); // nth: once
    fs.faults.add({ operation: 'open', path: '/a2' });
    await expect(fs.open('/a2')).rejects.toThrow(/injected fault: open mem:\/\/default\/a2/);
    await (await fs.open('/b2')).close();
    fs.faults.add({ operation: 'listStatus', path: /\/dir$/, times: 1 });
    await fs.mkdirs('/dir');
    await expect(fs.listStatus('/dir')).rejects.toThrow(/listStatus/);
    expect(await fs.listStatus('/dir')).toEqual([]);
    disarm();
    fs.faults.clear();
    await (await fs.open('/a2')).close();
    expect(fs.faults.size).toBe(0);
  });

  it('faults: a stream that fails after k bytes (write and read), and a slow operation', async () => {
    const fs = await MemoryFileSystem.of({ '/big': 'x'.repeat(100) });
    fs.faults.add({ operation: 'write', path: '/out', afterBytes: 10 });
    const out = await fs.create('/out');
    await expect(out.write(Buffer.alloc(64, 1)).then(() => out.hflush())).rejects.toThrow(/injected fault: write/);
    await out.abort();
    fs.faults.add({ operation: 'read', path: '/big', afterBytes: 30 });
    const input = await fs.open('/big');
    const buffer = new Uint8Array(100);
    await expect(input.readFully(0, buffer)).rejects.toThrow(/injected fault: read/);
    await input.close();
    fs.faults.clear();
    fs.faults.add({ operation: 'getFileStatus', delayMs: 30 });
    const started = performance.now();
    expect((await fs.getFileStatus('/big')).length).toBe(100);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(() => fs.faults.add({ operation: 'write' })).toThrow(/afterBytes/);
    expect(() => fs.faults.add({ operation: 'open', nth: 0 })).toThrow(/nth/);
  });

  it('request events: one per public operation, with its outcome (the listener’s own operations are not doubled)', async () => {
    const fs = await MemoryFileSystem.of({ '/a': 'a' });
    const events: Array<{ operation: string; path: string; outcome: string; code?: string }> = [];
    const stop = fs.addRequestListener(({ operation, path, outcome, code }) => events.push({ operation, path, outcome, ...(code ? { code } : {}) }));
    await fs.rename('/a', '/b');
    await fs.getFileStatus('/missing').catch(() => undefined);
    await fs.listStatus('/');
    stop();
    await fs.delete('/b');
    expect(events).toEqual([
      { operation: 'rename', path: 'mem://default/a', outcome: 'ok' },
      { operation: 'getFileStatus', path: 'mem://default/missing', outcome: 'failed', code: 'ENOENT' },
      { operation: 'listStatus', path: 'mem://default/', outcome: 'ok' },
    ]);
  });
});

describe('MemoryFileSystem: a stream fault leaves every other call working', () => {
  it('with a write fault armed, stat, rename, listing and delete of other paths work as before', async () => {
    const fs = await MemoryFileSystem.of({ '/a': 'a', '/d/b': 'b' });
    fs.faults.add({ operation: 'write', path: '/only-this', afterBytes: 1 });
    expect((await fs.getFileStatus('/a')).getLen()).toBe(1);
    expect(await fs.rename('/a', '/d/a')).toBe(true);
    expect((await fs.listStatus('/d')).map((s) => s.getPath().getName())).toEqual(['a', 'b']);
    await fs.writeFile('/other', 'fine');
    expect((await fs.readFile('/other')).toString()).toBe('fine');
    await fs.setTimes('/other', 1000, 1000);
    expect(await fs.delete('/d', true)).toBe(true);
    expect(fs.snapshot()).toEqual({ 'mem://default/other': 'fine' });
  });
});
