import { randomBytes } from 'node:crypto';
import { compressionCodecFor, type CompressionCodec } from './compression-codecs.js';

/*
 * Hadoop's SequenceFile, version 6, written and read from the format as SequenceFile.java describes it:
 *   header: "SEQ" 6, key class and value class (Text.writeString: vint length, UTF-8), compressed and
 *     block-compressed (one byte each), the codec's class name when compressed, metadata (int count, then
 *     Text pairs), a 16-byte sync marker;
 *   NONE:   records `int recordLength, int keyLength, key, value`;
 *   RECORD: the same, the value compressed on its own (one codec stream per value);
 *   BLOCK:  blocks `sync escape, sync, vint records, then four compressed buffers (each a vint length
 *     and one codec stream): key lengths (vints), keys, value lengths (vints), values`;
 * a sync point (`int -1`, the marker) before a record once SYNC_INTERVAL bytes have passed since the
 * last one, at every sync() and before every block. Keys and values are serialised Writables.
 */

export type SequenceFileCompression = 'NONE' | 'RECORD' | 'BLOCK';

export const SEQUENCE_FILE_VERSION = 6;
/** SequenceFile.SYNC_INTERVAL: 5 × 1024 × SYNC_SIZE (20). */
export const SEQUENCE_FILE_SYNC_INTERVAL = 5 * 1024 * 20;
/** io.seqfile.compress.blocksize's default: a block is written once its keys and values reach it. */
export const SEQUENCE_FILE_BLOCK_SIZE = 1_000_000;
const SYNC_ESCAPE = -1;

export const LONG_WRITABLE = 'org.apache.hadoop.io.LongWritable';
export const BYTES_WRITABLE = 'org.apache.hadoop.io.BytesWritable';
export const TEXT = 'org.apache.hadoop.io.Text';

/** Hadoop's WritableUtils.writeVLong (and writeVInt): one byte for -112..127, else a length byte and big-endian bytes. */
export function writableVLong(value: number | bigint): Buffer {
  const out = Buffer.allocUnsafe(9);
  return out.subarray(0, writeVLong(out, 0, value));
}

/** writableVLong into `out` at `at`; returns the bytes written (1 to 9). */
export function writeVLong(out: Uint8Array, at: number, value: number | bigint): number {
  if (typeof value === 'number' && value >= -112 && value <= 127) {
    out[at] = value & 0xff;
    return 1;
  }
  let i = BigInt(value);
  if (i >= -112n && i <= 127n) {
    out[at] = Number(i) & 0xff;
    return 1;
  }
  let len = -112;
  if (i < 0n) {
    i = ~i;
    len = -120;
  }
  for (let tmp = i; tmp !== 0n; tmp >>= 8n) len--;
  const bytes = len < -120 ? -(len + 120) : -(len + 112);
  out[at] = len & 0xff;
  for (let b = 0; b < bytes; b++) out[at + 1 + b] = Number((i >> BigInt(8 * (bytes - 1 - b))) & 0xffn);
  return 1 + bytes;
}

/** The serialised Writables this module names: LongWritable (8 bytes), BytesWritable (int length, bytes), Text (vint length, UTF-8). */
export function longWritable(value: number | bigint): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigInt64BE(BigInt(value));
  return out;
}
export function bytesWritable(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + bytes.length);
  out.writeInt32BE(bytes.length);
  out.set(bytes, 4);
  return out;
}
export function textWritable(value: string | Uint8Array): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([writableVLong(bytes.length), bytes]);
}

/** A growable byte buffer (Hadoop's DataOutputBuffer). */
class ByteBuffer {
  bytes: Buffer;
  length = 0;
  constructor(initial = 1024) {
    this.bytes = Buffer.allocUnsafe(initial);
  }
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
  write(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }
  int32(value: number): void {
    this.reserve(4);
    this.bytes.writeInt32BE(value, this.length);
    this.length += 4;
  }
  vlong(value: number | bigint): void {
    this.reserve(9);
    this.length += writeVLong(this.bytes, this.length, value);
  }
  /** The bytes written so far, handed over (the buffer starts again empty). */
  takeAll(): Buffer {
    const out = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.allocUnsafe(Math.max(1024, this.length));
    this.length = 0;
    return out;
  }
  copy(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }
  reset(): void {
    this.length = 0;
  }
}

export interface SequenceFileWriterOptions {
  keyClass: string;
  valueClass: string;
  compression?: SequenceFileCompression;
  /** Required when compressed. */
  codec?: CompressionCodec;
  /** 16 bytes; random by default (as Hadoop's: an MD5 of a UID and the time). */
  sync?: Uint8Array;
  /** io.seqfile.compress.blocksize (BLOCK). */
  blockSize?: number;
  metadata?: ReadonlyArray<readonly [string, string]>;
}

/**
 * The bytes of one SequenceFile, produced as Hadoop's Writer would write them: append() records (key
 * and value as serialised Writables, copied at once so the caller may reuse its buffers), sync() where
 * Writer.sync() would be called (BLOCK: the buffered block is written), and take() the bytes due so far
 * (the header first), in order. Block and file compression run off the event loop.
 */
export class SequenceFileWriter {
  readonly sync: Buffer;
  readonly compression: SequenceFileCompression;
  readonly #codec: CompressionCodec | undefined;
  readonly #blockSize: number;
  readonly #out = new ByteBuffer(4096);
  /** Output in order: bytes ready, or a block still being compressed. */
  readonly #due: Array<Buffer | Promise<Buffer>> = [];
  /** The file's length so far (NONE and RECORD: blocks are not counted, no decision needs them). */
  #position = 0;
  #lastSyncPos = 0;
  readonly #block = { records: 0, keyLengths: new ByteBuffer(), keys: new ByteBuffer(), valueLengths: new ByteBuffer(), values: new ByteBuffer() };

  constructor(options: SequenceFileWriterOptions) {
    this.compression = options.compression ?? 'NONE';
    if (this.compression !== 'NONE' && !options.codec) throw new RangeError(`a ${this.compression}-compressed SequenceFile needs a codec`);
    this.#codec = this.compression === 'NONE' ? undefined : options.codec;
    this.#blockSize = options.blockSize ?? SEQUENCE_FILE_BLOCK_SIZE;
    this.sync = Buffer.from(options.sync ?? randomBytes(16));
    if (this.sync.length !== 16) throw new RangeError('a SequenceFile sync marker has 16 bytes');
    const out = this.#out;
    out.write(Buffer.from('SEQ'));
    out.write(Buffer.from([SEQUENCE_FILE_VERSION]));
    out.write(textWritable(options.keyClass));
    out.write(textWritable(options.valueClass));
    out.write(Buffer.from([this.compression === 'NONE' ? 0 : 1, this.compression === 'BLOCK' ? 1 : 0]));
    if (this.#codec) out.write(textWritable(this.#codec.className));
    const metadata = options.metadata ?? [];
    out.int32(metadata.length);
    for (const [k, v] of metadata) {
      out.write(textWritable(k));
      out.write(textWritable(v));
    }
    out.write(this.sync);
    this.#position = out.length;
  }

  /** Writer.append(key, value); `value` may come in pieces (a length and the bytes). */
  append(key: Uint8Array, value: Uint8Array | readonly Uint8Array[]): void {
    const pieces = value instanceof Uint8Array ? [value] : value;
    let valueLength = 0;
    for (const p of pieces) valueLength += p.length;
    if (this.compression === 'BLOCK') {
      const b = this.#block;
      b.keyLengths.vlong(key.length);
      b.keys.write(key);
      b.valueLengths.vlong(valueLength);
      for (const p of pieces) b.values.write(p);
      b.records++;
      if (b.keys.length + b.values.length >= this.#blockSize) this.#writeBlock();
      return;
    }
    let compressed: Buffer | undefined;
    if (this.compression === 'RECORD') {
      // One small codec stream per value: synchronous, since it is as cheap as a hop to the thread pool.
      compressed = this.#codec!.compressSync(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
      valueLength = compressed.length;
    }
    if (this.#position >= this.#lastSyncPos + SEQUENCE_FILE_SYNC_INTERVAL) this.#writeSyncMarker();
    const out = this.#out;
    const start = out.length;
    out.reserve(8 + key.length + valueLength);
    out.int32(key.length + valueLength);
    out.int32(key.length);
    out.write(key);
    if (compressed) out.write(compressed);
    else for (const p of pieces) out.write(p);
    this.#position += out.length - start;
  }

  /** Writer.sync(): a sync point unless one is at the current position; BLOCK: the buffered block. */
  syncPoint(): void {
    if (this.compression === 'BLOCK') this.#writeBlock();
    else if (this.#lastSyncPos !== this.#position) this.#writeSyncMarker();
  }

  /** The bytes due so far, in file order (waiting for blocks being compressed). */
  async take(): Promise<Buffer> {
    this.#flushOut();
    const due = this.#due.splice(0);
    if (due.length === 0) return Buffer.alloc(0);
    const ready = await Promise.all(due);
    return ready.length === 1 ? ready[0]! : Buffer.concat(ready);
  }

  #flushOut(): void {
    if (this.#out.length > 0) this.#due.push(this.#out.takeAll());
  }

  #writeSyncMarker(): void {
    this.#out.int32(SYNC_ESCAPE);
    this.#out.write(this.sync);
    this.#position += 20;
    this.#lastSyncPos = this.#position;
  }

  #writeBlock(): void {
    const b = this.#block;
    if (b.records === 0) return;
    // Every block follows a sync point: Hadoop's lastSyncPos is never at the end of a block.
    this.#writeSyncMarker();
    this.#out.vlong(b.records);
    this.#flushOut();
    const codec = this.#codec!;
    const buffers = [b.keyLengths.copy(), b.keys.copy(), b.valueLengths.copy(), b.values.copy()];
    for (const buffer of [b.keyLengths, b.keys, b.valueLengths, b.values]) buffer.reset();
    b.records = 0;
    const block = Promise.all(buffers.map((data) => codec.compress(data))).then((compressed) => {
      const parts: Buffer[] = [];
      for (const c of compressed) parts.push(writableVLong(c.length), c);
      return Buffer.concat(parts);
    });
    block.catch(() => undefined); // raised by take()
    this.#due.push(block);
  }
}

export interface SequenceFileRecord {
  /** LongWritable → bigint; BytesWritable → its bytes; Text → its UTF-8 bytes; any other class: the serialised bytes. */
  key: bigint | Buffer;
  value: bigint | Buffer;
}

export interface SequenceFileContents {
  keyClass: string;
  valueClass: string;
  compression: SequenceFileCompression;
  codecClass: string | undefined;
  metadata: Array<[string, string]>;
  records: SequenceFileRecord[];
}

/** A SequenceFile that does not read: what was wrong and at which byte. */
export class SequenceFileFormatError extends Error {
  override name = 'SequenceFileFormatError';
}

function decodeWritable(className: string, raw: Buffer): bigint | Buffer {
  if (className === LONG_WRITABLE && raw.length === 8) return raw.readBigInt64BE(0);
  if (className === BYTES_WRITABLE && raw.length >= 4) return Buffer.from(raw.subarray(4, 4 + raw.readInt32BE(0)));
  if (className === TEXT) {
    const reader = new Cursor(raw, 'a Text value');
    const n = reader.vlong();
    return Buffer.from(reader.bytes(n));
  }
  return Buffer.from(raw);
}

class Cursor {
  at = 0;
  constructor(
    readonly data: Buffer,
    readonly what: string,
  ) {}
  fail(why: string): never {
    throw new SequenceFileFormatError(`not a SequenceFile this reader knows: ${why} (${this.what}, at byte ${this.at})`);
  }
  need(n: number): void {
    if (n < 0 || this.at + n > this.data.length) this.fail('truncated');
  }
  byte(): number {
    this.need(1);
    return this.data[this.at++]!;
  }
  int32(): number {
    this.need(4);
    const v = this.data.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  vlong(): number {
    const first = (this.byte() << 24) >> 24;
    if (first >= -112) return first;
    const negative = first < -120;
    const n = negative ? -(first + 120) : -(first + 112);
    let v = 0n;
    for (let b = 0; b < n; b++) v = (v << 8n) | BigInt(this.byte());
    return Number(negative ? ~v : v);
  }
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  text(): string {
    return this.bytes(this.vlong()).toString('utf8');
  }
  get done(): boolean {
    return this.at >= this.data.length;
  }
}

/** Reads a whole SequenceFile (version 6; NONE, RECORD or BLOCK with the gzip, default or deflate codec). */
export function readSequenceFile(bytes: Uint8Array): SequenceFileContents {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c = new Cursor(data, 'the file');
  if (data.subarray(0, 3).toString('latin1') !== 'SEQ') c.fail('no SEQ header');
  c.at = 3;
  const version = c.byte();
  if (version !== SEQUENCE_FILE_VERSION) c.fail(`version ${version} (6 is read)`);
  const keyClass = c.text();
  const valueClass = c.text();
  const compressed = c.byte() !== 0;
  const blockCompressed = c.byte() !== 0;
  const compression: SequenceFileCompression = blockCompressed ? 'BLOCK' : compressed ? 'RECORD' : 'NONE';
  let codecClass: string | undefined;
  let codec: CompressionCodec | undefined;
  if (compressed) {
    codecClass = c.text();
    try {
      codec = compressionCodecFor(codecClass);
    } catch (error) {
      c.fail((error as Error).message);
    }
    if (!codec) c.fail(`unknown codec ${codecClass}`);
  }
  const metadata: Array<[string, string]> = [];
  const entries = c.int32();
  if (entries < 0) c.fail(`${entries} metadata entries`);
  for (let i = 0; i < entries; i++) metadata.push([c.text(), c.text()]);
  const sync = c.bytes(16);
  const records: SequenceFileRecord[] = [];
  const decompress = (what: Buffer): Buffer => {
    try {
      return codec!.decompressSync(what);
    } catch (error) {
      return c.fail(`a ${codecClass} stream that does not decompress: ${(error as Error).message}`);
    }
  };
  const expectSync = () => {
    if (!c.bytes(16).equals(sync)) c.fail("a sync marker that is not the header's");
  };
  while (!c.done) {
    if (compression === 'BLOCK') {
      if (c.int32() !== SYNC_ESCAPE) c.fail('a block without its sync point');
      expectSync();
      const count = c.vlong();
      const [keyLengths, keys, valueLengths, values] = [0, 1, 2, 3].map(() => new Cursor(decompress(c.bytes(c.vlong())), 'a block'));
      for (let i = 0; i < count; i++) {
        const key = keys!.bytes(keyLengths!.vlong());
        const value = values!.bytes(valueLengths!.vlong());
        records.push({ key: decodeWritable(keyClass, key), value: decodeWritable(valueClass, value) });
      }
      continue;
    }
    const length = c.int32();
    if (length === SYNC_ESCAPE) {
      expectSync();
      continue;
    }
    const keyLength = c.int32();
    if (keyLength < 0 || keyLength > length) c.fail(`key length ${keyLength} of a ${length}-byte record`);
    const key = c.bytes(keyLength);
    let value = c.bytes(length - keyLength);
    if (compression === 'RECORD') value = decompress(value);
    records.push({ key: decodeWritable(keyClass, key), value: decodeWritable(valueClass, value) });
  }
  return { keyClass, valueClass, compression, codecClass, metadata, records };
}
