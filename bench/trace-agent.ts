/**
 * One Flume agent run (tail source → channel → HDFS sink on oss:// with durable flush, as the bench's agent
 * cases) taken apart: each request with its start and end, each hflush and commit, and the CPU of every
 * thread of this process (the main one, V8's platform threads, libuv's pool) and of the server. For finding
 * what a ratio in `pnpm bench` is made of; it measures nothing the bench does not.
 *
 *   pnpm build && TSX_TSCONFIG_PATH=bench/tsconfig.json node --expose-gc --import tsx bench/trace-agent.ts \
 *     [--lines=500000] [--batch=100000] [--channel=memory|file] [--capacity=N] [--rounds=3] [--timeline]
 *
 * `--timeline` prints the last round's events (a few hundred lines); without it, a summary per round.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { Configuration, FileSystem, FSDataOutputStream } from '@hadoopfs/core';
import '@hadoopfs/jindo';
import { Agent, loadProperties } from '@hadoopfs/flume';
import { BENCH, spawnOssServer } from './servers.js';

const option = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const lines = Number(option('lines', '500000'));
const batch = Number(option('batch', '100000'));
const channel = option('channel', 'memory');
const capacity = Number(option('capacity', String(Math.max(batch, 100_000))));
const rounds = Number(option('rounds', '3'));
const showTimeline = process.argv.includes('--timeline');

/** CPU milliseconds of each thread of this process (the main thread named `main`), from /proc. */
function threadCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      cpu.set(tid === String(process.pid) ? 'main' : `${name} ${tid}`, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return cpu;
}

function processCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const server = await spawnOssServer();
const conf = new Configuration({ loadDefaults: false })
  .set('fs.oss.endpoint', server.endpoint)
  .set('fs.oss.accessKeyId', BENCH.id)
  .set('fs.oss.accessKeySecret', BENCH.secret)
  .set('fs.jfs.cache.oss.flush.enable', 'true');
const scratch = await mkdtemp(join(tmpdir(), 'trace-agent-'));
const log = join(scratch, 'app.log');
const bytes = Buffer.concat(Array.from({ length: lines }, (_, i) => Buffer.from(`event ${String(i).padStart(8, '0')} `.padEnd(199, 'x') + '\n')));
await writeFile(log, bytes);
const oss = new OSS({ endpoint: server.endpoint, accessKeyId: BENCH.id, accessKeySecret: BENCH.secret, bucket: BENCH.bucket, secure: false, timeout: 600_000 });

let started = 0;
let timeline: string[] = [];
const at = () => (performance.now() - started).toFixed(1).padStart(8);
const fs = await FileSystem.get(`oss://${BENCH.bucket}/`, conf);
fs.addRequestListener((e) => timeline.push(`${(performance.now() - started - e.durationMs).toFixed(1).padStart(8)} → ${at()}  ${e.operation}${e.bytesSent ? ` ${e.bytesSent} B` : ''}${e.outcome === 'ok' ? '' : ` ${e.outcome}`}`));
const hflush = FSDataOutputStream.prototype.hflush;
let flushMs = 0;
FSDataOutputStream.prototype.hflush = async function (this: FSDataOutputStream, ...args: Parameters<typeof hflush>) {
  const from = performance.now();
  timeline.push(`${at()}  hflush`);
  try {
    return await hflush.apply(this, args);
  } finally {
    flushMs += performance.now() - from;
    timeline.push(`${at()}  hflush done (${(performance.now() - from).toFixed(1)} ms)`);
  }
};

for (let round = 1; round <= rounds; round++) {
  const rawFrom = performance.now();
  const rawServerBefore = processCpu(server.child.pid!);
  await oss.multipartUpload(`raw-${round}`, bytes, { partSize: 8 * 1024 * 1024, parallel: 4 });
  const rawMs = performance.now() - rawFrom;
  const rawServerMs = processCpu(server.child.pid!) - rawServerBefore;
  globalThis.gc?.();
  const dir = `agent-${round}`;
  const text = [
    'a.sources = s1', 'a.channels = c1', 'a.sinks = k1',
    'a.sources.s1.type = tail', `a.sources.s1.file = ${log}`, 'a.sources.s1.pollInterval = 5', 'a.sources.s1.channels = c1',
    'a.sources.s1.interceptors = ts', 'a.sources.s1.interceptors.ts.type = timestamp',
    ...(channel === 'memory'
      ? ['a.channels.c1.type = memory', `a.channels.c1.capacity = ${capacity}`, `a.channels.c1.transactionCapacity = ${batch}`]
      : ['a.channels.c1.type = file', `a.channels.c1.checkpointDir = ${join(scratch, dir, 'checkpoint')}`, `a.channels.c1.dataDirs = ${join(scratch, dir, 'data')}`, `a.channels.c1.transactionCapacity = ${batch}`, 'a.channels.c1.minimumRequiredSpace = 0']),
    'a.sinks.k1.type = hdfs', 'a.sinks.k1.channel = c1', `a.sinks.k1.hdfs.path = oss://${BENCH.bucket}/${dir}/%Y-%m-%d/%H`, 'a.sinks.k1.hdfs.fileType = DataStream',
    `a.sinks.k1.hdfs.batchSize = ${batch}`, 'a.sinks.k1.hdfs.rollInterval = 0', 'a.sinks.k1.hdfs.rollSize = 0', 'a.sinks.k1.hdfs.rollCount = 0',
  ].join('\n');
  let committed!: () => void;
  const done = new Promise<void>((resolve) => (committed = resolve));
  timeline = [];
  flushMs = 0;
  const threadsBefore = threadCpu();
  const serverBefore = processCpu(server.child.pid!);
  started = performance.now();
  (globalThis as { __extOn?: (on: boolean) => void }).__extOn?.(round === rounds);
  const agent = new Agent(loadProperties({ text }), 'a', {
    conf,
    onCommit: (count) => {
      timeline.push(`${at()}  commit (${count} in all)`);
      if (count >= lines) committed();
    },
  });
  await agent.start();
  await done;
  await agent.stop();
  const agentMs = performance.now() - started;
  const threadsAfter = threadCpu();
  const threads = [...threadsAfter].map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)] as const).filter(([, ms]) => ms > 0);
  console.log(
    `round ${round}: agent ${agentMs.toFixed(0)} ms (${(agentMs / rawMs).toFixed(2)}× ali-oss's ${rawMs.toFixed(0)} ms, server CPU ${rawServerMs} ms), hflush ${flushMs.toFixed(0)} ms, ` +
      `server CPU ${processCpu(server.child.pid!) - serverBefore} ms, this process: ${threads.map(([name, ms]) => `${name} ${ms}`).join(', ')} ms`,
  );
}
if (showTimeline) console.log(timeline.join('\n'));
await fs.close();
server.child.kill('SIGTERM');
await rm(scratch, { recursive: true, force: true });
