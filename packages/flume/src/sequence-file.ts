import { randomBytes } from 'node:crypto';
import type { FlumeEvent } from './event.js';

/**
 * Hadoop's SequenceFile (version 6, uncompressed), as Flume's HDFSSequenceFile writes it: key
 * `LongWritable` (the event's `timestamp` header, else the time of writing), value `BytesWritable` (the
 * body; hdfs.writeFormat = Writable, Flume's default) or `Text` (writeFormat = Text). Written from the
 * format's description in Hadoop's SequenceFile.java: header `SEQ` 6, key and value class names
 * (Text.writeString: a vint length and UTF-8), compression and block-compression booleans, metadata (an
 * int count of Text pairs, none here), a 16-byte sync marker; then records `int recordLength, int
 * keyLength, key, value`, with `int -1` + the sync marker before a record once 100 KB have passed since
 * the last one (SYNC_INTERVAL), and at every flush (Flume's sync(): a flushed batch ends at a sync point).
 */
export type SequenceFileWriteFormat = 'Writable' | 'Text';

export const SEQUENCE_FILE_SYNC_INTERVAL = 5 * 1024 * 20;
const SYNC_ESCAPE = -1;
const KEY_CLASS = 'org.apache.hadoop.io.LongWritable';
const VALUE_CLASS: Record<SequenceFileWriteFormat, string> = { Writable: 'org.apache.hadoop.io.BytesWritable', Text: 'org.apache.hadoop.io.Text' };

/** Hadoop's WritableUtils.writeVLong: one byte for -112..127, else a length byte and big-endian bytes. */
export function writableVLong(value: number | bigint): Buffer {
  let i = BigInt(value);
  if (i >= -112n && i <= 127n) return Buffer.from([Number(i) & 0xff]);
  let len = -112;
  if (i < 0n) {
    i = ~i;
    len = -120;
  }
  for (let tmp = i; tmp !== 0n; tmp >>= 8n) len--;
  const bytes = len < -120 ? -(len + 120) : -(len + 112);
  const out = Buffer.alloc(1 + bytes);
  out[0] = len & 0xff;
  for (let b = 0; b < bytes; b++) out[1 + b] = Number((i >> BigInt(8 * (bytes - 1 - b))) & 0xffn);
  return out;
}

function text(value: string | Uint8Array): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return Buffer.concat([writableVLong(bytes.length), bytes]);
}

function int32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(value);
  return out;
}

/** The bytes of one SequenceFile being written: header, records with sync points, positions tracked. */
export class SequenceFileWriter {
  readonly sync: Buffer;
  readonly #format: SequenceFileWriteFormat;
  #position = 0;
  #lastSyncPos = 0;

  constructor(format: SequenceFileWriteFormat, sync: Buffer = randomBytes(16)) {
    if (sync.length !== 16) throw new RangeError('a SequenceFile sync marker has 16 bytes');
    this.#format = format;
    this.sync = sync;
  }

  /** The file header (once, first). */
  header(): Buffer {
    const out = Buffer.concat([
      Buffer.from('SEQ'),
      Buffer.from([6]),
      text(KEY_CLASS),
      text(VALUE_CLASS[this.#format]),
      Buffer.from([0, 0]), // not compressed, not block-compressed
      int32(0), // no metadata
      this.sync,
    ]);
    this.#position += out.length;
    return out;
  }

  /** The records for `events`, sync points included where due. `now` keys events without a timestamp. */
  records(events: readonly FlumeEvent[], now: number = Date.now()): Buffer {
    const pieces: Buffer[] = [];
    for (const event of events) {
      if (this.#position >= this.#lastSyncPos + SEQUENCE_FILE_SYNC_INTERVAL) pieces.push(this.#syncPoint());
      const key = Buffer.alloc(8);
      const stamp = event.headers['timestamp'];
      key.writeBigInt64BE(stamp !== undefined && /^-?\d+$/.test(stamp.trim()) ? BigInt(stamp.trim()) : BigInt(now));
      const value = this.#format === 'Writable' ? Buffer.concat([int32(event.body.length), event.body]) : text(event.body);
      const record = Buffer.concat([int32(key.length + value.length), int32(key.length), key, value]);
      this.#position += record.length;
      pieces.push(record);
    }
    return Buffer.concat(pieces);
  }

  /** Hadoop's Writer.sync(): a sync point, unless one is already at the current position. */
  syncAtFlush(): Buffer {
    return this.#lastSyncPos === this.#position ? Buffer.alloc(0) : this.#syncPoint();
  }

  #syncPoint(): Buffer {
    const out = Buffer.concat([int32(SYNC_ESCAPE), this.sync]);
    this.#position += out.length;
    this.#lastSyncPos = this.#position;
    return out;
  }
}

export interface SequenceFileRecord {
  key: bigint;
  value: Buffer;
}

/** Reads an uncompressed SequenceFile of LongWritable keys (BytesWritable or Text values), sync points skipped. */
export function readSequenceFile(bytes: Buffer): { keyClass: string; valueClass: string; records: SequenceFileRecord[] } {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`not a SequenceFile this reader knows: ${why} (at byte ${at})`);
  };
  const readVLong = (): number => {
    const first = (bytes[at++] ?? fail('truncated')) << 24 >> 24;
    if (first >= -112) return first;
    const negative = first < -120;
    const n = negative ? -(first + 120) : -(first + 112);
    let v = 0n;
    for (let b = 0; b < n; b++) v = (v << 8n) | BigInt(bytes[at++] ?? fail('truncated'));
    return Number(negative ? ~v : v);
  };
  const readText = (): string => {
    const n = readVLong();
    const s = bytes.subarray(at, at + n).toString('utf8');
    at += n;
    return s;
  };
  if (bytes.subarray(0, 3).toString('latin1') !== 'SEQ' || bytes[3] !== 6) fail('no SEQ version 6 header');
  at = 4;
  const keyClass = readText();
  const valueClass = readText();
  if (bytes[at++] !== 0 || bytes[at++] !== 0) fail('compressed SequenceFiles are not read here');
  const metadata = bytes.readInt32BE(at);
  at += 4;
  for (let i = 0; i < metadata * 2; i++) readText();
  const sync = bytes.subarray(at, at + 16);
  at += 16;
  if (keyClass !== KEY_CLASS) fail(`key class ${keyClass}`);
  const records: SequenceFileRecord[] = [];
  while (at < bytes.length) {
    const length = bytes.readInt32BE(at);
    at += 4;
    if (length === SYNC_ESCAPE) {
      if (!bytes.subarray(at, at + 16).equals(sync)) fail('a sync marker that is not the header\'s');
      at += 16;
      continue;
    }
    const keyLength = bytes.readInt32BE(at);
    at += 4;
    const key = bytes.readBigInt64BE(at);
    const valueStart = at + keyLength;
    at = valueStart;
    let value: Buffer;
    if (valueClass === VALUE_CLASS.Writable) {
      const n = bytes.readInt32BE(at);
      value = bytes.subarray(at + 4, at + 4 + n);
    } else {
      const start = at;
      const n = readVLong();
      value = bytes.subarray(at, at + n);
      at = start;
    }
    at = valueStart + (length - keyLength);
    records.push({ key, value: Buffer.from(value) });
  }
  return { keyClass, valueClass, records };
}
