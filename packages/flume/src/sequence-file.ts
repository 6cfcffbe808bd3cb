import {
  BYTES_WRITABLE,
  LONG_WRITABLE,
  SequenceFileWriter,
  TEXT,
  writeVLong,
  type CompressionCodec,
} from '@hadoopfs/core';
import type { FlumeEvent } from './event.js';

/**
 * Flume's HDFSSequenceFile on Hadoop's SequenceFile (core's writer): key `LongWritable` (the event's
 * `timestamp` header, else the time of writing), value `BytesWritable` (the body; hdfs.writeFormat =
 * Writable, Flume's default) or `Text` (writeFormat = Text). With hdfs.codeC the file is BLOCK-compressed,
 * as Flume always makes it. A flush is Flume's sync(): Writer.sync() (a sync point, or the buffered block)
 * before the hflush, so that a flushed batch ends at a sync point.
 */
export type SequenceFileWriteFormat = 'Writable' | 'Text';

const VALUE_CLASS: Record<SequenceFileWriteFormat, string> = { Writable: BYTES_WRITABLE, Text: TEXT };

export class FlumeSequenceFile {
  readonly #writer: SequenceFileWriter;
  readonly #format: SequenceFileWriteFormat;
  // Scratch for one record's key and value prefix: the writer copies them at once.
  readonly #key = Buffer.allocUnsafe(8);
  readonly #prefix = Buffer.allocUnsafe(9);
  readonly #value: [Uint8Array, Uint8Array] = [this.#prefix, this.#prefix];

  constructor(format: SequenceFileWriteFormat, codec?: CompressionCodec, sync?: Uint8Array) {
    this.#format = format;
    this.#writer = new SequenceFileWriter({
      keyClass: LONG_WRITABLE,
      valueClass: VALUE_CLASS[format],
      ...(codec ? { compression: 'BLOCK' as const, codec } : {}),
      ...(sync ? { sync } : {}),
    });
  }

  /** Appends the events' records; `now` keys events without a usable timestamp. */
  append(events: readonly FlumeEvent[], now: number = Date.now()): void {
    for (const event of events) {
      const stamp = event.headers['timestamp'];
      this.#key.writeBigInt64BE(stamp !== undefined && /^\s*-?\d+\s*$/.test(stamp) ? BigInt(stamp.trim()) : BigInt(now));
      const n = event.body.byteLength;
      const prefixLength = this.#format === 'Writable' ? (this.#prefix.writeInt32BE(n), 4) : writeVLong(this.#prefix, 0, n);
      this.#value[0] = this.#prefix.subarray(0, prefixLength);
      this.#value[1] = event.body;
      this.#writer.append(this.#key, this.#value);
    }
  }

  /** Flume's sync(): called before every hflush. */
  syncPoint(): void {
    this.#writer.syncPoint();
  }

  /** The bytes due now (the header first). */
  take(): Promise<Buffer> {
    return this.#writer.take();
  }
}
