import { describe, expect, it } from 'vitest';
import { ClosedError, EOFError, IOError } from '@hadoopfs/core';
import { dataset, TEST_FILE_LEN, type ContractContext } from '../context.js';

/** AbstractContractSeekTest. */
export function seekTests(ctx: ContractContext): void {
  describe('seek', () => {
    const setup = async () => {
      const smallSeekFile = ctx.path('seekfile.txt');
      const zeroByteFile = ctx.path('zero.txt');
      const block = dataset(TEST_FILE_LEN, 0, 255);
      await ctx.writeFile(smallSeekFile, block);
      await ctx.touch(zeroByteFile);
      return { smallSeekFile, zeroByteFile, block };
    };
    const supported = () => ctx.isSupported('supports-seek');

    it('testSeekZeroByteFile', async ({ skip }) => {
      if (!supported()) skip();
      const { zeroByteFile } = await setup();
      await using input = await ctx.fs.open(zeroByteFile);
      expect(input.getPos()).toBe(0);
      expect(await input.readByte()).toBe(-1);
      await input.seek(0);
      expect(await input.readByte()).toBe(-1);
      expect(await input.read(new Uint8Array(1), 0, 1)).toBe(-1);
    });

    it('testBlockReadZeroByteFile', async ({ skip }) => {
      if (!supported()) skip();
      const { zeroByteFile } = await setup();
      await using input = await ctx.fs.open(zeroByteFile);
      expect(await input.read(new Uint8Array(1), 0, 1)).toBe(-1);
    });

    it('testSeekReadClosedFile', async ({ skip }) => {
      if (!supported()) skip();
      const { smallSeekFile } = await setup();
      const input = await ctx.fs.open(smallSeekFile);
      await input.close();
      if (!ctx.isSupported('supports-seek-on-closed-file')) await expect(input.seek(0)).rejects.toBeInstanceOf(ClosedError);
      await expect(input.readByte()).rejects.toBeInstanceOf(IOError);
      await expect(input.read(new Uint8Array(1), 0, 1)).rejects.toBeInstanceOf(IOError);
      expect(input.getPos()).toBeGreaterThanOrEqual(0);
      await input.close();
    });

    it('testNegativeSeek', async ({ skip }) => {
      if (!supported()) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      await ctx.expectFailure(input.seek(-1), EOFError);
      expect(input.getPos()).toBe(0);
    });

    it('testSeekFile', async ({ skip }) => {
      if (!supported()) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      await input.seek(0);
      expect(await input.readByte()).toBe(0);
      expect(await input.readByte()).toBe(1);
      expect(input.getPos()).toBe(2);
      expect(await input.readByte()).toBe(2);
      expect(input.getPos()).toBe(3);
      await input.seek(128);
      expect(input.getPos()).toBe(128);
      expect(await input.readByte()).toBe(128);
      await input.seek(63);
      expect(await input.readByte()).toBe(63);
    });

    it('testSeekAndReadPastEndOfFile', async ({ skip }) => {
      if (!supported()) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      await input.seek(TEST_FILE_LEN - 2);
      expect(await input.readByte()).not.toBe(-1);
      expect(await input.readByte()).not.toBe(-1);
      expect(await input.readByte()).toBe(-1);
    });

    it('testSeekPastEndOfFileThenReseekAndRead', async ({ skip }) => {
      if (!supported()) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      if (ctx.isSupported('rejects-seek-past-eof')) {
        await ctx.expectFailure(
          (async () => {
            await input.seek(TEST_FILE_LEN + 1);
            return input.readByte();
          })(),
          EOFError,
        );
      } else {
        await input.seek(TEST_FILE_LEN + 1);
        expect(await input.readByte()).toBe(-1);
      }
      await input.seek(1);
      expect(await input.readByte()).not.toBe(-1);
    });

    it('testSeekBigFile', async ({ skip }) => {
      if (!supported()) skip();
      const path = ctx.path('bigseekfile.txt');
      const buf = dataset(100 * 1024, 0, 255);
      await ctx.writeFile(path, buf);
      await using input = await ctx.fs.open(path);
      expect(await input.readByte()).toBe(buf[0]);
      for (const at of [32768, 40000, 8191, 0]) {
        await input.seek(at);
        expect(input.getPos()).toBe(at);
        expect(await input.readByte()).toBe(buf[at]);
      }
      expect(input.getPos()).toBe(1);
      const readBuffer = new Uint8Array(80 * 1024);
      await input.readFully(1, readBuffer, 0, readBuffer.length);
      expect(Buffer.compare(Buffer.from(readBuffer), Buffer.from(buf.subarray(1, 1 + readBuffer.length)))).toBe(0);
      expect(input.getPos()).toBe(1);
    });

    it('testPositionedBulkReadDoesntChangePosition', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const path = ctx.path('bigseekfile.txt');
      const block = dataset(65536, 0, 255);
      await ctx.writeFile(path, block);
      await using input = await ctx.fs.open(path);
      await input.seek(39999);
      expect(await input.readByte()).not.toBe(-1);
      expect(input.getPos()).toBe(40000);
      const readBuffer = new Uint8Array(256);
      expect(await input.read(128, readBuffer, 0, readBuffer.length)).toBe(256);
      expect(input.getPos()).toBe(40000);
      expect(await input.readByte()).toBe(block[40000]);
      expect(Buffer.compare(Buffer.from(readBuffer), Buffer.from(block.subarray(128, 384)))).toBe(0);
    });

    it('testRandomSeeks', async ({ skip }) => {
      if (!supported()) skip();
      const limit = ctx.config.options['test.random-seek-count'] ?? 100;
      const filesize = 10 * 1024;
      const buf = dataset(filesize, 0, 255);
      const path = ctx.path('randomseeks.bin');
      await ctx.writeFile(path, buf);
      await using input = await ctx.fs.open(path);
      let seed = 0x2545f491;
      const next = (bound: number) => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed % bound;
      };
      for (let i = 0; i < limit; i++) {
        const seekOff = next(filesize);
        const toRead = next(Math.min(buf.length - seekOff, 32000)) + 1;
        await input.seek(seekOff);
        const out = new Uint8Array(toRead);
        let got = 0;
        while (got < toRead) {
          const n = await input.read(out, got, toRead - got);
          expect(n).toBeGreaterThan(0);
          got += n;
        }
        expect(Buffer.compare(Buffer.from(out), Buffer.from(buf.subarray(seekOff, seekOff + toRead))), `seek ${seekOff} read ${toRead}`).toBe(0);
      }
    });

    it('testReadFullyZeroByteFile', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const { zeroByteFile } = await setup();
      await using input = await ctx.fs.open(zeroByteFile);
      const buffer = new Uint8Array(0);
      await input.readFully(0, buffer, 0, 0);
      expect(input.getPos()).toBe(0);
      await input.seek(0);
      expect(await input.read(buffer, 0, 0)).toBe(0);
    });

    it('testReadFullyPastEOFZeroByteFile', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const { zeroByteFile } = await setup();
      await using input = await ctx.fs.open(zeroByteFile);
      const error = await input.readFully(0, new Uint8Array(1), 0, 16).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error instanceof RangeError || error instanceof EOFError).toBe(true);
    });

    it('testReadFullySmallFile', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const { smallSeekFile, block } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      const buffer = new Uint8Array(256);
      await expect(input.readFully(0, buffer, 0, -16)).rejects.toBeInstanceOf(RangeError);
      await expect(input.readFully(0, buffer, -1, 16)).rejects.toBeInstanceOf(RangeError);
      await expect(input.readFully(0, buffer, 255, 2)).rejects.toBeInstanceOf(RangeError);
      await ctx.expectFailure(input.readFully(-1, buffer), EOFError);
      await input.readFully(0, buffer);
      expect(input.getPos()).toBe(0);
      const whole = new Uint8Array(TEST_FILE_LEN);
      await input.readFully(0, whole);
      expect(Buffer.compare(Buffer.from(whole), Buffer.from(block))).toBe(0);
      expect(input.getPos()).toBe(0);
      await ctx.expectFailure(input.readFully(16, new Uint8Array(TEST_FILE_LEN)), EOFError);
    });

    it('testReadFullyPastEOF', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      await ctx.expectFailure(input.readFully(TEST_FILE_LEN + 1, new Uint8Array(1)), EOFError);
      await input.readFully(TEST_FILE_LEN + 1, new Uint8Array(1), 0, 0);
    });

    it('testReadNullBuffer', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      await expect(input.read(0, null as unknown as Uint8Array, 0, 16)).rejects.toBeInstanceOf(TypeError);
    });

    it('testReadSmallFile', async ({ skip }) => {
      if (!supported() || !ctx.isSupported('supports-positioned-readable')) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      const buffer = new Uint8Array(256);
      await expect(input.read(0, buffer, 0, -16)).rejects.toBeInstanceOf(RangeError);
      await expect(input.read(0, buffer, -1, 16)).rejects.toBeInstanceOf(RangeError);
      await expect(input.read(0, buffer, 255, 2)).rejects.toBeInstanceOf(RangeError);
      await ctx.expectFailure(input.read(-1, buffer, 0, 1), EOFError);
      const full = new Uint8Array(TEST_FILE_LEN);
      let total = 0;
      while (total < TEST_FILE_LEN) total += await input.read(total, full, total, TEST_FILE_LEN - total);
      expect(total).toBe(TEST_FILE_LEN);
      expect(await input.read(TEST_FILE_LEN + 16, buffer, 0, 1)).toBe(-1);
      expect(input.getPos()).toBe(0);
    });

    it('testReadAtExactEOF', async ({ skip }) => {
      if (!supported()) skip();
      const { smallSeekFile } = await setup();
      await using input = await ctx.fs.open(smallSeekFile);
      await input.seek(TEST_FILE_LEN - 1);
      expect(await input.readByte()).toBeGreaterThan(0);
      expect(await input.readByte()).toBe(-1);
    });
  });
}
