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
