import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, ParentNotDirectoryError } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

/** AbstractContractMkdirTest, with the three newer upstream tests. */
export function mkdirTests(ctx: ContractContext): void {
  describe('mkdir', () => {
    it('testMkDirRmDir', async () => {
      const dir = ctx.path('testMkDirRmDir');
      await ctx.assertPathDoesNotExist(dir);
      await ctx.mkdirs(dir);
      await ctx.assertPathExists(dir);
      await ctx.assertDeleted(dir, false);
    });

    it('testMkDirRmRfDir', async () => {
      const dir = ctx.path('testMkDirRmRfDir');
      await ctx.mkdirs(dir);
      await ctx.assertDeleted(dir, true);
    });

    it('testNoMkdirOverFile', async () => {
      const path = ctx.path('testNoMkdirOverFile');
      const data = dataset(1024, 0x20, 0x20);
      await ctx.writeFile(path, data);
      await ctx.expectFailure(ctx.fs.mkdirs(path), FileAlreadyExistsError, ParentNotDirectoryError);
      await ctx.assertIsFile(path);
      await ctx.assertFileHasContent(path, data);
    });

    it('testMkdirOverParentFile', async () => {
      const path = ctx.path('testMkdirOverParentFile');
      const data = dataset(1024, 0x20, 0x20);
      await ctx.writeFile(path, data);
      await ctx.expectFailure(ctx.fs.mkdirs(ctx.path('testMkdirOverParentFile/child-to-mkdir')), FileAlreadyExistsError, ParentNotDirectoryError);
      await ctx.assertIsFile(path);
      await ctx.assertFileHasContent(path, data);
    });

    it('testMkdirSlashHandling', async () => {
      const base = ctx.path('testmkdir');
      await ctx.mkdirs(ctx.path('testmkdir/a'));
      await ctx.assertIsDirectory(ctx.path('testmkdir/a'));
      expect(await ctx.fs.mkdirs(`${base.toString()}/b/`)).toBe(true);
      await ctx.assertIsDirectory(`${base.toString()}/b/` as never);
      await ctx.assertIsDirectory(ctx.path('testmkdir/b'));
    });

    it('testMkdirsPopulatingAllNonexistentAncestors', async () => {
      const parent = ctx.path('testMkdirsPopulatingAllNonexistentAncestors');
      let nested = parent;
      for (let i = 0; i < 10; i++) nested = ctx.path(`${nested.path.slice(ctx.testDirectory.path.length + 1)}/${i}`);
      await ctx.mkdirs(nested);
      for (let p = nested; p.path.length > ctx.testDirectory.path.length; p = p.getParent()!) await ctx.assertIsDirectory(p);
    });

    it('testMkdirsDoesNotRemoveParentDirectories', async () => {
      let nested = ctx.path('testMkdirsDoesNotRemoveParentDirectories');
      const made = [];
      for (let i = 0; i < 5; i++) {
        nested = ctx.path(`${nested.path.slice(ctx.testDirectory.path.length + 1)}/d${i}`);
        await ctx.mkdirs(nested);
        made.push(nested);
        for (const p of made) await ctx.assertIsDirectory(p);
      }
    });

    it('testCreateDirWithExistingDir', async () => {
      const dir = ctx.path('testCreateDirWithExistingDir');
      await ctx.mkdirs(dir);
      expect(await ctx.fs.mkdirs(dir)).toBe(true);
      expect(await ctx.fs.mkdirs(dir)).toBe(true);
      await ctx.assertIsDirectory(dir);
    });
  });
}
