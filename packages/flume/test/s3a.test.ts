import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { HdfsEventSink, MemoryChannel, parseSinkConfig, textEvent } from '@hadoopfs/flume';
import { radosgw, type Radosgw } from '../../../test/fixtures/radosgw.js';

// The HDFS sink writing to s3a:// on the real radosgw: it commits a transaction only on a durable flush
// (fs.s3a.flush.enable), and a sink that died after a commit is recovered by the next one's start-up.

let gateway: Radosgw;
const bucket = `flume-s3a-${process.pid}`;
beforeAll(async () => {
  gateway = await radosgw();
  const sdk = new S3Client({ endpoint: gateway.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey } });
  await sdk.send(new CreateBucketCommand({ Bucket: bucket }));
  sdk.destroy();
}, 180_000);
// FileSystem.get caches one instance per bucket: each test brings its own configuration.
afterEach(() => FileSystem.closeAll());
afterAll(() => FileSystem.closeAll());

const conf = (flush: boolean) =>
  new Configuration({ loadDefaults: false })
    .set('fs.s3a.endpoint', gateway.endpoint)
    .set('fs.s3a.path.style.access', 'true')
    .set('fs.s3a.access.key', gateway.accessKeyId)
    .set('fs.s3a.secret.key', gateway.secretAccessKey)
    .set('fs.s3a.flush.enable', flush)
    .set('fs.s3a.flush.lease', '0s');

const sink = (c: Configuration, path: string) =>
  new HdfsEventSink(parseSinkConfig(new Map(Object.entries({ 'hdfs.path': path, 'hdfs.fileType': 'DataStream', 'hdfs.useLocalTimeStamp': 'true', 'hdfs.rollCount': '0', 'hdfs.rollSize': '0', 'hdfs.rollInterval': '0', 'hdfs.batchSize': '10' }))).config, { conf: c });

async function contentsUnder(fs: FileSystem, dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const status of fs.listFiles(dir, true)) out[status.path.getName()] = (await fs.readFile(status.path)).toString();
  return out;
}

describe('the Flume HDFS sink on s3a:// (radosgw)', () => {
  it('refuses to start where flush is not durable, naming s3a’s key', async () => {
    await expect(sink(conf(false), `s3a://${bucket}/refused`).start()).rejects.toThrow(/s3a:\/\/flume-s3a-\d+ declares neither durable flush nor hflush.*fs\.s3a\.flush\.enable = true/);
  });

  it('commits on a durable flush; after the sink died, the next start-up recovers every committed event', async () => {
    const first = sink(conf(true), `s3a://${bucket}/events`);
    await first.start();
    const channel = new MemoryChannel(100, 10);
    await channel.put(Array.from({ length: 10 }, (_, i) => textEvent(`e${i}`, {})));
    expect(await first.process(channel)).toBe('READY');
    expect(first.metrics.eventsCommitted).toBe(10);
    // The sink dies: never stopped, its file never closed. The next one's start-up recovers it.
    const second = sink(conf(true), `s3a://${bucket}/events`);
    await second.start();
    await second.stop();
    const fs = await FileSystem.newInstance(`s3a://${bucket}/`, conf(false));
    const files = await contentsUnder(fs, '/events');
    expect(Object.values(files)).toEqual([Array.from({ length: 10 }, (_, i) => `e${i}\n`).join('')]);
    expect(Object.keys(files)[0]).not.toMatch(/\.tmp$/);
    await fs.close();
  });
});
