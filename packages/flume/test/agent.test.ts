import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/memory';
import { Agent, FlumeConfigurationError, loadProperties, type HttpSource } from '@hadoopfs/flume';

const conf = new Configuration({ loadDefaults: false });
let n = 0;

function properties(source: string, extraSink = ''): { props: Map<string, string>; base: string } {
  const base = `mem://agent-${++n}`;
  const text = `
a.sources = s1
a.channels = c1
a.sinks = k1
a.sources.s1.channels = c1
${source}
a.sources.s1.interceptors = ts
a.sources.s1.interceptors.ts.type = timestamp
a.channels.c1.type = memory
a.channels.c1.capacity = 1000
a.channels.c1.transactionCapacity = 100
a.sinks.k1.type = hdfs
a.sinks.k1.channel = c1
a.sinks.k1.hdfs.path = ${base}/logs/%Y
a.sinks.k1.hdfs.fileType = DataStream
a.sinks.k1.hdfs.rollInterval = 0
a.sinks.k1.hdfs.rollCount = 0
a.sinks.k1.hdfs.rollSize = 0
${extraSink}
`;
  return { props: loadProperties({ text }), base };
}

async function content(base: string): Promise<string[]> {
  const fs = await FileSystem.get(base, conf);
  const out: string[] = [];
  for await (const status of fs.listFiles('/', true)) {
    await using input = await fs.open(status.path);
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(Buffer.from(c));
    out.push(`${status.path.getName().replace(/\d+/, 'N')}: ${Buffer.concat(chunks).toString()}`);
  }
  return out;
}

afterEach(async () => {
  await FileSystem.closeAll();
});

describe('agent', () => {
  it('runs stdin → memory channel → HDFS sink, and drains on stop', async () => {
    const { props, base } = properties('a.sources.s1.type = stdin');
    const commits: number[] = [];
    const agent = new Agent(props, 'a', { conf, stdin: Readable.from(['one\ntwo\n', 'three\n']), onCommit: (c) => commits.push(c) });
    await agent.start();
    await Promise.all(agent.sources.map((s) => s.finished));
    await agent.stop();
    expect(await content(base)).toEqual(['FlumeData.N: one\ntwo\nthree\n']);
    expect(agent.metrics()).toMatchObject({ eventsCommitted: 3, filesOpen: 0, filesClosed: 1, bytesFlushed: 14, channelSize: 0 });
    expect(commits.at(-1)).toBe(3);
  });

  it('accepts JSON events over HTTP, refuses malformed bodies, serves metrics', async () => {
    const { props, base } = properties('a.sources.s1.type = http\na.sources.s1.port = 0');
    const agent = new Agent(props, 'a', { conf, metricsPort: 0 });
    await agent.start();
    const port = (agent.sources[0] as HttpSource).port;
    const json = { 'content-type': 'application/json' };
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: json, body: JSON.stringify([{ headers: { h: 'v' }, body: 'hello' }, { body: 'world' }]) });
    expect(ok.status).toBe(200);
    const bad = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: json, body: '{"not": "an array"}' });
    expect(bad.status).toBe(400);
    const metrics = (await (await fetch(`http://127.0.0.1:${agent.metricsPort}/`)).json()) as { channelSize: number; eventsTaken: number };
    expect(metrics.channelSize + metrics.eventsTaken).toBe(2);
    // Flume's JSON, names and layout, at /metrics (issue 11: monitoring as Flume users know it).
    const flume = (await (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`)).json()) as Record<string, Record<string, string>>;
    expect(Object.keys(flume).sort()).toEqual(['CHANNEL.c1', 'SINK.k1', 'SOURCE.s1']);
    expect(flume['SOURCE.s1']).toMatchObject({ Type: 'SOURCE', EventReceivedCount: '2', EventAcceptedCount: '2' });
    expect(flume['CHANNEL.c1']).toMatchObject({ Type: 'CHANNEL', ChannelCapacity: '1000', EventPutSuccessCount: '2' });
    expect(Number(flume['CHANNEL.c1']!['ChannelSize']) + Number(flume['SINK.k1']!['EventDrainAttemptCount'])).toBe(2);
    expect(Object.keys(flume['SINK.k1']!)).toEqual(expect.arrayContaining(['EventDrainSuccessCount', 'BatchCompleteCount', 'BatchUnderflowCount', 'BatchEmptyCount']));
    await agent.stop();
    expect(await content(base)).toEqual(['FlumeData.N: hello\nworld\n']);
    await expect(fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '[]' })).rejects.toThrow();
  });

  it('refuses what is not JSON (415: no cross-site text/plain POST) and bodies over maxBodySize (413), taking nothing', async () => {
    const { props, base } = properties('a.sources.s1.type = http\na.sources.s1.port = 0\na.sources.s1.maxBodySize = 1000');
    const agent = new Agent(props, 'a', { conf });
    await agent.start();
    const url = `http://127.0.0.1:${(agent.sources[0] as HttpSource).port}/`;
    const events = JSON.stringify([{ body: 'x' }]);
    const plain = await fetch(url, { method: 'POST', body: events });
    expect(plain.status).toBe(415);
    expect(await plain.text()).toBe('the body must be application/json, not "text/plain"\n');
    const declared = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ body: 'y'.repeat(2000) }]) });
    expect(declared.status).toBe(413);
    // Sent in chunks without a length: cut off as it passes the limit.
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(500)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch((e: unknown) => e);
    if (chunked instanceof Response) expect(chunked.status).toBe(413);
    const fine = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: events });
    expect(fine.status).toBe(200);
    await agent.stop();
    expect(await content(base)).toEqual(['FlumeData.N: x\n']);
  });

  it('tails a file from an offset, waiting for whole lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flume-tail-'));
    const file = join(dir, 'app.log');
    await writeFile(file, 'skipped\nfirst\nsecond\npart');
    const { props, base } = properties(`a.sources.s1.type = tail\na.sources.s1.file = ${file}\na.sources.s1.offset = 8\na.sources.s1.pollInterval = 10`);
    let allCommitted!: () => void;
    const committed = new Promise<void>((resolve) => (allCommitted = resolve));
    const agent = new Agent(props, 'a', { conf, onCommit: (count) => (count >= 3 ? allCommitted() : undefined) });
    await agent.start();
    await appendFile(file, 'ial\n');
    await committed;
    await agent.stop();
    expect(await content(base)).toEqual(['FlumeData.N: first\nsecond\npartial\n']);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the tail position in positionFile (TAILDIR format): a restart goes on after the last accepted line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flume-tail-position-'));
    const file = join(dir, 'app.log');
    const positionFile = join(dir, 'taildir_position.json');
    await writeFile(file, 'one\ntwo\n');
    const source = `a.sources.s1.type = tail\na.sources.s1.file = ${file}\na.sources.s1.pollInterval = 10\na.sources.s1.positionFile = ${positionFile}`;
    const { props, base } = properties(source);
    const run = async (expected: number) => {
      let done!: () => void;
      const committed = new Promise<void>((resolve) => (done = resolve));
      const agent = new Agent(props, 'a', { conf, onCommit: (count) => (count >= expected ? done() : undefined) });
      await agent.start();
      return { agent, committed };
    };
    const first = await run(2);
    await first.committed;
    await first.agent.stop();
    const recorded = JSON.parse(await readFile(positionFile, 'utf8')) as Array<{ inode: number; pos: number; file: string }>;
    expect(recorded).toEqual([{ inode: (await stat(file)).ino, pos: 8, file }]);
    await appendFile(file, 'three\n');
    const second = await run(1);
    await second.committed;
    await second.agent.stop();
    // Nothing delivered twice, nothing skipped.
    expect((await content(base)).sort()).toEqual(['FlumeData.N: one\ntwo\n', 'FlumeData.N: three\n']);
    await rm(dir, { recursive: true, force: true });
  });

  it("grows an unset channel capacity to the sink's batch, saying so, and keeps one that was set (finding 5)", () => {
    const text = [
      'a.sources = s1',
      'a.channels = c1',
      'a.sinks = k1',
      'a.sources.s1.type = stdin',
      'a.sources.s1.channels = c1',
      'a.channels.c1.type = memory',
      'a.sinks.k1.channel = c1',
      'a.sinks.k1.hdfs.path = mem://seed/flume_dir',
      'a.sinks.k1.hdfs.fileType = DataStream',
      'a.sinks.k1.hdfs.batchSize = 100000',
    ].join('\n');
    const agent = new Agent(loadProperties({ text }), 'a', { conf });
    expect(agent.channel.transactionCapacity).toBe(100_000);
    expect(agent.warnings).toContain("channels.c1.transactionCapacity is unset: Flume's default 100 is below sinks.k1.hdfs.batchSize 100000; using 100000");
    expect(agent.warnings).toContain("channels.c1.capacity is unset: Flume's default 100 cannot hold one transaction of 100000; using 100000");
  });

  it('refuses a configuration Flume would run wrongly, naming the key, before taking any event', () => {
    expect(() => new Agent(properties('a.sources.s1.type = stdin', 'a.sinks.k1.hdfs.batchSize = 500').props, 'a', { conf })).toThrow(/hdfs\.batchSize \(500\) exceeds channels\.c1\.transactionCapacity \(100\)/);
    expect(() => new Agent(properties('a.sources.s1.type = avro').props, 'a', { conf })).toThrow(FlumeConfigurationError);
    expect(() => new Agent(properties('a.sources.s1.type = stdin').props, 'nobody', { conf })).toThrow(/no properties for agent "nobody"/);
  });
});
