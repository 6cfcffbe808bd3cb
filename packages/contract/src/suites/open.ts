import { describe, expect, it } from 'vitest';
import { EOFError, FileNotFoundError, IllegalArgumentError, OpenFileOptions } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

/** AbstractContractOpenTest, its openFile() builder tests included (build() returns a promise: Hadoop's future). */
export function openTests(ctx: ContractContext): void {
  describe('open', () => {
    it('testOpenReadZeroByteFile', async () => {
      const path = ctx.path('zero.txt');
      await ctx.touch(path);
      await using input = await ctx.fs.open(path);
      expect(input.getPos()).toBe(0);
      expect(await input.readByte()).toBe(-1);
    });

    it('testOpenReadDir', async () => {
      const path = ctx.path('testOpenReadDir');
      await ctx.mkdirs(path);
      await ctx.expectFailure(ctx.fs.open(path), FileNotFoundError);
    });

    it('testOpenReadDirWithChild', async () => {
      const path = ctx.path('testOpenReadDirWithChild');
      await ctx.mkdirs(ctx.path('testOpenReadDirWithChild/child'));
      await ctx.expectFailure(ctx.fs.open(path), FileNotFoundError);
    });

    it('testOpenFileReadZeroByte', async () => {
      const path = ctx.path('zero-builder.txt');
      await ctx.touch(path);
      await using input = await ctx.fs.openFile(path).opt('fs.test.something', true).opt('fs.test.something2', 3).build();
      expect(await input.readByte()).toBe(-1);
    });

    it('testOpenFileMandatoryUnknownOption', async () => {
      const path = ctx.path('mandatory.txt');
      await ctx.touch(path);
      await ctx.expectFailure(ctx.fs.openFile(path).must('fs.test.something', true).build(), IllegalArgumentError);
    });

    it('testOpenFileLazyFail: a missing file fails at build() or at the first read', async () => {
      const missing = ctx.path('no-such-file.txt');
      const failed = await ctx.fs
        .openFile(missing)
        .opt(OpenFileOptions.LENGTH, 10)
        .build()
        .then(async (input) => {
          try {
            await input.readFully(0, new Uint8Array(10));
            return undefined;
          } finally {
            await input.close();
          }
        })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(FileNotFoundError);
      await ctx.expectFailure(ctx.fs.openFile(missing).build(), FileNotFoundError);
    });

    it('testOpenFileApplyRead: with the status or the length, and a read policy, the bytes are the file', async () => {
      const path = ctx.path('apply.txt');
      const data = dataset(4096, 0x30, 0x40);
      await ctx.writeFile(path, data);
      const status = await ctx.fs.getFileStatus(path);
      for (const build of [
        () => ctx.fs.openFile(path).withFileStatus(status).build(),
        () => ctx.fs.openFile(path).must(OpenFileOptions.LENGTH, data.length).opt(OpenFileOptions.READ_POLICY, 'vector, random').build(),
        () => ctx.fs.openFile(path).withFileStatus(null).must(OpenFileOptions.READ_POLICY, 'whole-file').build(),
      ]) {
        await using input = await build();
        const read = new Uint8Array(data.length);
        await input.readFully(0, read);
        expect(Buffer.from(read).equals(Buffer.from(data))).toBe(true);
      }
    });

    it('testOpenFileWithStatusOfOtherFile is refused', async () => {
      const path = ctx.path('one.txt');
      const other = ctx.path('other.txt');
      await ctx.touch(path);
      await ctx.touch(other);
      const status = await ctx.fs.getFileStatus(other);
      expect(() => ctx.fs.openFile(path).withFileStatus(status)).toThrow(IllegalArgumentError);
    });

    it('readVectored: ranges in any order, each its bytes; the position stays; a range past EOF fails alone', async () => {
      const path = ctx.path('vectored.bin');
      const data = dataset(200_000, 0, 251);
      await ctx.writeFile(path, data);
      await using input = await ctx.fs.open(path);
      await input.seek(10);
      const ranges = [
        { offset: 150_000, length: 4096 },
        { offset: 0, length: 100 },
        { offset: 100, length: 0 },
        { offset: 120, length: 1000 },
        { offset: 199_000, length: 1000 },
        { offset: 60_000, length: 70_000 },
      ];
      const results = await Promise.all(input.readVectored(ranges));
      for (const [i, r] of ranges.entries()) {
        expect(Buffer.from(results[i]!).equals(Buffer.from(data.subarray(r.offset, r.offset + r.length))), `range ${r.offset}`).toBe(true);
      }
      expect(input.getPos()).toBe(10);
      expect(await input.readByte()).toBe(data[10]);
      const [inside, past] = input.readVectored([{ offset: 0, length: 10 }, { offset: 199_990, length: 20 }]);
      expect((await inside!).length).toBe(10);
      await ctx.expectFailure(past!, EOFError);
      expect(() => input.readVectored([{ offset: 0, length: 100 }, { offset: 50, length: 10 }])).toThrow(IllegalArgumentError);
      expect(() => input.readVectored([{ offset: -1, length: 10 }])).toThrow(IllegalArgumentError);
    });

    it('getFileChecksum: COMPOSITE-CRC64ECMA, equal for equal bytes, different otherwise; a directory is refused', async () => {
      const one = ctx.path('sum-1');
      const two = ctx.path('sum-2');
      const other = ctx.path('sum-3');
      await ctx.writeFile(one, dataset(5000, 0x20, 90));
      await ctx.writeFile(two, dataset(5000, 0x20, 90));
      await ctx.writeFile(other, dataset(5000, 0x21, 90));
      const [a, b, c] = await Promise.all([one, two, other].map((p) => ctx.fs.getFileChecksum(p)));
      expect(a!.algorithmName).toBe('COMPOSITE-CRC64ECMA');
      expect(a!.length).toBe(8);
      expect(a!.equals(b)).toBe(true);
      expect(a!.equals(c)).toBe(false);
      await ctx.expectFailure(ctx.fs.getFileChecksum(ctx.testDirectory), FileNotFoundError);
      await ctx.expectFailure(ctx.fs.getFileChecksum(ctx.path('no-such')), FileNotFoundError);
    });

    it('open of a missing file is FileNotFoundError', async () => {
      await ctx.expectFailure(ctx.fs.open(ctx.path('missing')), FileNotFoundError);
    });

    it('testOpenFileTwice', async () => {
      const path = ctx.path('testOpenFileTwice');
      await ctx.writeFile(path, dataset(1024, 0x30, 0x20));
      const first = await ctx.fs.open(path);
      const second = await ctx.fs.open(path);
      expect(await first.readByte()).toBe(0x30);
      await first.close();
      expect(await second.readByte()).toBe(0x30);
      await second.close();
      await first.close();
      await second.close();
    });

    it('testSequentialRead', async () => {
      const path = ctx.path('testSequentialRead');
      await ctx.writeFile(path, dataset(4, 0x40, 0x04));
      await using input = await ctx.fs.open(path);
      expect(await input.readByte()).toBe(0x40);
      expect(await input.readByte()).toBe(0x41);
      expect(await input.readByte()).toBe(0x42);
      expect(await input.readByte()).toBe(0x43);
      expect(await input.readByte()).toBe(-1);
      expect(await input.readByte()).toBe(-1);
    });

    it('a Node Readable view streams the whole file and closes the stream', async () => {
      const path = ctx.path('readable');
      const data = dataset(200_000, 0, 251);
      await ctx.writeFile(path, data);
      const input = await ctx.fs.open(path);
      const chunks: Buffer[] = [];
      for await (const chunk of input.toReadable({ chunkSize: 65_536 })) chunks.push(chunk as Buffer);
      expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(data))).toBe(0);
      expect(input.isClosed()).toBe(true);
    });

    it('async iteration yields the bytes from the current position', async () => {
      const path = ctx.path('iterate');
      const data = dataset(150_000, 0, 253);
      await ctx.writeFile(path, data);
      await using input = await ctx.fs.open(path);
      await input.seek(1000);
      const chunks: Uint8Array[] = [];
      for await (const chunk of input) chunks.push(chunk.slice());
      expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(data.subarray(1000)))).toBe(0);
    });
  });
}
