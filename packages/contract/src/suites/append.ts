import { describe, expect, it } from 'vitest';
import { PathCapabilities } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

/** AbstractContractAppendTest (builder variants are the same calls here). */
export function appendTests(ctx: ContractContext): void {
  describe('append', () => {
    const supported = () => ctx.isSupported('supports-append');

    it('testAppendToEmptyFile', async ({ skip }) => {
      if (!supported()) skip();
      const target = ctx.path('target');
      await ctx.touch(target);
      const data = dataset(256, 0x61, 26);
      const out = await ctx.fs.append(target);
      await out.write(data);
      await out.close();
      await ctx.assertFileHasContent(target, data);
    });

    it('testAppendNonexistentFile', async ({ skip }) => {
      if (!supported()) skip();
      await expect(ctx.fs.append(ctx.path('missing'))).rejects.toThrow();
      await ctx.assertPathDoesNotExist(ctx.path('missing'));
    });

    it('testAppendToExistingFile', async ({ skip }) => {
      if (!supported()) skip();
      const target = ctx.path('target');
      const original = dataset(8192, 0x61, 26);
      const appended = dataset(8192, 0x41, 26);
      await ctx.writeFile(target, original);
      const out = await ctx.fs.append(target);
      expect(out.getPos()).toBe(8192);
      await out.write(appended);
      await out.close();
      await ctx.assertFileHasContent(target, Buffer.concat([original, appended]));
    });

    it('testRenameFileBeingAppended', async ({ skip }) => {
      if (!supported()) skip();
      const target = ctx.path('target');
      await ctx.touch(target);
      const renamed = ctx.path('renamed');
      const out = await ctx.fs.append(target);
      const data = dataset(256, 0x61, 26);
      await out.write(data);
      expect(await ctx.fs.rename(target, renamed)).toBe(true);
      await out.close();
      await ctx.assertPathDoesNotExist(target);
      await ctx.assertFileHasContent(renamed, data);
    });

    it('testFileSystemDeclaresCapability', async () => {
      const target = ctx.path('target');
      await ctx.touch(target);
      expect(await ctx.fs.hasPathCapability(target, PathCapabilities.APPEND)).toBe(supported());
    });

    it('append is refused where it is not supported', async ({ skip }) => {
      if (supported()) skip();
      const target = ctx.path('target');
      await ctx.touch(target);
      await expect(ctx.fs.append(target)).rejects.toMatchObject({ code: 'ENOTSUP' });
    });
  });
}
