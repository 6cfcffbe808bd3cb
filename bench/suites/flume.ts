/**
 * Issue 6's goal: events through the HDFS sink (batchSize 100 000, 200-byte events, JindoOSS with durable
 * flush, one OSS-protocol server in a child process) at ≥ 0.8 of the byte rate of writing the same bytes
 * with ali-oss directly (multipartUpload, 8 MiB parts ×4).
 */
import OSS from 'ali-oss';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/jindo';
import { HdfsEventSink, MemoryChannel, parseSinkConfig, type FlumeEvent } from '@hadoopfs/flume';
import { BENCH, spawnOssServer } from '../servers.js';
import type { BenchCase } from '../harness.js';

const { id: ID, secret: SECRET, bucket: BUCKET } = BENCH;


export async function flumeCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void> }> {
  const batch = 100_000;
  const total = quick ? 100_000 : 500_000;
  const server = await spawnOssServer();
  const conf = new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.jfs.cache.oss.flush.enable', 'true');
  const timestamp = String(Date.UTC(2026, 10, 26, 12));
  const events: FlumeEvent[] = Array.from({ length: total }, (_, i) => ({
    headers: { timestamp },
    body: Buffer.from(`event ${String(i).padStart(8, '0')} `.padEnd(199, 'x')),
  }));
  const bytes = Buffer.concat(events.flatMap((e) => [Buffer.from(e.body), Buffer.from('\n')]));
  const oss = new OSS({ endpoint: server.endpoint, accessKeyId: ID, accessKeySecret: SECRET, bucket: BUCKET, secure: false, timeout: 600_000 });
  let run = 0;
  const cases: BenchCase[] = [
    {
      suite: 'flume sink',
      name: `${total} events of 200 B, batchSize ${batch}, durable flush`,
      baselineLabel: 'ali-oss multipartUpload, same bytes',
      goal: { maxRatio: 1 / 0.8 },
      rounds: 3,
      baseline: async () => void (await oss.multipartUpload(`raw-${run}`, bytes, { partSize: 8 * 1024 * 1024, parallel: 4 })),
      ours: async () => {
        const context = new Map(
          Object.entries({
            'hdfs.path': `oss://${BUCKET}/flume-${++run}/%Y-%m-%d/%H`,
            'hdfs.fileType': 'DataStream',
            'hdfs.batchSize': String(batch),
            'hdfs.rollInterval': '0',
            'hdfs.rollSize': '0',
            'hdfs.rollCount': '0',
          }),
        );
        const sink = new HdfsEventSink(parseSinkConfig(context).config, { conf });
        const channel = new MemoryChannel(batch, batch);
        for (let i = 0; i < total; i += batch) {
          await channel.put(events.slice(i, i + batch));
          if ((await sink.process(channel)) !== 'READY') throw new Error('a batch was rolled back');
        }
        await sink.stop();
        if (sink.metrics.eventsCommitted !== total) throw new Error('not every event was committed');
      },
    },
  ];
  return {
    cases,
    close: async () => {
      await FileSystem.closeAll();
      server.child.kill('SIGTERM');
    },
  };
}
