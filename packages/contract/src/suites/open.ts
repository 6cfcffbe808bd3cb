import { describe, expect, it } from 'vitest';
import { FileNotFoundError } from '@hadoopfs/core';
import { dataset, type ContractContext } from '../context.js';

/** AbstractContractOpenTest (the builder/future tests have no counterpart: open() is the future). */
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
