import { describe, expect, it } from 'vitest';
import { IOError, PathIsNotEmptyDirectoryError } from '@hadoopfs/core';
import type { ContractContext } from '../context.js';

/** AbstractContractDeleteTest. */
export function deleteTests(ctx: ContractContext): void {
  describe('delete', () => {
    it('testDeleteEmptyDirNonRecursive', async () => {
      const path = ctx.path('testDeleteEmptyDirNonRecursive');
      await ctx.mkdirs(path);
      await ctx.assertDeleted(path, false);
    });

    it('testDeleteEmptyDirRecursive', async () => {
      const path = ctx.path('testDeleteEmptyDirRecursive');
      await ctx.mkdirs(path);
      await ctx.assertDeleted(path, true);
    });

    it('testDeleteNonexistentPathRecursive', async () => {
      const path = ctx.path('testDeleteNonexistentPathRecursive');
      await ctx.assertPathDoesNotExist(path);
      expect(await ctx.fs.delete(path, true)).toBe(false);
    });

    it('testDeleteNonexistentPathNonRecursive', async () => {
      const path = ctx.path('testDeleteNonexistentPathNonRecursive');
      expect(await ctx.fs.delete(path, false)).toBe(false);
    });

    it('testDeleteNonEmptyDirNonRecursive', async () => {
      const path = ctx.path('testDeleteNonEmptyDirNonRecursive');
      await ctx.mkdirs(path);
      await ctx.touch(ctx.path('testDeleteNonEmptyDirNonRecursive/child'));
      const error = await ctx.expectFailure(ctx.fs.delete(path, false), PathIsNotEmptyDirectoryError);
      expect(error).toBeInstanceOf(IOError);
      await ctx.assertIsDirectory(path);
      await ctx.assertIsFile(ctx.path('testDeleteNonEmptyDirNonRecursive/child'));
    });

    it('testDeleteNonEmptyDirRecursive', async () => {
      const path = ctx.path('testDeleteNonEmptyDirRecursive');
      const child = ctx.path('testDeleteNonEmptyDirRecursive/child');
      await ctx.touch(child);
      await ctx.assertDeleted(path, true);
      await ctx.assertPathDoesNotExist(child);
    });

    it('testDeleteDeepEmptyDir', async () => {
      await ctx.mkdirs(ctx.path('d1/d2/d3/d4'));
      await ctx.assertDeleted(ctx.path('d1/d2/d3'), true);
      await ctx.assertPathDoesNotExist(ctx.path('d1/d2/d3/d4'));
      await ctx.assertPathDoesNotExist(ctx.path('d1/d2/d3'));
      await ctx.assertIsDirectory(ctx.path('d1/d2'));
    });

    it('testDeleteSingleFile', async () => {
      const file = ctx.path('d1/d2/childfile');
      await ctx.touch(file);
      await ctx.assertDeleted(file, false);
      await ctx.assertIsDirectory(ctx.path('d1/d2'));
    });
  });
}
