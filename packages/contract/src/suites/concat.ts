import { describe, expect, it } from 'vitest';
import { FileNotFoundError, IllegalArgumentError, PathCapabilities, PathIsDirectoryError } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

const TEST_FILE_LEN = 1024;

/**
 * AbstractContractConcatTest, and filesystem.md's preconditions for concat. Run when supports-concat is
 * set (Hadoop's own option files leave it false for every store here; hadoopfs's backends add it);
 * without it, concat must be refused and the capability not declared.
 */
export function concatTests(ctx: ContractContext): void {
  describe('concat', () => {
    const supported = () => ctx.isSupported('supports-concat');
    const setup = async () => {
      const block = dataset(TEST_FILE_LEN, 0, 255);
      const srcFile = ctx.path('test/small.txt');
      const zeroByteFile = ctx.path('test/zero.txt');
      await ctx.writeFile(srcFile, block);
      await ctx.touch(zeroByteFile);
      return { block, srcFile, zeroByteFile, target: ctx.path('test/target') };
    };

    it('testConcatEmptyFiles', async ({ skip }) => {
      if (!supported()) skip();
      const { target } = await setup();
      await ctx.touch(target);
      await ctx.expectFailure(ctx.fs.concat(target, []), IllegalArgumentError);
    });

    it('testConcatMissingTarget', async ({ skip }) => {
      if (!supported()) skip();
      const { target, zeroByteFile } = await setup();
      await ctx.expectFailure(ctx.fs.concat(target, [zeroByteFile]), FileNotFoundError);
      await ctx.assertPathExists(zeroByteFile);
    });

    it('testConcatFileOnFile', async ({ skip }) => {
      if (!supported()) skip();
      const { block, srcFile, target } = await setup();
      await ctx.writeFile(target, block, false);
      await ctx.fs.concat(target, [srcFile]);
      await ctx.assertFileHasContent(target, Buffer.concat([block, block]));
      await ctx.assertPathDoesNotExist(srcFile);
    });

    it('testConcatOnSelf', async ({ skip }) => {
      if (!supported()) skip();
      const { block, target } = await setup();
      await ctx.writeFile(target, block, false);
      await ctx.expectFailure(ctx.fs.concat(target, [target]), IllegalArgumentError);
      await ctx.assertFileHasContent(target, block);
    });

    it('testFileSystemDeclaresCapability', async ({ skip }) => {
      // As Hadoop's: with supports-concat false the suite is not run (the option says "do not test").
      if (!supported()) skip();
      const { target } = await setup();
      await ctx.touch(target);
      expect(await ctx.fs.hasPathCapability(target, PathCapabilities.CONCAT)).toBe(true);
    });

    it('several sources in order, empty ones among them; all removed', async ({ skip }) => {
      if (!supported()) skip();
      const { block, srcFile, zeroByteFile, target } = await setup();
      const head = dataset(300, 7, 50);
      const tail = dataset(5000, 3, 200);
      await ctx.writeFile(target, head);
      const third = ctx.path('test/third');
      await ctx.writeFile(third, tail);
      await ctx.fs.concat(target, [zeroByteFile, srcFile, third]);
      await ctx.assertFileHasContent(target, Buffer.concat([head, block, tail]));
      for (const gone of [zeroByteFile, srcFile, third]) await ctx.assertPathDoesNotExist(gone);
    });

    it('refuses sources outside the target directory, twice, missing or a directory, changing nothing', async ({ skip }) => {
      if (!supported()) skip();
      const { block, srcFile, target } = await setup();
      await ctx.writeFile(target, block);
      const elsewhere = ctx.path('other/file');
      await ctx.writeFile(elsewhere, block);
      await ctx.fs.mkdirs(ctx.path('test/dir'));
      await ctx.expectFailure(ctx.fs.concat(target, [elsewhere]), IllegalArgumentError);
      await ctx.expectFailure(ctx.fs.concat(target, [srcFile, srcFile]), IllegalArgumentError);
      await ctx.expectFailure(ctx.fs.concat(target, [ctx.path('test/missing')]), FileNotFoundError);
      await ctx.expectFailure(ctx.fs.concat(target, [ctx.path('test/dir')]), PathIsDirectoryError);
      await ctx.assertFileHasContent(target, block);
      await ctx.assertFileHasContent(srcFile, block);
      await ctx.assertFileHasContent(elsewhere, block);
    });
  });
}
