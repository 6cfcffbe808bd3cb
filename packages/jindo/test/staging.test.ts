import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from '@hadoopfs/core';
import { listStagedFolder, minimumAge, parseStagingName, stagedFolders } from '@hadoopfs/object-store';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { classifyStagingKey, manifestsByWriter, shownAgeSeconds, type StagedObject } from '@hadoopfs/object-store';
import { jindoFs, startServer } from './helpers.js';

/** The layout's grammar: what is the protocol's in a staging folder, and what is not (package README, "Layout"). */
const ID = '0123456789abcdef0123456789abcdef';

describe('staging names', () => {
  it('a manifest name is the whole name, nothing before or after it', () => {
    expect(parseStagingName(`flush.${ID}.0000000007.manifest`)).toEqual({ kind: 'manifest', writerId: ID, sequence: 7 });
    for (const name of [`xflush.${ID}.0000000007.manifest`, `flush.${ID}.0000000007.manifest.bak`, `flush.${ID.toUpperCase()}.0000000007.manifest`, `flush.${ID}.7.manifest`]) {
      expect(parseStagingName(name), name).toBeUndefined();
    }
  });

  it('version 1 names are the whole name too', () => {
    expect(parseStagingName('manifest.json')).toEqual({ kind: 'v1', name: 'manifest.json' });
    expect(parseStagingName('tail-b')).toEqual({ kind: 'v1', name: 'tail-b' });
    for (const name of ['my-manifest.json', 'manifest.json.old', 'tail-a2', 'xtail-a']) expect(parseStagingName(name), name).toBeUndefined();
  });

  it('a key is classified only under the staging prefix and with a target', () => {
    expect(classifyStagingKey('tmp', `tmp/d/f/flush.${ID}.0000000001.manifest`)?.targetKey).toBe('d/f');
    expect(classifyStagingKey('tmp', `other/d/f/flush.${ID}.0000000001.manifest`)).toBeUndefined();
    expect(classifyStagingKey('tmp', `tmpx/d/flush.${ID}.0000000001.manifest`)).toBeUndefined();
    expect(classifyStagingKey('tmp', `tmp/flush.${ID}.0000000001.manifest`)).toBeUndefined();
    expect(classifyStagingKey('tmp', 'tmp/d/f/notes.txt')).toBeUndefined();
  });

  it('a writer’s manifests come newest first, version 1 objects apart', () => {
    const object = (name: string): StagedObject => ({ key: `tmp/f/${name}`, name: parseStagingName(name)!, size: 1, lastModified: 0 });
    const writers = manifestsByWriter([object(`flush.${ID}.0000000002.manifest`), object('manifest.json'), object(`flush.${ID}.0000000010.manifest`), object(`flush.${ID}.0000000001.manifest`)]);
    expect([...writers.keys()]).toEqual([ID]);
    expect(writers.get(ID)!.map((o) => (o.name.kind === 'manifest' ? o.name.sequence : -1))).toEqual([10, 2, 1]);
  });

  it('ages: the least one counts a stamp as any moment of its second; the one shown is whole seconds', () => {
    const s = Date.UTC(2026, 0, 1);
    expect(shownAgeSeconds(s + 5999, s + 999)).toBe(5);
    expect(shownAgeSeconds(s, s + 3000)).toBe(0);
    expect(minimumAge(s + 5999, s + 999)).toBe(4000);
  });
});

describe('listing the staging', () => {
  let server: RunningOssServer;
  beforeAll(async () => {
    server = await startServer(['layout']);
  });
  afterAll(async () => {
    await FileSystem.closeAll();
    await server.close();
  });

  it('a folder lists its own direct children that are the protocol’s; stagedFolders groups by target under a prefix', async () => {
    const fs = await jindoFs(server, 'layout');
    const put = (key: string) => fs.client.put(key, Buffer.from('x'));
    await put(`tmp/a/f/flush.${ID}.0000000001.manifest`);
    await put(`tmp/a/f/flush.${ID}.0000000002.manifest`);
    await put(`tmp/a/f/nested/flush.${ID}.0000000001.manifest`); // another target's (a/f/nested)
    await put('tmp/a/f/notes.txt');
    await put(`tmp/b/g/flush.${ID}.0000000001.manifest`);
    const folder = await listStagedFolder(fs.client, 'tmp', 'a/f');
    expect(folder.objects.map((o) => o.key).sort()).toEqual([`tmp/a/f/flush.${ID}.0000000001.manifest`, `tmp/a/f/flush.${ID}.0000000002.manifest`]);
    const under = await stagedFolders(fs.client, 'tmp', 'a/', 1000);
    expect(under.map((f) => [f.targetKey, f.objects.length]).sort()).toEqual([
      ['a/f', 2],
      ['a/f/nested', 1],
    ]);
    // Paged (two a page): the same answer.
    expect((await stagedFolders(fs.client, 'tmp', '', 2)).map((f) => [f.targetKey, f.objects.length]).sort()).toEqual([
      ['a/f', 2],
      ['a/f/nested', 1],
      ['b/g', 1],
    ]);
  });
});
