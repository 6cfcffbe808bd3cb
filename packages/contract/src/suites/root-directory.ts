import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, IOError, PathIsNotEmptyDirectoryError } from '@hadoopfs/core';
import { collect, type ContractContext } from '../context.js';

/** AbstractContractRootDirectoryTest: runs only where the whole store belongs to the test. */
export function rootDirectoryTests(ctx: ContractContext): void {
  describe('root directory', () => {
    const enabled = () => ctx.isSupported('test.root-tests-enabled');
    const deleteChildren = async () => {
      for (const child of await ctx.fs.listStatus('/')) await ctx.fs.delete(child.path, true);
    };

    it('testMkDirDepth1', async ({ skip }) => {
      if (!enabled()) skip();
      await ctx.mkdirs(ctx.fs.makeQualified('/testmkdirdepth1'));
      await ctx.assertIsDirectory(ctx.fs.makeQualified('/testmkdirdepth1'));
      await ctx.assertDeleted(ctx.fs.makeQualified('/testmkdirdepth1'), true);
    });

    it('testRmEmptyRootDirRecursive', async ({ skip }) => {
      if (!enabled()) skip();
      await deleteChildren();
      await ctx.fs.delete('/', true);
      await ctx.assertIsDirectory(ctx.fs.makeQualified('/'));
    });

    it('testRmEmptyRootDirNonRecursive', async ({ skip }) => {
      if (!enabled()) skip();
      await deleteChildren();
      expect(await ctx.fs.delete('/', false)).toBe(false);
      await ctx.assertIsDirectory(ctx.fs.makeQualified('/'));
    });

    it('testRmNonEmptyRootDirNonRecursive', async ({ skip }) => {
      if (!enabled()) skip();
      const file = ctx.fs.makeQualified('/testRmNonEmptyRootDirNonRecursive');
      await ctx.touch(file);
      const error = await ctx.fs.delete('/', false).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PathIsNotEmptyDirectoryError);
      await ctx.assertIsFile(file);
      await ctx.fs.delete(file, false);
    });

    it('testRmRootRecursive', async ({ skip }) => {
      if (!enabled()) skip();
      const file = ctx.fs.makeQualified('/testRmRootRecursive');
      await ctx.touch(file);
      const deleted = await ctx.fs.delete('/', true);
      await ctx.assertIsDirectory(ctx.fs.makeQualified('/'));
      expect(await ctx.fs.exists(file)).toBe(!deleted);
      await ctx.fs.delete(file, false);
    });

    it('testCreateFileOverRoot', async ({ skip }) => {
      if (!enabled()) skip();
      const error = await ctx.expectFailure(ctx.fs.create('/'), FileAlreadyExistsError);
      expect(error).toBeInstanceOf(IOError);
      await ctx.assertIsDirectory(ctx.fs.makeQualified('/'));
    });

    it('testListEmptyRootDirectory', async ({ skip }) => {
      if (!enabled()) skip();
      await deleteChildren();
      expect(await ctx.fs.listStatus('/')).toHaveLength(0);
      expect(await collect(ctx.fs.listFiles('/', false))).toHaveLength(0);
      expect(await collect(ctx.fs.listFiles('/', true))).toHaveLength(0);
    });

    it('testSimpleRootListing', async ({ skip }) => {
      if (!enabled()) skip();
      const statuses = await ctx.fs.listStatus('/');
      const files = await collect(ctx.fs.listFiles('/', false));
      expect(files.length).toBeLessThanOrEqual(statuses.length);
      const iterated = await collect(ctx.fs.listStatusIterator('/'));
      expect(iterated.map((s) => s.path.toString())).toEqual(statuses.map((s) => s.path.toString()));
    });

    it('testRecursiveRootListing', async ({ skip }) => {
      if (!enabled()) skip();
      const walked: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const s of await ctx.fs.listStatus(dir)) {
          if (s.isFile()) walked.push(s.path.toString());
          else await walk(s.path.toString());
        }
      };
      await walk('/');
      const listed = (await collect(ctx.fs.listFiles('/', true))).map((s) => s.path.toString());
      expect(listed.sort()).toEqual(walked.sort());
    });
  });
}
