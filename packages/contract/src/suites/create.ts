import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, FileNotFoundError, IllegalArgumentError, ParentNotDirectoryError, StreamCapabilities, UnsupportedOperationError } from '@hadoopfs/core';
import { collect, dataset, type ContractContext } from '../context.js';

/** AbstractContractCreateTest. */
export function createTests(ctx: ContractContext): void {
  describe('create', () => {
    it('testCreateNewFile', async () => {
      const path = ctx.path('testCreateNewFile');
      const data = dataset(256, 'a'.charCodeAt(0), 'z'.charCodeAt(0));
      await ctx.writeFile(path, data, false);
      await ctx.assertFileHasContent(path, data);
    });

    it('testCreateFileOverExistingFileNoOverwrite', async () => {
      const path = ctx.path('testCreateFileOverExistingFileNoOverwrite');
      const data = dataset(256, 'a'.charCodeAt(0), 'z'.charCodeAt(0));
      await ctx.writeFile(path, data, false);
      await ctx.expectFailure(ctx.writeFile(path, dataset(256, 0x41, 26), false), FileAlreadyExistsError);
      await ctx.assertFileHasContent(path, data);
    });

    it('testOverwriteExistingFile', async () => {
      const path = ctx.path('testOverwriteExistingFile');
      await ctx.writeFile(path, dataset(256, 'a'.charCodeAt(0), 'z'.charCodeAt(0)), false);
      const data2 = dataset(10 * 1024, 'A'.charCodeAt(0), 'Z'.charCodeAt(0));
      await ctx.writeFile(path, data2, true);
      await ctx.assertFileHasContent(path, data2);
    });

    it('testOverwriteEmptyDirectory', async () => {
      const path = ctx.path('testOverwriteEmptyDirectory');
      await ctx.mkdirs(path);
      await ctx.expectFailure(ctx.writeFile(path, dataset(256, 0x61, 26), true), FileAlreadyExistsError);
      await ctx.assertIsDirectory(path);
    });

    it('testOverwriteNonEmptyDirectory', async () => {
      const path = ctx.path('testOverwriteNonEmptyDirectory');
      const child = ctx.path('testOverwriteNonEmptyDirectory/child');
      await ctx.mkdirs(path);
      const childData = dataset(256, 0x61, 26);
      await ctx.writeFile(child, childData, true);
      try {
        await ctx.expectFailure(ctx.writeFile(path, dataset(256, 0x41, 26), true), FileAlreadyExistsError);
      } catch (error) {
        if (ctx.isSupported('create-overwrites-directory')) return;
        throw error;
      }
      await ctx.assertIsDirectory(path);
      await ctx.assertFileHasContent(child, childData);
    });

    it('testCreatedFileIsImmediatelyVisible', async ({ skip }) => {
      if (ctx.isSupported('create-visibility-delayed')) skip('create-visibility-delayed');
      const path = ctx.path('testCreatedFileIsImmediatelyVisible');
      const out = await ctx.fs.create(path, { overwrite: false });
      try {
        // Hadoop's test: an object store (is-blobstore) that does not show the file yet is a skip, not a failure.
        if (ctx.isSupported('is-blobstore') && !(await ctx.fs.exists(path))) skip('blobstore: newly created files are not immediately visible');
        await ctx.assertPathExists(path);
      } finally {
        await out.close();
      }
    });

    it('testCreatedFileIsVisibleOnFlush', async ({ skip }) => {
      if (ctx.isSupported('is-blobstore') || ctx.isSupported('create-visibility-delayed')) skip('blobstore: not visible on flush');
      const path = ctx.path('testCreatedFileIsVisibleOnFlush');
      const out = await ctx.fs.create(path, { overwrite: false });
      try {
        await out.write(new Uint8Array([0x61]));
        await out.flush();
        await ctx.assertPathExists(path);
      } finally {
        await out.close();
      }
    });

    it('testCreatedFileIsEventuallyVisible', async () => {
      const path = ctx.path('testCreatedFileIsEventuallyVisible');
      const out = await ctx.fs.create(path, { overwrite: false });
      await out.write(new Uint8Array([0x61]));
      await out.close();
      const status = await ctx.fs.getFileStatus(path);
      expect(status.length).toBe(1);
    });

    it('testFileStatusBlocksizeNonEmptyFile', async () => {
      expect(ctx.fs.getDefaultBlockSize(ctx.testDirectory)).toBeGreaterThan(0);
      const path = ctx.path('testFileStatusBlocksizeNonEmptyFile');
      await ctx.writeFile(path, dataset(256, 0x61, 26));
      const status = await ctx.fs.getFileStatus(path);
      expect(status.blockSize).toBeGreaterThanOrEqual(1);
      expect(ctx.fs.getDefaultBlockSize(path)).toBeGreaterThanOrEqual(1);
    });

    it('testFileStatusBlocksizeEmptyFile', async () => {
      const path = ctx.path('testFileStatusBlocksizeEmptyFile');
      await ctx.touch(path);
      const status = await ctx.fs.getFileStatus(path);
      expect(status.blockSize).toBeGreaterThanOrEqual(0);
      expect(ctx.fs.getDefaultBlockSize(path)).toBeGreaterThanOrEqual(0);
    });

    it('testCreateMakesParentDirs', async () => {
      const grandparent = ctx.path('testCreateMakesParentDirs');
      const parent = ctx.path('testCreateMakesParentDirs/parent');
      await ctx.touch(ctx.path('testCreateMakesParentDirs/parent/child'));
      const parentListing = await ctx.fs.listStatus(parent);
      expect(parentListing).toHaveLength(1);
      await ctx.assertIsDirectory(parent);
      const grandparentListing = await ctx.fs.listStatus(grandparent);
      expect(grandparentListing).toHaveLength(1);
      await ctx.assertIsDirectory(grandparent);
    });

    it('createNonRecursive fails when the parent is missing', async () => {
      const path = ctx.path('missingParent/child');
      await ctx.expectFailure(ctx.fs.create(path, { recursive: false }), FileNotFoundError);
      await ctx.assertPathDoesNotExist(ctx.path('missingParent'));
    });

    for (const [name, under] of [
      ['testCreateFileUnderFile', 'parent'],
      ['testCreateUnderFileSubdir', 'parent/child'],
    ] as const) {
      it(name, async ({ skip }) => {
        if (ctx.isSupported('create-file-under-file-allowed')) skip('create-file-under-file-allowed');
        const file = ctx.path(name);
        await ctx.touch(file);
        await ctx.expectFailure(ctx.writeFile(ctx.path(`${name}/${under}`), 'x'), FileAlreadyExistsError, ParentNotDirectoryError);
        await ctx.assertIsFile(file);
      });
    }

    for (const [name, under] of [
      ['testMkdirUnderFile', 'parent'],
      ['testMkdirUnderFileSubdir', 'parent/child'],
    ] as const) {
      it(name, async () => {
        const file = ctx.path(name);
        await ctx.touch(file);
        await ctx.expectFailure(ctx.fs.mkdirs(ctx.path(`${name}/${under}`)), FileAlreadyExistsError, ParentNotDirectoryError);
        if (under.includes('/')) {
          await ctx.expectFailure(ctx.fs.mkdirs(ctx.path(`${name}/${under}`)), FileAlreadyExistsError, ParentNotDirectoryError);
        }
        await ctx.assertIsFile(file);
      });
    }

    it('testSyncable', async () => {
      const path = ctx.path('testSyncable');
      const hflush = ctx.isSupported('supports-hflush');
      const hsync = ctx.isSupported('supports-hsync');
      const out = await ctx.fs.create(path, { overwrite: true });
      try {
        expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(hflush);
        expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(hsync);
        await out.write(new Uint8Array([0x61]));
        await out.hflush();
        await out.write(new Uint8Array([0x62]));
        await out.hsync();
        if (hsync && ctx.isSupported('flush-visible-to-readers')) {
          if (ctx.isSupported('metadata_updated_on_hsync')) {
            expect((await ctx.fs.getFileStatus(path)).length).toBe(2);
          }
          await using input = await ctx.fs.open(path);
          expect(await input.readByte()).toBe(0x61);
          expect(await input.readByte()).toBe(0x62);
          expect(await input.readByte()).toBe(-1);
        } else if (!hsync) {
          await out.flush();
          try {
            await using input = await ctx.fs.open(path);
            await input.readByte();
          } catch (error) {
            if (!(error instanceof FileNotFoundError) || !ctx.isSupported('is-blobstore')) throw error;
          }
        }
      } finally {
        await out.close();
      }
    });

    it('close is idempotent and later writes are refused', async () => {
      const path = ctx.path('closeTwice');
      const out = await ctx.fs.create(path);
      await out.write('abc');
      await out.close();
      await out.close();
      await expect(out.write('d')).rejects.toMatchObject({ code: 'EBADF' });
      await ctx.assertFileHasContent(path, new TextEncoder().encode('abc'));
    });

    it('getPos counts the bytes written', async () => {
      const out = await ctx.fs.create(ctx.path('pos'));
      expect(out.getPos()).toBe(0);
      await out.write(dataset(100));
      await out.write('xyz');
      expect(out.getPos()).toBe(103);
      await out.close();
    });

    it('writes that are not awaited one by one still land in call order', async () => {
      const path = ctx.path('unawaited');
      const out = await ctx.fs.create(path);
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < 50; i++) pending.push(out.write(`${i},`));
      pending.push(out.close());
      await Promise.all(pending);
      const text = Buffer.from(await ctx.readFile(path)).toString();
      expect(text).toBe(Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
    });

    it('write() lets the caller reuse its buffer at once, awaited or not (Java\'s write(byte[]))', async () => {
      const path = ctx.path('reused-buffer');
      const out = await ctx.fs.create(path);
      const reused = new Uint8Array(150_000);
      const expected: Uint8Array[] = [];
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < 12; i++) {
        const size = i % 3 === 0 ? 150_000 : 1 + i * 997;
        reused.fill(i + 1, 0, size);
        expected.push(reused.slice(0, size));
        pending.push(out.write(reused.subarray(0, size)));
      }
      reused.fill(0xee);
      pending.push(out.close());
      await Promise.all(pending);
      await ctx.assertFileHasContent(path, Buffer.concat(expected));
    });

    it('a Node Writable view writes the file and close on end', async () => {
      const path = ctx.path('writable');
      const out = await ctx.fs.create(path);
      const writable = out.toWritable();
      const { Readable } = await import('node:stream');
      const { pipeline } = await import('node:stream/promises');
      const data = dataset(300_000);
      await pipeline(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), writable);
      expect(out.isClosed()).toBe(true);
      await ctx.assertFileHasContent(path, data);
      expect(await collect(ctx.fs.listStatusIterator(ctx.testDirectory))).toHaveLength(1);
    });

    it('createFile() builder: overwrite by default, not recursive unless asked, unknown must() keys refused', async () => {
      const path = ctx.path('builder/file.txt');
      await ctx.expectFailure(
        (async () => {
          const out = await ctx.fs.createFile(path).build();
          await out.close();
        })(),
        FileNotFoundError,
      );
      const data = dataset(256);
      const out = await ctx.fs.createFile(path).recursive().overwrite(false).bufferSize(1024).opt('fs.test.unknown', 'x').build();
      await out.write(data);
      await out.close();
      await ctx.assertFileHasContent(path, data);
      await ctx.expectFailure(ctx.fs.createFile(path).overwrite(false).build(), FileAlreadyExistsError);
      const again = await ctx.fs.createFile(path).build();
      await again.write(dataset(10));
      await again.close();
      await ctx.assertFileHasContent(path, dataset(10));
      await ctx.expectFailure(ctx.fs.createFile(ctx.path('builder/other')).must('fs.test.unknown', 'x').build(), IllegalArgumentError);
    });

    it('appendFile() builder appends where the store can, and is refused where it cannot', async () => {
      const path = ctx.path('builder-append.txt');
      await ctx.writeFile(path, dataset(100));
      if (!ctx.isSupported('supports-append')) {
        await ctx.expectFailure(ctx.fs.appendFile(path).build(), UnsupportedOperationError);
        return;
      }
      const out = await ctx.fs.appendFile(path).build();
      await out.write(dataset(50));
      await out.close();
      expect((await ctx.fs.getFileStatus(path)).length).toBe(150);
    });

    it('create over the root fails', async () => {
      await ctx.expectFailure(ctx.fs.create('/'), FileAlreadyExistsError);
    });
  });
}
