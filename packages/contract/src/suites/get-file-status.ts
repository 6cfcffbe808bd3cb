import { describe, expect, it } from 'vitest';
import { FileNotFoundError, IllegalArgumentError, type FileStatus, type Path } from '@hadoopfs/core';
import { collect, dataset, type ContractContext } from '../context.js';

/** AbstractContractGetFileStatusTest, listing iterators and listLocatedStatus included. */
export function getFileStatusTests(ctx: ContractContext): void {
  const supported = () => ctx.isSupported('supports-getfilestatus');
  const names = (statuses: FileStatus[]) => statuses.map((s) => s.path.toString()).sort();

  /** Hadoop's createSubdirs: depth 2, width 3, 4 files of 512 bytes per directory. */
  const makeTree = async (base: Path) => {
    const files: string[] = [];
    const dirs: string[] = [];
    const fill = async (dir: Path, depth: number) => {
      for (let f = 0; f < 4; f++) {
        const file = ctx.path(`${dir.path.slice(ctx.testDirectory.path.length + 1)}/file-${f}.txt`);
        await ctx.writeFile(file, dataset(512, 0x61, 26));
        files.push(file.toString());
      }
      if (depth === 0) return;
      for (let d = 0; d < 3; d++) {
        const sub = ctx.path(`${dir.path.slice(ctx.testDirectory.path.length + 1)}/dir-${d}`);
        await ctx.mkdirs(sub);
        dirs.push(sub.toString());
        await fill(sub, depth - 1);
      }
    };
    await ctx.mkdirs(base);
    await fill(base, 2);
    return { files: files.sort(), dirs: dirs.sort() };
  };

  describe('getFileStatus and listings', () => {
    it('testGetFileStatusNonexistentFile', async ({ skip }) => {
      if (!supported()) skip();
      await ctx.expectFailure(ctx.fs.getFileStatus(ctx.path('missing')), FileNotFoundError);
    });

    it('testGetFileStatusRoot', async ({ skip }) => {
      if (!supported()) skip();
      expect((await ctx.fs.getFileStatus('/')).isDirectory()).toBe(true);
    });

    it('getFileStatus reports file length and kind', async () => {
      const file = ctx.path('status.bin');
      await ctx.writeFile(file, dataset(777));
      const status = await ctx.fs.getFileStatus(file);
      expect(status.isFile()).toBe(true);
      expect(status.isDirectory()).toBe(false);
      expect(status.length).toBe(777);
      expect(status.path.toString()).toBe(file.toString());
      expect(status.modificationTime).toBeGreaterThan(0);
    });

    it('testListStatusEmptyDirectory', async ({ skip }) => {
      if (!supported()) skip();
      const sub = ctx.path('subdir');
      await ctx.mkdirs(sub);
      const listing = await ctx.fs.listStatus(ctx.testDirectory);
      expect(listing.filter((s) => s.isFile())).toHaveLength(0);
      expect(listing.filter((s) => s.isDirectory())).toHaveLength(1);
      expect(await ctx.fs.listStatus(sub)).toHaveLength(0);
    });

    for (const recursive of [false, true]) {
      it(`testListFilesEmptyDirectory${recursive ? 'Recursive' : 'Nonrecursive'}`, async ({ skip }) => {
        if (!supported()) skip();
        const sub = ctx.path('subdir');
        await ctx.mkdirs(sub);
        expect(await collect(ctx.fs.listFiles(ctx.testDirectory, recursive))).toHaveLength(0);
        expect(await collect(ctx.fs.listFiles(sub, recursive))).toHaveLength(0);
      });
    }

    it('testComplexDirActions', async ({ skip }) => {
      if (!supported()) skip();
      const base = ctx.path('testComplexDirActions');
      const tree = await makeTree(base);
      const listing = await ctx.fs.listStatus(base);
      expect(listing.filter((s) => s.isFile())).toHaveLength(4);
      expect(listing.filter((s) => s.isDirectory())).toHaveLength(3);
      expect(names(await collect(ctx.fs.listStatusIterator(base)))).toEqual(names(listing));
      for (const entry of listing) {
        const status = await ctx.fs.getFileStatus(entry.path);
        expect(status.isDirectory()).toBe(entry.isDirectory());
        expect(status.length).toBe(entry.length);
        expect(status.owner).toBe(entry.owner);
      }
      expect(await collect(ctx.fs.listFiles(base, false))).toHaveLength(4);
      const recursive = names(await collect(ctx.fs.listFiles(base, true)));
      expect(recursive).toEqual(tree.files);
      expect(tree.files).toHaveLength(4 + 3 * 4 + 9 * 4);
      const summary = await ctx.fs.getContentSummary(base);
      expect({ fileCount: summary.fileCount, directoryCount: summary.directoryCount, length: summary.length }).toEqual({ fileCount: tree.files.length, directoryCount: tree.dirs.length + 1, length: 512 * tree.files.length });
    });

    it('testListFilesNoDir', async ({ skip }) => {
      if (!supported()) skip();
      await ctx.expectFailure(collect(ctx.fs.listFiles(ctx.path('missing'), false)), FileNotFoundError);
      await ctx.expectFailure(collect(ctx.fs.listFiles(ctx.path('missing'), true)), FileNotFoundError);
    });

    it('testListStatusIteratorNoDir', async ({ skip }) => {
      if (!supported()) skip();
      await ctx.expectFailure(collect(ctx.fs.listStatusIterator(ctx.path('missing'))), FileNotFoundError);
    });

    it('testListStatusNoDir', async ({ skip }) => {
      if (!supported()) skip();
      await ctx.expectFailure(ctx.fs.listStatus(ctx.path('missing')), FileNotFoundError);
    });

    it('testListStatusFilteredNoDir', async ({ skip }) => {
      if (!supported()) skip();
      await ctx.expectFailure(ctx.fs.listStatus(ctx.path('missing'), () => true), FileNotFoundError);
    });

    it('testListStatusFilteredFile', async ({ skip }) => {
      if (!supported()) skip();
      const file = ctx.path('file');
      await ctx.touch(file);
      expect(await ctx.fs.listStatus(file, () => false)).toHaveLength(0);
    });

    it('testListStatusFile', async ({ skip }) => {
      if (!supported()) skip();
      const file = ctx.path('file');
      await ctx.touch(file);
      const listing = await ctx.fs.listStatus(file);
      expect(listing).toHaveLength(1);
      expect(listing[0]!.path.toString()).toBe(file.toString());
      expect(listing[0]!.isFile()).toBe(true);
    });

    it('testListStatusIteratorFile', async ({ skip }) => {
      if (!supported()) skip();
      const file = ctx.path('file');
      await ctx.touch(file);
      const listing = await collect(ctx.fs.listStatusIterator(file));
      expect(listing.map((s) => s.path.toString())).toEqual([file.toString()]);
      expect(listing[0]!.isFile()).toBe(true);
    });

    for (const recursive of [false, true]) {
      it(`testListFilesFile${recursive ? 'Recursive' : ''}`, async ({ skip }) => {
        if (!supported()) skip();
        const file = ctx.path('file');
        await ctx.touch(file);
        const listing = await collect(ctx.fs.listFiles(file, recursive));
        expect(listing.map((s) => s.path.toString())).toEqual([file.toString()]);
      });
    }

    it('testListLocatedStatus: files with one block location for the whole file, directories with none', async ({ skip }) => {
      if (!supported()) skip();
      await ctx.writeFile(ctx.path('located/a'), new Uint8Array(1000));
      await ctx.mkdirs(ctx.path('located/sub'));
      const listing = await collect(ctx.fs.listLocatedStatus(ctx.path('located')));
      expect(listing.map((l) => [l.status.path.getName(), l.blockLocations.map((b) => [b.offset, b.length, b.hosts.length > 0])])).toEqual([
        ['a', [[0, 1000, true]]],
        ['sub', []],
      ]);
      const status = listing[0]!.status;
      expect(ctx.fs.getFileBlockLocations(status, 1000, 10)).toEqual([]);
      expect(() => ctx.fs.getFileBlockLocations(status, -1, 10)).toThrow(IllegalArgumentError);
      await ctx.expectFailure(collect(ctx.fs.listLocatedStatus(ctx.path('no-such'))), FileNotFoundError);
    });

    it('testListStatusFiltering', async ({ skip }) => {
      if (!supported()) skip();
      const dir = ctx.path('dir');
      const file1 = ctx.path('dir/file1');
      const file2 = ctx.path('dir/file2');
      await ctx.touch(file1);
      await ctx.touch(file2);
      const rejectAll = () => false;
      const acceptAll = () => true;
      const matchFile2 = (p: Path) => p.getName() === 'file2';
      expect(await ctx.fs.listStatus(dir, rejectAll)).toHaveLength(0);
      expect(await ctx.fs.listStatus(dir, acceptAll)).toHaveLength(2);
      const matched = await ctx.fs.listStatus(dir, matchFile2);
      expect(matched.map((s) => s.path.toString())).toEqual([file2.toString()]);
      expect(await ctx.fs.listStatus(file1, rejectAll)).toHaveLength(0);
      expect(await ctx.fs.listStatus(file1, acceptAll)).toHaveLength(1);
      const empty = ctx.path('dir/subdir');
      await ctx.mkdirs(empty);
      for (const filter of [rejectAll, acceptAll, (p: Path) => p.getName() === 'subdir']) {
        expect(await ctx.fs.listStatus(empty, filter)).toHaveLength(0);
      }
    });

    it('listStatusIterator pages through a directory larger than one listing page', async () => {
      const dir = ctx.path('many');
      const expected: string[] = [];
      for (let i = 0; i < 1205; i++) {
        const p = ctx.path(`many/f${String(i).padStart(5, '0')}`);
        expected.push(p.toString());
      }
      await Promise.all(expected.map((_, i) => ctx.touch(ctx.path(`many/f${String(i).padStart(5, '0')}`))));
      const seen = names(await collect(ctx.fs.listStatusIterator(dir)));
      expect(seen).toEqual(expected.sort());
    });

    it('exists, isFile and isDirectory answer without throwing', async () => {
      const file = ctx.path('a/file');
      await ctx.touch(file);
      expect(await ctx.fs.exists(file)).toBe(true);
      expect(await ctx.fs.isFile(file)).toBe(true);
      expect(await ctx.fs.isDirectory(file)).toBe(false);
      expect(await ctx.fs.isDirectory(ctx.path('a'))).toBe(true);
      expect(await ctx.fs.exists(ctx.path('a/file/below-a-file'))).toBe(false);
      expect(await ctx.fs.isFile(ctx.path('nothing'))).toBe(false);
    });
  });
}
