/**
 * Issue 11's goals. Events through the HDFS sink (200-byte events, JindoOSS with durable flush, one
 * OSS-protocol server in a child process) against writing the same bytes with ali-oss directly
 * (multipartUpload, 8 MiB parts ×4): batch 100 000 with the memory channel ≥ 0.8 of its byte rate, with
 * the file channel ≥ 0.6, batch 1 000 ≥ 0.25. And the file channel's puts and commits against a bare
 * append + fsync of the same bytes: ≥ 0.8.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/jindo';
import { Agent, FileChannel, HdfsEventSink, loadProperties, MemoryChannel, parseSinkConfig, type Channel, type FlumeEvent } from '@hadoopfs/flume';
import { BENCH, spawnOssServer } from '../servers.js';
import type { BenchCase, BenchMetric } from '../harness.js';

const { id: ID, secret: SECRET, bucket: BUCKET } = BENCH;

/** CPU seconds a process (not this one) has used, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the name), in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function flumeCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void>; metrics: (only: string | undefined) => Promise<BenchMetric[]> }> {
  const total = quick ? 100_000 : 500_000;
  const server = await spawnOssServer();
  const scratch = await mkdtemp(join(tmpdir(), 'hadoopfs-bench-flume-'));
  const conf = new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.jfs.cache.oss.flush.enable', 'true');
  const timestamp = String(Date.UTC(2026, 10, 26, 12));
  const lineOf = (i: number) => `event ${String(i).padStart(8, '0')} `.padEnd(199, 'x');
  const eventsOf = (n: number): FlumeEvent[] => Array.from({ length: n }, (_, i) => ({ headers: { timestamp }, body: Buffer.from(lineOf(i)) }));
  // The lines of events 0..n-1, each 199 bytes and a newline: the first n events' bytes are its first 200·n.
  const bytes = Buffer.from(Array.from({ length: total }, (_, i) => `${lineOf(i)}\n`).join(''));
  const textOf = (n: number) => bytes.subarray(0, 200 * n);
  /**
   * The sink cases' events, made before each run of them and let go after: held through the whole suite,
   * their half a million objects were marked by every full collection of the other cases (the agent's
   * among them, ~100 ms each), which a real agent process does not hold.
   */
  let fed: FlumeEvent[] = [];
  const feed = (n: number) => async () => {
    fed = eventsOf(n);
  };
  const unfeed = async () => {
    fed = [];
  };
  const oss = new OSS({ endpoint: server.endpoint, accessKeyId: ID, accessKeySecret: SECRET, bucket: BUCKET, secure: false, timeout: 600_000 });
  const rawUpload = (data: Buffer) => async () => void (await oss.multipartUpload(`raw-${++run}`, data, { partSize: 8 * 1024 * 1024, parallel: 4 }));
  let run = 0;

  /** CPU seconds per million events of each sink case's runs: the agent's (this process) and the server's. */
  const cpu = new Map<string, { agent: number[]; server: number[] }>();
  /** Sources put `putSize` events at a time, the sink takes batches of `batch`: puts and flushes timed together. */
  const throughSink = async (list: readonly FlumeEvent[], batch: number, channelOf: () => Promise<Channel>, putSize = batch) => {
    const agentBefore = process.cpuUsage();
    const serverBefore = cpuSecondsOf(server.child.pid);
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
    const channel = await channelOf();
    for (let i = 0; i < list.length; i += batch) {
      for (let j = i; j < Math.min(i + batch, list.length); j += putSize) await channel.put(list.slice(j, Math.min(j + putSize, i + batch)));
      if ((await sink.process(channel)) !== 'READY') throw new Error('a batch was rolled back');
    }
    await sink.stop();
    await channel.close?.();
    if (sink.metrics.eventsCommitted !== list.length) throw new Error('not every event was committed');
    const agent = process.cpuUsage(agentBefore);
    const serverAfter = cpuSecondsOf(server.child.pid);
    const perMillion = 1e6 / list.length;
    const key = `${list.length} events, batchSize ${batch}, ${putSize === batch ? 'memory' : 'file'} channel`;
    const seen = cpu.get(key) ?? { agent: [], server: [] };
    seen.agent.push(((agent.user + agent.system) / 1e6) * perMillion);
    if (serverBefore !== undefined && serverAfter !== undefined) seen.server.push((serverAfter - serverBefore) * perMillion);
    cpu.set(key, seen);
  };
  const metrics = async (): Promise<BenchMetric[]> =>
    [...cpu].flatMap(([key, { agent, server: onServer }]) => [
      { suite: 'flume sink', name: `agent CPU per million events (${key})`, value: median(agent), unit: 's' },
      ...(onServer.length > 0 ? [{ suite: 'flume sink', name: `OSS-protocol server CPU per million events (${key})`, value: median(onServer), unit: 's' }] : []),
    ]);
  /**
   * The whole agent as an operator runs it (issue 22's table): a tail source reading a log of `lines`,
   * a memory or file channel, the HDFS sink on oss:// with durable flush, batchSize `batch` — from
   * start until every line is committed and the agent stopped (its files closed).
   */
  const logs = await mkdtemp(join(tmpdir(), 'hadoopfs-bench-flume-logs-'));
  const logOf = async (lines: number) => {
    const file = join(logs, `app-${lines}.log`);
    await writeFile(file, textOf(lines));
    return file;
  };
  const throughAgent = async (file: string, lines: number, batch: number, channel: 'memory' | 'file') => {
    const at = `agent-${++run}`;
    const text = [
      'a.sources = s1',
      'a.channels = c1',
      'a.sinks = k1',
      'a.sources.s1.type = tail',
      `a.sources.s1.file = ${file}`,
      'a.sources.s1.pollInterval = 5',
      'a.sources.s1.channels = c1',
      'a.sources.s1.interceptors = ts',
      'a.sources.s1.interceptors.ts.type = timestamp',
      ...(channel === 'memory'
        ? ['a.channels.c1.type = memory', `a.channels.c1.capacity = ${Math.max(batch, 100_000)}`, `a.channels.c1.transactionCapacity = ${batch}`]
        : ['a.channels.c1.type = file', `a.channels.c1.checkpointDir = ${join(scratch, at, 'checkpoint')}`, `a.channels.c1.dataDirs = ${join(scratch, at, 'data')}`, `a.channels.c1.transactionCapacity = ${batch}`, 'a.channels.c1.minimumRequiredSpace = 0']),
      'a.sinks.k1.type = hdfs',
      'a.sinks.k1.channel = c1',
      `a.sinks.k1.hdfs.path = oss://${BUCKET}/${at}/%Y-%m-%d/%H`,
      'a.sinks.k1.hdfs.fileType = DataStream',
      `a.sinks.k1.hdfs.batchSize = ${batch}`,
      'a.sinks.k1.hdfs.rollInterval = 0',
      'a.sinks.k1.hdfs.rollSize = 0',
      'a.sinks.k1.hdfs.rollCount = 0',
    ].join('\n');
    let done!: () => void;
    const committed = new Promise<void>((resolve) => (done = resolve));
    const agent = new Agent(loadProperties({ text }), 'a', { conf, onCommit: (count) => (count >= lines ? done() : undefined) });
    const agentBefore = process.cpuUsage();
    const serverBefore = cpuSecondsOf(server.child.pid);
    await agent.start();
    await committed;
    await agent.stop();
    if (agent.sink.metrics.eventsCommitted !== lines) throw new Error(`the agent committed ${agent.sink.metrics.eventsCommitted} of ${lines} lines`);
    const used = process.cpuUsage(agentBefore);
    const serverAfter = cpuSecondsOf(server.child.pid);
    const key = `agent: tail source, ${channel} channel, batchSize ${batch}`;
    const seen = cpu.get(key) ?? { agent: [], server: [] };
    seen.agent.push(((used.user + used.system) / 1e6) * (1e6 / lines));
    if (serverBefore !== undefined && serverAfter !== undefined) seen.server.push((serverAfter - serverBefore) * (1e6 / lines));
    cpu.set(key, seen);
  };
  let channels = 0;
  const fileChannel = (transactionCapacity: number) => async () => {
    const base = join(scratch, `channel-${++channels}`);
    const channel = new FileChannel({ checkpointDir: join(base, 'checkpoint'), dataDirs: [join(base, 'data')], capacity: 1_000_000, transactionCapacity, minimumRequiredSpace: 0 });
    await channel.open();
    return channel;
  };

  const clearScratch = async () => {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
  };
  const smallCount = quick ? 20_000 : 100_000;
  const smallBytes = textOf(smallCount);
  const puts = eventsOf(quick ? 5_000 : 20_000);
  const PUT_SIZE = 100;
  let opened: FileChannel | undefined;
  let bare: FileHandle | undefined;

  /** The agent against ali-oss multipartUpload of the same bytes; the goal as a share of its byte rate. */
  const agentCase = (log: string, lines: number, data: Buffer, batch: number, channel: 'memory' | 'file', rate: number): BenchCase => ({
    suite: 'flume agent',
    name: `tail source, ${channel} channel, batchSize ${batch}, durable flush: ${lines} lines of 200 B`,
    baselineLabel: 'ali-oss multipartUpload, same bytes',
    goal: { maxRatio: 1 / rate },
    rounds: 3,
    baseline: rawUpload(data),
    ours: () => throughAgent(log, lines, batch, channel),
  });
  const fullLog = await logOf(total);
  const smallLog = await logOf(smallCount);
  const cases: BenchCase[] = [
    agentCase(fullLog, total, bytes, 100_000, 'memory', 0.8),
    agentCase(fullLog, total, bytes, 100_000, 'file', 0.6),
    agentCase(smallLog, smallCount, smallBytes, 1_000, 'memory', 0.25),
    {
      suite: 'flume sink',
      name: `${total} events of 200 B, batchSize 100000, durable flush, memory channel`,
      baselineLabel: 'ali-oss multipartUpload, same bytes',
      goal: { maxRatio: 1 / 0.8 },
      rounds: 3,
      baseline: rawUpload(bytes),
      prepare: feed(total),
      ours: () => throughSink(fed, 100_000, async () => new MemoryChannel(100_000, 100_000)),
      cleanup: unfeed,
    },
    {
      suite: 'flume sink',
      name: `${total} events of 200 B, batchSize 100000, durable flush, file channel (puts of 10000)`,
      baselineLabel: 'ali-oss multipartUpload, same bytes',
      goal: { maxRatio: 1 / 0.6 },
      rounds: 3,
      baseline: rawUpload(bytes),
      prepare: feed(total),
      ours: () => throughSink(fed, 100_000, fileChannel(100_000), 10_000),
      cleanup: async () => {
        await unfeed();
        await clearScratch();
      },
    },
    {
      suite: 'flume sink',
      name: `${smallCount} events of 200 B, batchSize 1000, durable flush, memory channel`,
      baselineLabel: 'ali-oss multipartUpload, same bytes',
      goal: { maxRatio: 1 / 0.25 },
      rounds: 3,
      baseline: rawUpload(smallBytes),
      prepare: feed(smallCount),
      ours: () => throughSink(fed, 1_000, async () => new MemoryChannel(1_000, 1_000)),
      cleanup: unfeed,
    },
    {
      suite: 'flume file channel',
      name: `${puts.length} events of 200 B put ${PUT_SIZE} at a time, then taken and committed in batches of 1000 (open channel)`,
      baselineLabel: 'append + fsync of the same bodies, per put and per commit',
      goal: { maxRatio: 1 / 0.8 },
      rounds: 5,
      // Steady state: the channel's open (replay, first checkpoint) and close are outside the timing.
      prepare: async () => {
        await clearScratch();
        opened = await fileChannel(1_000)();
        bare = await open(join(scratch, 'bare'), 'a');
      },
      baseline: async () => {
        const bodies = (from: number, to: number) => Buffer.concat(puts.slice(from, to).map((e) => e.body));
        for (let i = 0; i < puts.length; i += PUT_SIZE) {
          await bare!.write(bodies(i, i + PUT_SIZE));
          await bare!.sync();
        }
        for (let i = 0; i < puts.length; i += 1000) {
          await bare!.write(Buffer.alloc(8 * 1000)); // a commit names its events
          await bare!.sync();
        }
      },
      ours: async () => {
        const channel = opened!;
        for (let i = 0; i < puts.length; i += PUT_SIZE) await channel.put(puts.slice(i, i + PUT_SIZE));
        for (let i = 0; i < puts.length; i += 1000) {
          const tx = channel.getTransaction();
          for (let n = 0; n < 1000 && tx.take(); n++);
          await tx.commit();
        }
        if (channel.size !== 0) throw new Error('events left in the channel');
      },
      cleanup: async () => {
        await opened?.close();
        await bare?.close();
        opened = undefined;
        bare = undefined;
      },
    },
  ];
  return {
    cases,
    metrics,
    close: async () => {
      await FileSystem.closeAll();
      await rm(scratch, { recursive: true, force: true });
      await rm(logs, { recursive: true, force: true });
      server.child.kill('SIGTERM');
    },
  };
}
