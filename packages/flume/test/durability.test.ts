import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { HdfsEventSink, MemoryChannel, parseSinkConfig, textEvent } from '@hadoopfs/flume';
import type { JindoOssFileSystem } from '@hadoopfs/jindo';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';

// Issue 11, finding 6: the sink commits after hflush, so hflush must survive a crash. On a store whose
// flush does nothing (oss:// without durable flush) it refuses to start, unless the operator accepts the loss.

const ID = 'flume-durability';
const SECRET = 'flume-durability-secret';
let server: RunningOssServer;
beforeAll(async () => {
  server = await startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets: ['logs'] });
});
afterEach(async () => {
  // FileSystem.get caches one instance per bucket: each test brings its own configuration.
  await FileSystem.closeAll();
});
afterAll(async () => {
  await server.close();
});

function ossConf(flush: boolean): Configuration {
  return new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.jfs.cache.oss.flush.enable', flush);
}

function sink(conf: Configuration, extra: Record<string, string> = {}, log?: (line: string) => void): HdfsEventSink {
  const context = new Map(Object.entries({ 'hdfs.path': 'oss://logs/flume/%Y', 'hdfs.fileType': 'DataStream', 'hdfs.useLocalTimeStamp': 'true', ...extra }));
  return new HdfsEventSink(parseSinkConfig(context).config, { conf, ...(log ? { log } : {}) });
}

describe('start-up tidies orphan uploads (issue 11, finding 3)', () => {
  it('multipart uploads under the sink path that no flush names, past the purge age, are aborted at start', async () => {
    // A lease and a purge age of 0: every unnamed upload is past them (ages on OSS's clock, in seconds).
    const conf = ossConf(true).set('fs.jfs.cache.flush.lease', '0s').set('fs.jfs.cache.flush.purge.age', '0s');
    const fs = (await FileSystem.newInstance('oss://logs/', conf)) as JindoOssFileSystem;
    const orphan = await fs.client.initUpload('orphans/FlumeData.7.tmp');
    const elsewhere = await fs.client.initUpload('not-ours/x');
    const restarted = sink(conf, { 'hdfs.path': 'oss://logs/orphans' });
    await restarted.start();
    const left = server.store.listUploads('logs', '').map((u) => u.id);
    expect(left).not.toContain(orphan);
    // Outside the sink's path: not ours to touch.
    expect(left).toContain(elsewhere);
    await restarted.stop();
    await fs.client.abort('not-ours/x', elsewhere);
    await fs.close();
  });
});

describe('the sink commits only on a durable flush', () => {
  it('refuses to start on oss:// whose flush is not durable, naming the keys that fix it', async () => {
    const refused = sink(ossConf(false));
    await expect(refused.start()).rejects.toThrow(
      /oss:\/\/logs declares neither durable flush nor hflush.*fs\.jfs\.cache\.oss\.flush\.enable = true.*hdfs\.acceptLossOnCrash = true/,
    );
  });

  it('starts with durable flush, and commits events that are then in the bucket', async () => {
    const durable = sink(ossConf(true));
    await durable.start();
    const channel = new MemoryChannel(10, 10);
    await channel.put([textEvent('e1', {}), textEvent('e2', {})]);
    expect(await durable.process(channel)).toBe('READY');
    await durable.stop();
    expect(durable.metrics.eventsCommitted).toBe(2);
    const fs = await FileSystem.newInstance('oss://logs/', ossConf(true));
    const contents: string[] = [];
    for await (const status of fs.listFiles('/flume', true)) {
      await using input = await fs.open(status.path);
      const chunks: Buffer[] = [];
      for await (const c of input) chunks.push(Buffer.from(c));
      contents.push(Buffer.concat(chunks).toString());
    }
    expect(contents).toEqual(['e1\ne2\n']);
    await fs.close();
  });

  it('with hdfs.acceptLossOnCrash = true it starts, and says what is at stake', async () => {
    const lines: string[] = [];
    const accepted = sink(ossConf(false), { 'hdfs.acceptLossOnCrash': 'true' }, (line) => lines.push(line));
    await accepted.start();
    expect(lines.some((l) => /WARNING: oss:\/\/logs does not make flushes durable; hdfs.acceptLossOnCrash = true/.test(l))).toBe(true);
    await accepted.stop();
  });

  it('a failed flush retires the stream (issue 11, finding 7): committed events kept exactly, the batch delivered again into a new file', async () => {
    const conf = ossConf(true).set('fs.oss.attempts.maximum', 1);
    const errors: string[] = [];
    const context = new Map(Object.entries({ 'hdfs.path': 'oss://logs/retire', 'hdfs.fileType': 'DataStream', 'hdfs.batchSize': '5', 'hdfs.rollCount': '0', 'hdfs.rollSize': '0', 'hdfs.rollInterval': '0' }));
    const retiring = new HdfsEventSink(parseSinkConfig(context).config, { conf, log: (l) => errors.push(l) });
    await retiring.start();
    const channel = new MemoryChannel(100, 5);
    await channel.put(Array.from({ length: 10 }, (_, i) => textEvent(`e${i}`, { timestamp: '0' })));
    expect(await retiring.process(channel)).toBe('READY');
    // The second batch's manifest is refused: its flush fails, the transaction rolls back.
    server.faults.add({ apis: ['PutObject'], keyPattern: 'manifest$', nth: 1, action: { type: 'error', status: 500, code: 'InternalError' } });
    expect(await retiring.process(channel)).toBe('BACKOFF');
    server.faults.clear();
    expect(channel.size).toBe(5);
    // Delivered again: the old file is finished with its committed five, the batch goes to a new one.
    expect(await retiring.process(channel)).toBe('READY');
    await retiring.stop();
    const fs = await FileSystem.newInstance('oss://logs/', ossConf(true));
    const contents: string[] = [];
    for await (const status of fs.listFiles('/retire', true)) {
      expect(status.path.getName()).not.toMatch(/\.tmp$/);
      await using input = await fs.open(status.path);
      const chunks: Buffer[] = [];
      for await (const c of input) chunks.push(Buffer.from(c));
      contents.push(Buffer.concat(chunks).toString());
    }
    expect(contents.sort()).toEqual(['e0\ne1\ne2\ne3\ne4\n', 'e5\ne6\ne7\ne8\ne9\n']);
    await fs.close();
  });

  it('start-up leaves in use a file whose writer is within its lease (issue 11, finding 1)', async () => {
    const fs = await FileSystem.newInstance('oss://logs/', ossConf(true));
    // An in-use file, and a writer of it that flushed and is (as far as anyone can tell) alive.
    await writeText(fs, '/order/FlumeData.1.tmp', 'old\n');
    const live = await fs.create('/order/FlumeData.1.tmp', { overwrite: true });
    await live.write('flushed\n');
    await live.hflush();
    const lines: string[] = [];
    const restarted = sink(ossConf(true), { 'hdfs.path': 'oss://logs/order' }, (l) => lines.push(l));
    expect(await restarted.start()).toBe(0);
    expect(await fs.exists('/order/FlumeData.1.tmp')).toBe(true);
    expect(await fs.exists('/order/FlumeData.1')).toBe(false);
    expect(lines.some((l) => /FlumeData\.1\.tmp left in use: its flushed bytes are not recovered yet/.test(l))).toBe(true);
    await restarted.stop();
    await live.close();
    await fs.close();
  });

  it('start-up removes X.tmp when X holds the same bytes (a rename cut between copy and delete), keeps both otherwise (finding 2)', async () => {
    const fs = await FileSystem.newInstance('oss://logs/', ossConf(true));
    await writeText(fs, '/cut/FlumeData.1', 'same\n');
    await writeText(fs, '/cut/FlumeData.1.tmp', 'same\n');
    await writeText(fs, '/cut/FlumeData.2', 'one\n');
    await writeText(fs, '/cut/FlumeData.2.tmp', 'two\n');
    const lines: string[] = [];
    const restarted = sink(ossConf(true), { 'hdfs.path': 'oss://logs/cut' }, (l) => lines.push(l));
    await restarted.start();
    expect(await fs.exists('/cut/FlumeData.1.tmp')).toBe(false);
    expect(await fs.exists('/cut/FlumeData.1')).toBe(true);
    expect(await fs.exists('/cut/FlumeData.2.tmp')).toBe(true);
    expect(lines.some((l) => /FlumeData\.2\.tmp not renamed: .*FlumeData\.2 exists with other content/.test(l))).toBe(true);
    await restarted.stop();
    await fs.close();
  });
});

async function writeText(fs: FileSystem, path: string, text: string): Promise<void> {
  const out = await fs.create(path, { overwrite: true });
  await out.write(text);
  await out.close();
}

describe('hdfs.callTimeout cuts the call (Flume cancels its future)', () => {
  it('a flush the store sits on times out, is cut rather than left blocking the file, and the next flush commits', async () => {
    // The socket timeout is ten minutes: only the cut can free the stream within the test.
    const conf = ossConf(true).set('fs.oss.connection.timeout', '10m');
    const timed = sink(conf, { 'hdfs.path': 'oss://logs/timeouts', 'hdfs.callTimeout': '300' });
    await timed.start();
    server.faults.add({ apis: ['PutObject'], keyPattern: '^tmp/timeouts/.*manifest$', times: 1, action: { type: 'hang' } });
    const channel = new MemoryChannel(10, 10);
    await channel.put([textEvent('e1', {})]);
    expect(await timed.process(channel)).toBe('BACKOFF');
    expect(timed.metrics.eventsCommitted).toBe(0);
    // The event came back to the channel; the same file flushes it now.
    expect(await timed.process(channel)).toBe('READY');
    expect(timed.metrics.eventsCommitted).toBe(1);
    await timed.stop();
    const fs = await FileSystem.newInstance('oss://logs/', conf);
    const contents: string[] = [];
    for await (const status of fs.listFiles('/timeouts', true)) contents.push((await fs.readFile(status.path)).toString());
    expect(contents.join('')).toContain('e1\n');
  });
});
