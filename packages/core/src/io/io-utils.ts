import { Configuration } from '../configuration.js';
import { EOFError } from '../errors.js';
import { describeValue } from '../glob.js';

/** What copyBytes reads: an FSDataInputStream, or anything with Java's read(b, off, len) (−1 at the end). */
export interface ByteSource {
  read(target: Uint8Array, offset?: number, length?: number): Promise<number>;
  close(): Promise<void>;
}

/** What copyBytes writes: an FSDataOutputStream, or anything with write() and close() (abort() if it has one). */
export interface ByteSink {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}

/** Hadoop's default io.file.buffer.size. */
const DEFAULT_COPY_BUFFER = 4096;

/**
 * Hadoop's IOUtils, for code ported from Java. copyBytes keeps Java's overloads: `(in, out, bufferSize[,
 * close = false])`, `(in, out, conf[, close = true])` (io.file.buffer.size), and `(in, out, count, close)`
 * with `count` a bigint (Java's long: exactly that many bytes, EOFError if the input ends first). With
 * close, both streams are closed after the copy; after a failure the output is aborted where it can be
 * (an object store then publishes nothing; Java's close would publish the bytes copied so far), the
 * input closed, and the copy's error raised.
 */
export const IOUtils = {
  async copyBytes(input: ByteSource, output: ByteSink, sizeOrConf: number | bigint | Configuration, close?: boolean): Promise<void> {
    if (typeof input?.read !== 'function') throw new TypeError(`copyBytes: in must be an input stream (with read()), got ${describeValue(input)}`);
    if (typeof output?.write !== 'function') throw new TypeError(`copyBytes: out must be an output stream (with write()), got ${describeValue(output)}`);
    if (close !== undefined && typeof close !== 'boolean') throw new TypeError(`copyBytes: close must be a boolean, got ${describeValue(close)}`);
    let bufferSize: number;
    let count: bigint | undefined;
    let closeAfter: boolean;
    if (sizeOrConf instanceof Configuration) {
      bufferSize = sizeOrConf.getInt('io.file.buffer.size', DEFAULT_COPY_BUFFER);
      closeAfter = close ?? true;
    } else if (typeof sizeOrConf === 'bigint') {
      if (close === undefined) throw new TypeError('copyBytes: with a count (bigint), close must be given, as Java’s copyBytes(in, out, long count, boolean close)');
      if (sizeOrConf < 0n) throw new RangeError(`copyBytes: count must not be negative, got ${sizeOrConf}`);
      bufferSize = DEFAULT_COPY_BUFFER;
      count = sizeOrConf;
      closeAfter = close;
    } else if (typeof sizeOrConf === 'number' && Number.isInteger(sizeOrConf) && sizeOrConf > 0) {
      bufferSize = sizeOrConf;
      closeAfter = close ?? false;
    } else {
      throw new TypeError(`copyBytes: the third argument must be a buffer size (a positive integer), a Configuration or a count (a bigint), got ${describeValue(sizeOrConf)}`);
    }
    const buffer = new Uint8Array(bufferSize);
    try {
      let left = count;
      while (left === undefined || left > 0n) {
        const want = left === undefined ? bufferSize : Number(left < BigInt(bufferSize) ? left : BigInt(bufferSize));
        const n = await input.read(buffer, 0, want);
        if (n < 0) {
          if (left !== undefined) throw new EOFError(`copyBytes: the input ended ${left} byte(s) before the count of ${count}`);
          break;
        }
        if (n > 0) await output.write(buffer.subarray(0, n));
        if (left !== undefined) left -= BigInt(n);
      }
    } catch (error) {
      if (closeAfter) {
        await (output.abort ? output.abort() : output.close()).catch(() => undefined);
        await input.close().catch(() => undefined);
      }
      throw error;
    }
    if (closeAfter) {
      await output.close();
      await input.close();
    }
  },
};
