/**
 * The README's main job: the source document's story, end to end, on this machine.
 *
 * An OSS-protocol server on local disk (or real OSS with --conf core-site.xml) ← a Flume agent (a child
 * process) writing oss://…/flume_dir/%Y-%m-%d/%H through JindoOssFileSystem with durable flush. The demo
 * feeds it timestamped events, SIGKILLs it in the middle of a batch, runs `jindo jfs -recover -R`,
 * restarts the agent (which tidies the .tmp leftovers), re-sends what was not known to be committed,
 * stops it cleanly, and reads everything back: every committed event must be there, once, in order.
 *
 *   pnpm demo [--events N] [--batch N] [--conf core-site.xml --bucket NAME] [--keep]
 *
 * With --conf (a real bucket) the demo writes under oss://NAME/hadoopfs-demo/<run>/, forces recovery only
 * there, and removes that folder at the end unless --keep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { runJindo as jindo } from '@hadoopfs/shell';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const AGENT = fileURLToPath(new URL('../packages/flume/src/agent-bin.ts', import.meta.url));
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '20000' },
    conf: { type: 'string' },
    bucket: { type: 'string', default: 'demo-bucket' },
    keep: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const BATCH = Number(args.batch);
const BUCKET = args.bucket!;
const tty = Boolean(process.stderr.isTTY);
const started = Date.now();

function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round((done / total) * 100)).padStart(3)}% ${label}`;
  if (tty) process.stderr.write(`\r${bar.padEnd(78)}`);
  else if (done === total || done % Math.max(1, Math.floor(total / 4)) === 0) process.stderr.write(`${bar}\n`);
}
const step = (text: string) => process.stderr.write(`${tty ? '\n' : ''}» ${text}\n`);

const work = await mkdtemp(join(tmpdir(), 'hadoopfs-demo-'));
let server: RunningOssServer | undefined;
let coreSite = args.conf;
if (!coreSite) {
  server = await startOssServer({
    dataDir: join(work, 'oss-data'),
    credentials: [{ accessKeyId: 'demo-id', accessKeySecret: 'demo-secret' }],
    buckets: [BUCKET],
  });
  coreSite = join(work, 'core-site.xml');
  await writeFile(
    coreSite,
    `<?xml version="1.0"?>
<configuration>
  <property><name>fs.oss.endpoint</name><value>${server.endpoint}</value></property>
  <property><name>fs.oss.accessKeyId</name><value>demo-id</value></property>
  <property><name>fs.oss.accessKeySecret</name><value>demo-secret</value></property>
  <property><name>fs.jfs.cache.oss.flush.enable</name><value>true</value></property>
  <property><name>fs.jfs.cache.flush.staging.path</name><value>/tmp</value></property>
</configuration>
`,
  );
  step(`OSS-protocol server on local disk at ${server.endpoint} (data in ${join(work, 'oss-data')})`);
}
// Against a real bucket (--conf), a folder of this run's own: never the seed's production path, and
// the forced recovery below then touches nothing the demo did not write. Removed at the end unless --keep.
const runFolder = args.conf ? `hadoopfs-demo/${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}` : undefined;
const flumeDir = runFolder ? `oss://${BUCKET}/${runFolder}/flume_dir` : `oss://${BUCKET}/flume_dir`;
const properties = join(work, 'agent.properties');
await writeFile(
  properties,
  `# Modelled on the source document's example: OSS through JindoOssFileSystem, big batches, 15-minute rounding.
agent.sources = http_src
agent.channels = mem
agent.sinks = oss_sink
agent.sources.http_src.type = http
agent.sources.http_src.port = 0
agent.sources.http_src.channels = mem
agent.channels.mem.type = memory
agent.channels.mem.capacity = ${Math.max(4 * BATCH, 10_000)}
agent.channels.mem.transactionCapacity = ${BATCH}
agent.sinks.oss_sink.type = hdfs
agent.sinks.oss_sink.channel = mem
agent.sinks.oss_sink.hdfs.path = ${flumeDir}/%Y-%m-%d/%H
agent.sinks.oss_sink.hdfs.fileType = DataStream
agent.sinks.oss_sink.hdfs.batchSize = ${BATCH}
agent.sinks.oss_sink.hdfs.round = true
agent.sinks.oss_sink.hdfs.roundValue = 15
agent.sinks.oss_sink.hdfs.roundUnit = minute
agent.sinks.oss_sink.hdfs.filePrefix = your_topic
agent.sinks.oss_sink.hdfs.rollSize = 0
agent.sinks.oss_sink.hdfs.rollCount = 0
agent.sinks.oss_sink.hdfs.rollInterval = 0
`,
);

interface RunningAgent {
  child: ChildProcess;
  port: number;
  committed: () => number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

async function startAgent(onCommit?: (n: number) => void): Promise<RunningAgent> {
  const child = spawn(process.execPath, ['--import', 'tsx', AGENT, '-f', properties, '-n', 'agent', '--core-site', coreSite!, '--report-commits'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let committed = 0;
  let output = '';
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output: output + errors })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      output += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const started = /^started http-port (\d+)/.exec(line);
        if (started) resolve(Number(started[1]));
        const c = /^committed (\d+)$/.exec(line);
        if (c) {
          committed = Number(c[1]);
          onCommit?.(committed);
        }
      }
    });
    void exited.then(({ code }) => reject(new Error(`agent exited (${code}) before starting:\n${errors}`)));
  });
  return { child, port, committed: () => committed, exited };
}

const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
const eventAt = (seq: number) => ({ headers: { timestamp: String(base + Math.floor((seq * 3 * 3_600_000) / EVENTS)) }, body: `seq=${seq} ${'x'.repeat(40 + (seq % 23))}` });

/** Sends events [from, to) in POSTs of 1000; stops at the first failure (the agent died). Returns how many were accepted. */
async function send(port: number, from: number, to: number, label: string): Promise<number> {
  let at = from;
  while (at < to) {
    const n = Math.min(1000, to - at);
    const body = JSON.stringify(Array.from({ length: n }, (_, i) => eventAt(at + i)));
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
      (r) => r.ok,
      () => false,
    );
    if (!ok) break;
    at += n;
    progress(label, at - from, to - from);
  }
  return at - from;
}

// 1. Run the agent, kill it in the middle of a batch.
step(`agent writes ${flumeDir}/%Y-%m-%d/%H (batches of ${BATCH}); SIGKILL once two batches are committed`);
let killedAt = -1;
const first = await startAgent((n) => {
  if (killedAt < 0 && n >= 2 * BATCH) {
    killedAt = n;
    first.child.kill('SIGKILL');
  }
});
const acceptedBeforeKill = await send(first.port, 0, EVENTS, 'sending events');
const firstExit = await first.exited;
if (killedAt < 0) throw new Error(`the agent was never killed (it exited ${firstExit.code ?? firstExit.signal}):\n${firstExit.output}`);
const knownCommitted = killedAt;
step(`agent killed with SIGKILL after ${knownCommitted} committed events (${acceptedBeforeKill} accepted by its source)`);

// 2. Recover what the dead agent had flushed.
step(`jindo jfs -recover -R -force ${flumeDir}`);
let recoverOutput = '';
const recoverCode = await jindo(['jfs', '-conf', coreSite, '-json', '-recover', '-R', '-force', flumeDir], {
  out: (t) => void (recoverOutput += t),
  err: (t) => process.stderr.write(t),
  stdout: process.stdout,
  isTTY: false,
});
if (recoverCode !== 0) throw new Error(`jindo jfs -recover failed (${recoverCode})`);
const reports = JSON.parse(recoverOutput) as Array<{ path: string; state: string; recoveredBytes: number }>;
const recoveredFiles = reports.filter((r) => r.state === 'recovered');
step(`recovered ${recoveredFiles.length} file(s), ${recoveredFiles.reduce((n, r) => n + r.recoveredBytes, 0)} bytes`);

// 3. Restart (tidies .tmp leftovers), re-send what was not known to be committed, stop cleanly.
step('agent restarted; re-sending the events not known to be committed, then SIGTERM');
const second = await startAgent();
const resent = await send(second.port, knownCommitted, EVENTS, 're-sending events');
second.child.kill('SIGTERM');
const secondExit = await second.exited;
if (secondExit.code !== 0) throw new Error(`the restarted agent did not stop cleanly (${secondExit.code ?? secondExit.signal}):\n${secondExit.output}`);
const finalMetrics = JSON.parse(/^metrics (.*)$/m.exec(secondExit.output)![1]!) as { eventsCommitted: number; leftoversRecovered: number };

// 4. Read everything back.
const conf = new Configuration({ loadDefaults: false }).addResource(coreSite);
const fs = await FileSystem.get(flumeDir, conf);
const seen = new Map<number, number>();
let files = 0;
let outOfOrder = 0;
let leftoverTmp = 0;
const recoveredNames = new Set(recoveredFiles.map((r) => r.path.replace(/\.tmp$/, '')));
let recoveredEvents = 0;
for await (const status of fs.listFiles(flumeDir, true)) {
  if (status.path.getName().endsWith('.tmp')) leftoverTmp++;
  files++;
  await using input = await fs.open(status.path);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  let last = -1;
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    const m = /^seq=(\d+) /.exec(line);
    if (!m) continue;
    const seq = Number(m[1]);
    if (seq <= last) outOfOrder++;
    last = seq;
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
    if (recoveredNames.has(status.path.toString())) recoveredEvents++;
  }
}
let lost = 0;
for (let seq = 0; seq < EVENTS; seq++) if (!seen.has(seq)) lost++;
// Events committed after the last commit the demo saw, but before the kill, were recovered and then re-sent:
// duplicates are allowed only there, in the one batch that was in flight.
if (runFolder && !args.keep) {
  const staging = (conf.getTrimmed('fs.jfs.cache.flush.staging.path') ?? '/tmp').replace(/^\/+|\/+$/g, '');
  await fs.delete(`oss://${BUCKET}/${runFolder}`, true);
  await fs.delete(`oss://${BUCKET}/${staging}/${runFolder}`, true).catch(() => false);
  step(`removed the demo's events (oss://${BUCKET}/${runFolder}); --keep leaves them`);
}
let duplicatedBeyond = 0;
for (const [seq, count] of seen) if (count > 1 && (seq < knownCommitted || seq >= knownCommitted + BATCH)) duplicatedBeyond += count - 1;
const duplicatedWithin = [...seen.values()].reduce((n, c) => n + Math.max(0, c - 1), 0) - duplicatedBeyond;
await FileSystem.closeAll();
await server?.close();
if (!args.keep) await rm(work, { recursive: true, force: true });

const rows: Array<[string, string | number]> = [
  ['events sent', EVENTS],
  ['committed before the crash (seen)', knownCommitted],
  ['committed after the restart', finalMetrics.eventsCommitted],
  ['recovered after the crash (events)', recoveredEvents],
  ['leftover .tmp files made final', finalMetrics.leftoversRecovered],
  ['lost', lost],
  ['duplicated in the in-flight batch (allowed)', duplicatedWithin],
  ['duplicated beyond the uncommitted batch', duplicatedBeyond],
  ['out of order within a file', outOfOrder],
  ['files', files],
  ['.tmp files left', leftoverTmp],
  ['time', `${((Date.now() - started) / 1000).toFixed(1)} s`],
];
process.stdout.write(`${tty ? '\n' : ''}\n`);
for (const [label, value] of rows) process.stdout.write(`${label.padEnd(46)} ${value}\n`);
const ok = lost === 0 && duplicatedBeyond === 0 && outOfOrder === 0 && leftoverTmp === 0 && resent + knownCommitted >= EVENTS;
process.stdout.write(`\n${ok ? 'demo ok: lost = 0' : 'demo FAILED'}\n`);
process.exitCode = ok ? 0 : 1;
