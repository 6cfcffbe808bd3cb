import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Configuration,
  DEFAULT_CODEC,
  FileSystem,
  GZIP_CODEC,
  readSequenceFile,
  SEQUENCE_FILE_SYNC_INTERVAL,
  SequenceFileFormatError,
  SequenceFileWriter,
  writableVLong,
} from '@hadoopfs/core';
import '@hadoopfs/memory';
import { FlumeSequenceFile, HdfsEventSink, MemoryChannel, parseSinkConfig, textEvent } from '@hadoopfs/flume';

// Issue 11, finding 5: hdfs.fileType = SequenceFile, Flume's default, in Hadoop's format (version 6).

const SYNC = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

afterEach(async () => {
  await FileSystem.closeAll();
});

/** Bytes spelled out from the format's description (SequenceFile.java's comment), not from our writer. */
function expectedHeader(valueClass: string, compression: { record: boolean; block: boolean; codec?: string } = { record: false, block: false }): Buffer {
  const key = 'org.apache.hadoop.io.LongWritable';
  const codec = compression.codec ? [Buffer.from([compression.codec.length]), Buffer.from(compression.codec, 'ascii')] : [];
  return Buffer.concat([
    Buffer.from([0x53, 0x45, 0x51, 0x06]), // "SEQ", version 6
    Buffer.from([key.length]),
    Buffer.from(key, 'ascii'),
    Buffer.from([valueClass.length]),
    Buffer.from(valueClass, 'ascii'),
    Buffer.from([compression.record || compression.block ? 1 : 0, compression.block ? 1 : 0]), // compressed, block-compressed
    ...codec, // the codec's class name, when compressed
    Buffer.from([0x00, 0x00, 0x00, 0x00]), // metadata: no entries
    SYNC,
  ]);
}

const be32 = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const key8 = (n: number) => Buffer.from(BigInt(n).toString(16).padStart(16, '0'), 'hex');

describe('SequenceFile', () => {
  it('writes the header and records of Hadoop version 6 byte for byte (writeFormat Writable and Text)', async () => {
    const writable = new FlumeSequenceFile('Writable', undefined, SYNC);
    const event = textEvent('hello', { timestamp: '1700000000000' });
    writable.append([event]);
    const bytes = await writable.take();
    expect(bytes.toString('hex')).toBe(
      Buffer.concat([
        expectedHeader('org.apache.hadoop.io.BytesWritable'),
        Buffer.from('00000011' + '00000008' + '0000018bcfe56800' + '00000005', 'hex'), // 17 = 8 + 4 + 5; key 1700000000000
        Buffer.from('hello'),
      ]).toString('hex'),
    );
    const text = new FlumeSequenceFile('Text', undefined, SYNC);
    text.append([event]);
    const textBytes = await text.take();
    expect(textBytes.toString('hex')).toBe(
      Buffer.concat([expectedHeader('org.apache.hadoop.io.Text'), Buffer.from('0000000e' + '00000008' + '0000018bcfe56800' + '05', 'hex'), Buffer.from('hello')]).toString('hex'),
    );
  });

  it("encodes variable-length integers as Hadoop's WritableUtils does", () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [127, '7f'],
      [-112, '90'],
      [128, '8f80'],
      [255, '8fff'],
      [256, '8e0100'],
      [-113, '8770'],
      [-256, '87ff'],
      [2 ** 31, '8c80000000'],
    ];
    for (const [value, hex] of cases) expect(writableVLong(value).toString('hex'), String(value)).toBe(hex);
  });

  it('puts a sync point before the first record 100 KB after the last, and one at each flush', async () => {
    const writer = new FlumeSequenceFile('Writable', undefined, SYNC);
    const body = 'x'.repeat(1000);
    for (let i = 0; i < 250; i++) writer.append([textEvent(body, { timestamp: String(i) })]);
    writer.syncPoint();
    const file = await writer.take();
    writer.syncPoint();
    expect((await writer.take()).length).toBe(0);
    const marker = Buffer.concat([Buffer.from('ffffffff', 'hex'), SYNC]);
    const syncs: number[] = [];
    for (let at = file.indexOf(marker, 100); at >= 0; at = file.indexOf(marker, at + 1)) syncs.push(at);
    // Record size 4 + 4 + 8 + 4 + 1000; the first sync comes at the first record boundary past 102 400.
    const header = expectedHeader('org.apache.hadoop.io.BytesWritable').length;
    const first = header + Math.ceil((SEQUENCE_FILE_SYNC_INTERVAL - header) / 1020) * 1020;
    expect(syncs[0]).toBe(first);
    expect(syncs.at(-1)).toBe(file.length - 20);
    const read = readSequenceFile(file);
    expect(read.records).toHaveLength(250);
    expect(read.records.map((r) => Number(r.key as bigint))).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(read.records.every((r) => r.value.toString() === body)).toBe(true);
  });

  it("the sink writes SequenceFile by default (Flume's), each flushed batch ending at a sync point", async () => {
    const context = new Map(Object.entries({ 'hdfs.path': 'mem://seq/flume', 'hdfs.batchSize': '3', 'hdfs.rollCount': '0', 'hdfs.rollSize': '0', 'hdfs.rollInterval': '0' }));
    const { config } = parseSinkConfig(context);
    expect(config.fileType).toBe('SequenceFile');
    const conf = new Configuration({ loadDefaults: false });
    const sink = new HdfsEventSink(config, { conf });
    const channel = new MemoryChannel(100, 3);
    await channel.put(['a', 'b', 'c', 'd', 'e'].map((b, i) => textEvent(b, { timestamp: String(1000 + i) })));
    await sink.process(channel);
    await sink.process(channel);
    await sink.stop();
    const fs = await FileSystem.get('mem://seq/', conf);
    const [status] = await fs.listStatus('/flume');
    await using input = await fs.open(status!.path);
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(Buffer.from(c));
    const file = Buffer.concat(chunks);
    const read = readSequenceFile(file);
    expect(read.valueClass).toBe('org.apache.hadoop.io.BytesWritable');
    expect(read.records.map((r) => [Number(r.key as bigint), r.value.toString()])).toEqual([[1000, 'a'], [1001, 'b'], [1002, 'c'], [1003, 'd'], [1004, 'e']]);
    expect(file.subarray(file.length - 20, file.length - 16).toString('hex')).toBe('ffffffff');
  });

  it('RECORD compression: each value a codec stream of its own, byte for byte (DefaultCodec = zlib)', async () => {
    const writer = new SequenceFileWriter({
      keyClass: 'org.apache.hadoop.io.LongWritable',
      valueClass: 'org.apache.hadoop.io.BytesWritable',
      compression: 'RECORD',
      codec: DEFAULT_CODEC,
      sync: SYNC,
    });
    writer.append(key8(7), Buffer.concat([be32(5), Buffer.from('hello')]));
    writer.append(key8(8), Buffer.concat([be32(2), Buffer.from('hi')]));
    const file = await writer.take();
    const value1 = deflateSync(Buffer.concat([be32(5), Buffer.from('hello')]));
    const value2 = deflateSync(Buffer.concat([be32(2), Buffer.from('hi')]));
    expect(file.toString('hex')).toBe(
      Buffer.concat([
        expectedHeader('org.apache.hadoop.io.BytesWritable', { record: true, block: false, codec: 'org.apache.hadoop.io.compress.DefaultCodec' }),
        be32(8 + value1.length), be32(8), key8(7), value1,
        be32(8 + value2.length), be32(8), key8(8), value2,
      ]).toString('hex'),
    );
    expect(value1.subarray(0, 2).toString('hex')).toBe('789c'); // the zlib format's header, as Hadoop's ZlibCompressor writes
    const read = readSequenceFile(file);
    expect(read.compression).toBe('RECORD');
    expect(read.records.map((r) => [r.key, r.value.toString()])).toEqual([[7n, 'hello'], [8n, 'hi']]);
  });

  it('BLOCK compression: a sync point, the record count, then four codec streams, byte for byte (GzipCodec)', async () => {
    const writer = new FlumeSequenceFile('Writable', GZIP_CODEC, SYNC);
    writer.append([textEvent('ab', { timestamp: '1' }), textEvent('cde', { timestamp: '2' })]);
    writer.syncPoint(); // Flume's flush: the buffered block is written
    const file = await writer.take();
    const stream = (b: Buffer) => Buffer.concat([Buffer.from([gzipSync(b).length]), gzipSync(b)]);
    expect(file.toString('hex')).toBe(
      Buffer.concat([
        expectedHeader('org.apache.hadoop.io.BytesWritable', { record: true, block: true, codec: 'org.apache.hadoop.io.compress.GzipCodec' }),
        be32(0xffffffff), SYNC, // every block follows a sync point
        Buffer.from([2]), // records in the block
        stream(Buffer.from([8, 8])), // key lengths (vints)
        stream(Buffer.concat([key8(1), key8(2)])), // keys
        stream(Buffer.from([4 + 2, 4 + 3])), // value lengths (vints)
        stream(Buffer.concat([be32(2), Buffer.from('ab'), be32(3), Buffer.from('cde')])), // values
      ]).toString('hex'),
    );
    writer.syncPoint();
    expect((await writer.take()).length).toBe(0); // no records buffered: no block
    const read = readSequenceFile(file);
    expect([read.compression, read.codecClass]).toEqual(['BLOCK', 'org.apache.hadoop.io.compress.GzipCodec']);
    expect(read.records.map((r) => [r.key, r.value.toString()])).toEqual([[1n, 'ab'], [2n, 'cde']]);
  });

  it('BLOCK compression writes a block once its keys and values reach io.seqfile.compress.blocksize', async () => {
    const writer = new SequenceFileWriter({ keyClass: 'k', valueClass: 'v', compression: 'BLOCK', codec: DEFAULT_CODEC, sync: SYNC, blockSize: 100 });
    for (let i = 0; i < 25; i++) writer.append(Buffer.alloc(2, i), Buffer.alloc(8, i)); // 10 bytes a record: a block every 10
    const file = await writer.take();
    const marker = Buffer.concat([be32(0xffffffff), SYNC]);
    let blocks = 0;
    for (let at = file.indexOf(marker, 20); at >= 0; at = file.indexOf(marker, at + 1)) blocks++;
    expect(blocks).toBe(2); // 20 records written, 5 still buffered
    writer.syncPoint();
    const read = readSequenceFile(Buffer.concat([file, await writer.take()]));
    expect(read.records).toHaveLength(25);
    expect(read.records[24]).toEqual({ key: Buffer.alloc(2, 24), value: Buffer.alloc(8, 24) });
  });

  it('the sink with hdfs.codeC writes BLOCK-compressed SequenceFiles named with the codec extension, a block per flush', async () => {
    const context = new Map(Object.entries({ 'hdfs.path': 'mem://seqz/flume', 'hdfs.codeC': 'gzip', 'hdfs.batchSize': '3', 'hdfs.rollCount': '0', 'hdfs.rollSize': '0', 'hdfs.rollInterval': '0' }));
    const conf = new Configuration({ loadDefaults: false });
    const sink = new HdfsEventSink(parseSinkConfig(context).config, { conf });
    const channel = new MemoryChannel(100, 3);
    await channel.put(['a', 'b', 'c', 'd', 'e'].map((b, i) => textEvent(b, { timestamp: String(1000 + i) })));
    await sink.process(channel);
    const fs = await FileSystem.get('mem://seqz/', conf);
    const [open] = await fs.listStatus('/flume');
    expect(open!.path.getName()).toMatch(/^FlumeData\.\d+\.gz\.tmp$/);
    await sink.process(channel);
    await sink.stop();
    const [status] = await fs.listStatus('/flume');
    expect(status!.path.getName()).toMatch(/^FlumeData\.\d+\.gz$/);
    await using input = await fs.open(status!.path);
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(Buffer.from(c));
    const file = Buffer.concat(chunks);
    const read = readSequenceFile(file);
    expect([read.compression, read.codecClass]).toEqual(['BLOCK', 'org.apache.hadoop.io.compress.GzipCodec']);
    expect(read.records.map((r) => [r.key, r.value.toString()])).toEqual([[1000n, 'a'], [1001n, 'b'], [1002n, 'c'], [1003n, 'd'], [1004n, 'e']]);
    // The header ends with the codec's name, the metadata count (4 bytes) and the 16-byte sync marker.
    const syncAt = file.indexOf('GzipCodec') + 'GzipCodec'.length + 4;
    const marker = Buffer.concat([be32(0xffffffff), file.subarray(syncAt, syncAt + 16)]);
    let blocks = 0;
    for (let at = file.indexOf(marker); at >= 0; at = file.indexOf(marker, at + 1)) blocks++;
    expect(blocks).toBe(2); // one per flushed batch (3 events, then 2)
  });

  it('a damaged file is refused naming what and where; codecs that are not here are named', async () => {
    const writer = new FlumeSequenceFile('Writable', undefined, SYNC);
    writer.append([textEvent('hello', { timestamp: '1' })]);
    const file = await writer.take();
    expect(() => readSequenceFile(file.subarray(0, file.length - 2))).toThrow(SequenceFileFormatError);
    expect(() => readSequenceFile(file.subarray(0, file.length - 2))).toThrow(/truncated \(the file, at byte \d+\)/);
    expect(() => readSequenceFile(Buffer.from('SEQ\x05'))).toThrow(/version 5/);
    const flagged = Buffer.from(file);
    flagged[4 + 1 + 33 + 1 + 34] = 1; // "compressed" (after SEQ 6 and the two class names), with no codec name after it
    expect(() => readSequenceFile(flagged)).toThrow(SequenceFileFormatError);
    const block = new FlumeSequenceFile('Writable', GZIP_CODEC, SYNC);
    block.append([textEvent('x', {})]);
    block.syncPoint();
    const z = await block.take();
    z[z.length - 5] = z[z.length - 5]! ^ 0xff; // a flipped byte in the last gzip stream (its CRC-32)
    expect(() => readSequenceFile(z)).toThrow(/GzipCodec stream that does not decompress/);
  });

  it('refuses what it cannot write, naming the key', () => {
    const parse = (extra: Record<string, string>) => () => parseSinkConfig(new Map(Object.entries({ 'hdfs.path': 'mem://x/', ...extra })));
    expect(parse({ 'hdfs.codeC': 'bzip2' })).toThrow(/hdfs.codeC.*compression codec BZip2Codec is not available here \(gzip, deflate and default are\)/);
    expect(parse({ 'hdfs.codeC': 'zip' })).toThrow(/hdfs.codeC.*unknown codec "zip"/);
    expect(parse({ 'hdfs.codeC': 'gzip', 'hdfs.fileType': 'DataStream' })).toThrow(/DataStream does not support compressed output/);
    expect(parse({ 'hdfs.writeFormat': 'Avro' })).toThrow(/hdfs.writeFormat: "Avro" is not Writable or Text/);
    expect(parseSinkConfig(new Map(Object.entries({ 'hdfs.path': 'mem://x/', 'hdfs.codeC': 'DeflateCodec' }))).config.codec?.className).toBe('org.apache.hadoop.io.compress.DeflateCodec');
  });
});
