import { afterEach, describe, expect, it } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/memory';
import { HdfsEventSink, MemoryChannel, parseSinkConfig, readSequenceFile, SEQUENCE_FILE_SYNC_INTERVAL, SequenceFileWriter, textEvent, writableVLong } from '@hadoopfs/flume';

// Issue 11, finding 5: hdfs.fileType = SequenceFile, Flume's default, in Hadoop's format (version 6).

const SYNC = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

afterEach(async () => {
  await FileSystem.closeAll();
});

/** Bytes spelled out from the format's description (SequenceFile.java's comment), not from our writer. */
function expectedHeader(valueClass: string): Buffer {
  const key = 'org.apache.hadoop.io.LongWritable';
  return Buffer.concat([
    Buffer.from([0x53, 0x45, 0x51, 0x06]), // "SEQ", version 6
    Buffer.from([key.length]),
    Buffer.from(key, 'ascii'),
    Buffer.from([valueClass.length]),
    Buffer.from(valueClass, 'ascii'),
    Buffer.from([0x00, 0x00]), // compression, block compression: false
    Buffer.from([0x00, 0x00, 0x00, 0x00]), // metadata: no entries
    SYNC,
  ]);
}

describe('SequenceFile', () => {
  it('writes the header and records of Hadoop version 6 byte for byte (writeFormat Writable and Text)', () => {
    const writable = new SequenceFileWriter('Writable', SYNC);
    const event = textEvent('hello', { timestamp: '1700000000000' });
    const bytes = Buffer.concat([writable.header(), writable.records([event])]);
    expect(bytes.toString('hex')).toBe(
      Buffer.concat([
        expectedHeader('org.apache.hadoop.io.BytesWritable'),
        Buffer.from('00000011' + '00000008' + '0000018bcfe56800' + '00000005', 'hex'), // 17 = 8 + 4 + 5; key 1700000000000
        Buffer.from('hello'),
      ]).toString('hex'),
    );
    const text = new SequenceFileWriter('Text', SYNC);
    const textBytes = Buffer.concat([text.header(), text.records([event])]);
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

  it('puts a sync point before the first record 100 KB after the last, and one at each flush', () => {
    const writer = new SequenceFileWriter('Writable', SYNC);
    const body = 'x'.repeat(1000);
    const parts = [writer.header()];
    for (let i = 0; i < 250; i++) parts.push(writer.records([textEvent(body, { timestamp: String(i) })]));
    parts.push(writer.syncAtFlush());
    expect(writer.syncAtFlush().length).toBe(0);
    const file = Buffer.concat(parts);
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
    expect(read.records.map((r) => Number(r.key))).toEqual(Array.from({ length: 250 }, (_, i) => i));
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
    expect(read.records.map((r) => [Number(r.key), r.value.toString()])).toEqual([[1000, 'a'], [1001, 'b'], [1002, 'c'], [1003, 'd'], [1004, 'e']]);
    expect(file.subarray(file.length - 20, file.length - 16).toString('hex')).toBe('ffffffff');
  });

  it('refuses what it cannot write yet, naming the key', () => {
    expect(() => parseSinkConfig(new Map(Object.entries({ 'hdfs.path': 'mem://x/', 'hdfs.codeC': 'gzip' })))).toThrow(/compressed SequenceFiles are not written yet/);
    expect(() => parseSinkConfig(new Map(Object.entries({ 'hdfs.path': 'mem://x/', 'hdfs.writeFormat': 'Avro' })))).toThrow(/hdfs.writeFormat: "Avro" is not Writable or Text/);
  });
});
