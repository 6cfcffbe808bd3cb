import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, FileNotFoundError, IOError } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

/** AbstractContractRenameTest. */
export function renameTests(ctx: ContractContext): void {
  /** rename, turning "returned false" and "threw" into one comparable outcome. */
  const tryRename = async (src: ReturnType<typeof ctx.path>, dst: ReturnType<typeof ctx.path>) => {
    try {
      return { renamed: await ctx.fs.rename(src, dst) };
    } catch (error) {
      return { error: error as Error };
    }
  };

  describe('rename', () => {
    it('testRenameNewFileSameDir', async () => {
      const renameSrc = ctx.path('rename_src');
      const renameTarget = ctx.path('rename_dest');
      const data = dataset(256, 0x61, 26);
      await ctx.writeFile(renameSrc, data, false);
      expect(await ctx.fs.rename(renameSrc, renameTarget)).toBe(true);
      const listing = await ctx.fs.listStatus(ctx.testDirectory);
      expect(listing.map((s) => s.path.toString())).toContain(renameTarget.toString());
      await ctx.assertFileHasContent(renameTarget, data);
      await ctx.assertPathDoesNotExist(renameSrc);
    });

    it('testRenameNonexistentFile', async () => {
      const missing = ctx.path('testRenameNonexistentFileSrc');
      const target = ctx.path('testRenameNonexistentFileDest');
      if (ctx.isSupported('rename-returns-false-if-source-missing')) {
        expect(await ctx.fs.rename(missing, target)).toBe(false);
      } else {
        await ctx.expectFailure(ctx.fs.rename(missing, target), FileNotFoundError);
      }
      await ctx.assertPathDoesNotExist(target);
    });

    it('testRenameFileOverExistingFile', async () => {
      const overwrites = ctx.isSupported('rename-overwrites-dest');
      const returnsFalse = ctx.isSupported('rename-returns-false-if-dest-exists');
      expect(overwrites && returnsFalse).toBe(false);
      const srcFile = ctx.path('source-256.txt');
      const srcData = dataset(256, 0x61, 26);
      await ctx.writeFile(srcFile, srcData, false);
      const destFile = ctx.path('dest-512.txt');
      const destData = dataset(512, 0x41, 26);
      await ctx.writeFile(destFile, destData, false);
      if (overwrites) {
        expect(await ctx.fs.rename(srcFile, destFile)).toBe(true);
        await ctx.assertFileHasContent(destFile, srcData);
      } else if (returnsFalse) {
        expect(await ctx.fs.rename(srcFile, destFile)).toBe(false);
        await ctx.assertFileHasContent(destFile, destData);
      } else {
        await ctx.expectFailure(ctx.fs.rename(srcFile, destFile), FileAlreadyExistsError);
        await ctx.assertFileHasContent(destFile, destData);
        await ctx.assertFileHasContent(srcFile, srcData);
      }
    });

    it('testRenameDirIntoExistingDir', async () => {
      const srcDir = ctx.path('source');
      const srcFilePath = ctx.path('source/source-256.txt');
      const srcData = dataset(256, 0x61, 26);
      await ctx.writeFile(srcFilePath, srcData);
      const destDir = ctx.path('dest');
      const destFilePath = ctx.path('dest/dest-512.txt');
      const destData = dataset(512, 0x41, 26);
      await ctx.writeFile(destFilePath, destData);
      expect(await ctx.fs.rename(srcDir, destDir)).toBe(true);
      await ctx.assertFileHasContent(ctx.path('dest/source/source-256.txt'), srcData);
      await ctx.assertFileHasContent(destFilePath, destData);
      await ctx.assertPathDoesNotExist(srcDir);
    });

    it('testRenameFileNonexistentDir', async () => {
      const renameSrc = ctx.path('testRenameSrc');
      const renameTarget = ctx.path('subdir/testRenameTarget');
      const data = dataset(256, 0x61, 26);
      await ctx.writeFile(renameSrc, data, false);
      const outcome = await tryRename(renameSrc, renameTarget);
      if (ctx.isSupported('rename-creates-dest-dirs')) {
        expect(outcome.renamed).toBe(true);
        await ctx.assertFileHasContent(renameTarget, data);
      } else {
        if (outcome.error && !(outcome.error instanceof FileNotFoundError)) throw outcome.error;
        if (!outcome.error) expect(outcome.renamed).toBe(false);
        await ctx.assertFileHasContent(renameSrc, data);
        await ctx.assertPathDoesNotExist(renameTarget);
      }
    });

    it('testRenameWithNonEmptySubDir', async () => {
      const src1 = ctx.path('test/src1');
      const finalDir = ctx.path('test/dest');
      await ctx.mkdirs(src1);
      await ctx.mkdirs(finalDir);
      const sourceData = dataset(256, 0x61, 26);
      await ctx.writeFile(ctx.path('test/src1/source.txt'), sourceData);
      await ctx.writeFile(ctx.path('test/src1/sub/subfile.txt'), sourceData);
      expect(await ctx.fs.rename(src1, finalDir)).toBe(true);
      if (ctx.isSupported('rename-remove-dest-if-empty-dir')) {
        await ctx.assertFileHasContent(ctx.path('test/dest/source.txt'), sourceData);
        await ctx.assertFileHasContent(ctx.path('test/dest/sub/subfile.txt'), sourceData);
      } else {
        await ctx.assertFileHasContent(ctx.path('test/dest/src1/source.txt'), sourceData);
        await ctx.assertFileHasContent(ctx.path('test/dest/src1/sub/subfile.txt'), sourceData);
      }
      await ctx.assertPathDoesNotExist(ctx.path('test/src1/source.txt'));
    });

    it('testRenamePopulatesDirectoryAncestors', async () => {
      const src = ctx.path('testRenamePopulatesDirectoryAncestors/source');
      await ctx.mkdirs(src);
      await ctx.mkdirs(ctx.path('testRenamePopulatesDirectoryAncestors/source/dir1/dir2/dir3/dir4'));
      const dest = ctx.path('testRenamePopulatesDirectoryAncestors/dest');
      await ctx.mkdirs(ctx.path('testRenamePopulatesDirectoryAncestors'));
      expect(await ctx.fs.rename(src, dest)).toBe(true);
      await ctx.assertPathDoesNotExist(src);
      for (const p of ['dest', 'dest/dir1', 'dest/dir1/dir2', 'dest/dir1/dir2/dir3', 'dest/dir1/dir2/dir3/dir4']) {
        await ctx.assertIsDirectory(ctx.path(`testRenamePopulatesDirectoryAncestors/${p}`));
      }
    });

    it('testRenamePopulatesFileAncestors', async () => {
      const base = 'testRenamePopulatesFileAncestors';
      const src = ctx.path(`${base}/source`);
      const data = dataset(256, 0x61, 26);
      await ctx.writeFile(ctx.path(`${base}/source/dir1/dir2/dir3/file4`), data);
      expect(await ctx.fs.rename(src, ctx.path(`${base}/dest`))).toBe(true);
      await ctx.assertPathDoesNotExist(src);
      for (const p of ['dest', 'dest/dir1', 'dest/dir1/dir2', 'dest/dir1/dir2/dir3']) await ctx.assertIsDirectory(ctx.path(`${base}/${p}`));
      await ctx.assertFileHasContent(ctx.path(`${base}/dest/dir1/dir2/dir3/file4`), data);
    });

    for (const [name, under] of [
      ['testRenameFileUnderFile', 'target'],
      ['testRenameFileUnderFileSubdir', 'parent/target'],
    ] as const) {
      it(name, async () => {
        const src = ctx.path(`${name}-src`);
        const file = ctx.path(`${name}-file`);
        await ctx.touch(src);
        await ctx.touch(file);
        const target = ctx.path(`${name}-file/${under}`);
        const outcome = await tryRename(src, target);
        if (outcome.error) expect(outcome.error).toBeInstanceOf(IOError);
        else expect(outcome.renamed).toBe(false);
        await ctx.assertPathDoesNotExist(target);
        await ctx.assertPathExists(src);
      });
    }

    it('renaming a directory below itself is refused and changes nothing', async () => {
      const dir = ctx.path('self');
      await ctx.touch(ctx.path('self/file'));
      const outcome = await tryRename(dir, ctx.path('self/inner'));
      expect(outcome.error).toBeInstanceOf(IOError);
      await ctx.assertIsFile(ctx.path('self/file'));
      await ctx.assertPathDoesNotExist(ctx.path('self/inner'));
    });

    it('renaming a file onto itself keeps it', async () => {
      const file = ctx.path('same');
      await ctx.writeFile(file, 'abc');
      expect(await ctx.fs.rename(file, file)).toBe(true);
      await ctx.assertFileHasContent(file, new TextEncoder().encode('abc'));
    });
  });
}
