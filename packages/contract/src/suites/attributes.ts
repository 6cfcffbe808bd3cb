import { describe, expect, it } from 'vitest';
import { FileNotFoundError, FsPermission, IllegalArgumentError, PathCapabilities, UnsupportedOperationError } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

/**
 * setTimes, setPermission, truncate (AbstractContractSetTimesTest, …Truncate…), access, createNewFile and
 * deleteOnExit: where the store declares the path capability the change shows in getFileStatus; where it
 * does not, the call is UnsupportedOperationError.
 */
export function attributeTests(ctx: ContractContext): void {
  describe('attributes', () => {
    it('setTimes changes the modification time where the store keeps times (-1 leaves it)', async () => {
      const path = ctx.path('times.txt');
      await ctx.writeFile(path, dataset(10));
      if (!(await ctx.fs.hasPathCapability(path, PathCapabilities.TIMES))) {
        await ctx.expectFailure(ctx.fs.setTimes(path, 1_000_000_000_000, -1), UnsupportedOperationError);
        return;
      }
      await ctx.fs.setTimes(path, 1_000_000_000_000, -1);
      expect((await ctx.fs.getFileStatus(path)).modificationTime).toBe(1_000_000_000_000);
      await ctx.expectFailure(ctx.fs.setTimes(ctx.path('missing'), 0, 0), FileNotFoundError);
    });

    it('setPermission shows in the status where the store keeps permissions', async () => {
      const path = ctx.path('perm.txt');
      await ctx.writeFile(path, dataset(10));
      if (!(await ctx.fs.hasPathCapability(path, PathCapabilities.PERMISSIONS))) {
        await ctx.expectFailure(ctx.fs.setPermission(path, new FsPermission(0o600)), UnsupportedOperationError);
        return;
      }
      await ctx.fs.setPermission(path, new FsPermission(0o640));
      expect((await ctx.fs.getFileStatus(path)).permission.toOctal()).toBe('640');
    });

    it('setOwner takes the owner and group a status shows, where the store keeps owners (FS_PERMISSIONS)', async () => {
      const path = ctx.path('owner.txt');
      await ctx.writeFile(path, dataset(10));
      const before = await ctx.fs.getFileStatus(path);
      await ctx.expectFailure(ctx.fs.setOwner(path, undefined, undefined), IllegalArgumentError);
      if (!(await ctx.fs.hasPathCapability(path, PathCapabilities.PERMISSIONS))) {
        await ctx.expectFailure(ctx.fs.setOwner(path, before.owner || 'someone', undefined), UnsupportedOperationError);
        return;
      }
      await ctx.fs.setOwner(path, before.owner, before.group);
      await ctx.fs.setOwner(path, undefined, before.group);
      const after = await ctx.fs.getFileStatus(path);
      expect([after.owner, after.group]).toEqual([before.owner, before.group]);
      await ctx.expectFailure(ctx.fs.setOwner(ctx.path('missing'), before.owner, undefined), FileNotFoundError);
      await ctx.expectFailure(ctx.fs.setOwner(path, 'no-such-user-hadoopfs', undefined), IllegalArgumentError);
    });

    it('setReplication answers true for a file (no store here keeps replicas) and checks its argument', async () => {
      const path = ctx.path('replication.txt');
      await ctx.writeFile(path, dataset(10));
      expect(await ctx.fs.setReplication(path, 3)).toBe(true);
      expect(await ctx.fs.setReplication(ctx.testDirectory, 3)).toBe(false);
      await ctx.expectFailure(ctx.fs.setReplication(path, 0), IllegalArgumentError);
      await ctx.expectFailure(ctx.fs.setReplication(ctx.path('missing'), 3), FileNotFoundError);
    });

    it('truncate cuts a file where the store can, and refuses to lengthen it', async () => {
      const path = ctx.path('truncate.txt');
      const data = dataset(1000);
      await ctx.writeFile(path, data);
      if (!(await ctx.fs.hasPathCapability(path, PathCapabilities.TRUNCATE))) {
        await ctx.expectFailure(ctx.fs.truncate(path, 10), UnsupportedOperationError);
        return;
      }
      expect(await ctx.fs.truncate(path, 300)).toBe(true);
      await ctx.assertFileHasContent(path, data.subarray(0, 300));
      await ctx.expectFailure(ctx.fs.truncate(path, 301), IllegalArgumentError);
      await ctx.expectFailure(ctx.fs.truncate(ctx.testDirectory, 0), FileNotFoundError);
    });

    it('access: an existing path may be read; a missing one is FileNotFoundError; a bad mode is refused', async () => {
      const path = ctx.path('access.txt');
      await ctx.writeFile(path, dataset(10));
      await ctx.fs.access(path, 'r');
      await ctx.expectFailure(ctx.fs.access(ctx.path('missing'), 'r'), FileNotFoundError);
      await ctx.expectFailure(ctx.fs.access(path, 'read'), IllegalArgumentError);
    });

    it('createNewFile creates an empty file once; deleteOnExit deletes at close', async () => {
      const path = ctx.path('new.txt');
      expect(await ctx.fs.createNewFile(path)).toBe(true);
      expect(await ctx.fs.createNewFile(path)).toBe(false);
      expect((await ctx.fs.getFileStatus(path)).length).toBe(0);
      expect(await ctx.fs.deleteOnExit(ctx.path('not-there'))).toBe(false);
      expect(await ctx.fs.deleteOnExit(path)).toBe(true);
      expect(ctx.fs.cancelDeleteOnExit(path)).toBe(true);
      expect(ctx.fs.cancelDeleteOnExit(path)).toBe(false);
    });
  });
}
