import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Configuration, FileSystem, FSDataOutputStream, IOError, Path, StreamCapabilities, type ResolvedCreateOptions } from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';
import { HdfsEventSink, MemoryChannel, parseSinkConfig, textEvent, type FlumeEvent } from '@hadoopfs/flume';

const TS = Date.UTC(2026, 10, 26, 11, 54, 34);
const conf = new Configuration({ loadDefaults: false });
let authority = 0;

function sinkFor(extra: Record<string, string>, scheme = 'mem'): { sink: HdfsEventSink; base: string } {
  const base = `${scheme}://sink-${++authority}`;
  const context = new Map(Object.entries({ 'hdfs.fileType': 'DataStream', 'hdfs.rollInterval': '0', 'hdfs.rollSize': '0', 'hdfs.rollCount': '0', ...extra }));
  context.set('hdfs.path', `${base}${extra['hdfs.path'] ?? '/flume/%Y-%m-%d/%H'}`);
  const { config } = parseSinkConfig(context);
  return { sink: new HdfsEventSink(config, { conf }), base };
}

const event = (body: string, extra: Record<string, string> = {}, at = TS): FlumeEvent => textEvent(body, { timestamp: String(at), ...extra });

async function files(base: string): Promise<Map<string, string>> {
  const fs = await FileSystem.get(base, conf);
  const out = new Map<string, string>();
  if (!(await fs.exists('/'))) return out;
  for await (const status of fs.listFiles('/', true)) {
    await using input = await fs.open(status.path);
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(Buffer.from(c));
    out.set(status.path.path, Buffer.concat(chunks).toString('latin1'));
  }
  return out;
}

afterEach(async () => {
  vi.useRealTimers();
  await FileSystem.closeAll();
});

describe('HDFS sink', () => {
  it('writes a batch as one transaction into escaped, in-use files, renamed on stop', async () => {
    const { sink, base } = sinkFor({ 'hdfs.batchSize': '10', 'hdfs.filePrefix': '%{topic}' });
    const channel = new MemoryChannel(100, 10);
    await channel.put([event('a1', { topic: 'a' }), event('b1', { topic: 'b' }), event('a2', { topic: 'a' }), event('b2', { topic: 'b' }, TS + 3_600_000)]);
    expect(await sink.process(channel)).toBe('READY');
    expect(channel.size).toBe(0);
    const during = await files(base);
    const names = [...during.keys()].sort();
    expect(names).toHaveLength(3);
    expect(names.every((n) => n.endsWith('.tmp'))).toBe(true);
    expect(names[0]).toMatch(/^\/flume\/2026-11-26\/11\/a\.\d+\.tmp$/);
    // hflush made every committed event readable before the files were closed.
    expect([...during.values()].sort()).toEqual(['a1\na2\n', 'b1\n', 'b2\n']);
    await sink.stop();
    const after = await files(base);
    expect([...after.keys()].every((n) => !n.endsWith('.tmp'))).toBe(true);
    expect([...after.values()].sort()).toEqual(['a1\na2\n', 'b1\n', 'b2\n']);
    expect(sink.metrics).toMatchObject({ eventsTaken: 4, eventsCommitted: 4, batchesCommitted: 1, filesOpened: 3, filesClosed: 3 });
    expect(await sink.process(channel)).toBe('BACKOFF');
  });

  it('rolls by count and by size before a write, as Flume does', async () => {
    const { sink, base } = sinkFor({ 'hdfs.rollCount': '3', 'hdfs.batchSize': '100' });
    const channel = new MemoryChannel(100, 100);
    await channel.put(Array.from({ length: 7 }, (_, i) => event(`e${i}`)));
    await sink.process(channel);
    await sink.stop();
    expect([...(await files(base)).values()].sort()).toEqual(['e0\ne1\ne2\n', 'e3\ne4\ne5\n', 'e6\n']);
    const sized = sinkFor({ 'hdfs.rollSize': '5', 'hdfs.batchSize': '100' });
    await channel.put(['abc', 'de', 'f', 'ghijk', 'l'].map((b) => event(b)));
    await sized.sink.process(channel);
    await sized.sink.stop();
    expect([...(await files(sized.base)).values()].sort()).toEqual(['abc\nde\n', 'f\nghijk\n', 'l\n']);
  });

  it('rolls on the interval and closes idle files', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sink, base } = sinkFor({ 'hdfs.rollInterval': '30', 'hdfs.idleTimeout': '5' });
    const channel = new MemoryChannel(10, 10);
    await channel.put([event('x')]);
    await sink.process(channel);
    expect(sink.openFiles).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.waitFor(async () => expect([...(await files(base)).keys()].every((n) => !n.endsWith('.tmp'))).toBe(true));
    expect(sink.openFiles).toBe(0);
    await channel.put([event('y')]);
    await sink.process(channel);
    await vi.advanceTimersByTimeAsync(30_000);
    await vi.waitFor(async () => expect([...(await files(base)).keys()].filter((n) => n.endsWith('.tmp'))).toEqual([]));
    expect([...(await files(base)).values()].sort()).toEqual(['x\n', 'y\n']);
    await sink.stop();
  });

  it('keeps at most maxOpenFiles open, closing the least recently used', async () => {
    const { sink, base } = sinkFor({ 'hdfs.maxOpenFiles': '2', 'hdfs.filePrefix': '%{k}' });
    const channel = new MemoryChannel(10, 10);
    await channel.put([event('1', { k: 'a' }), event('2', { k: 'b' }), event('3', { k: 'a' }), event('4', { k: 'c' })]);
    await sink.process(channel);
    const names = [...(await files(base)).keys()].map((n) => n.split('/').pop()!);
    // b was least recently used when c arrived: it is closed (final name); a and c are still in use.
    expect(names.filter((n) => n.endsWith('.tmp')).map((n) => n[0]).sort()).toEqual(['a', 'c']);
    expect(names.filter((n) => !n.endsWith('.tmp')).map((n) => n[0])).toEqual(['b']);
    await sink.stop();
  });

  it('sends events without the timestamp a time escape needs to a dead-letter file, and goes on', async () => {
    const { sink, base } = sinkFor({ 'hdfs.deadLetterPath': '/dead' });
    const channel = new MemoryChannel(10, 10);
    await channel.put([event('good'), textEvent('no time here', { topic: 't' })]);
    expect(await sink.process(channel)).toBe('READY');
    expect(sink.metrics.eventsDeadLettered).toBe(1);
    await sink.stop();
    const all = await files(base);
    const dead = [...all.entries()].find(([n]) => n.startsWith('/dead/'))!;
    expect(JSON.parse(dead[1])).toMatchObject({ headers: { topic: 't' }, body: 'no time here' });
    expect([...all.entries()].find(([n]) => n.startsWith('/flume/'))![1]).toBe('good\n');
  });

  it('writes gzip (one member per flush) and HEADER_AND_TEXT', async () => {
    const { sink, base } = sinkFor({ 'hdfs.fileType': 'CompressedStream', 'hdfs.codeC': 'gzip', 'hdfs.batchSize': '2' });
    const channel = new MemoryChannel(10, 10);
    await channel.put([event('one'), event('two'), event('three')]);
    // batchSize 2: two transactions, so two flushes.
    while ((await sink.process(channel)) === 'READY');
    await sink.stop();
    const [name, content] = [...(await files(base)).entries()][0]!;
    expect(name).toMatch(/\.gz$/);
    expect(gunzipSync(Buffer.from(content!, 'latin1')).toString()).toBe('one\ntwo\nthree\n');
    const h = sinkFor({ serializer: 'HEADER_AND_TEXT' } as Record<string, string>);
    const c2 = new MemoryChannel(10, 10);
    await c2.put([event('body', { k: 'v' })]);
    await h.sink.process(c2);
    await h.sink.stop();
    expect([...(await files(h.base)).values()]).toEqual([`{timestamp=${TS}, k=v} body\n`]);
  });

  it('renames leftover in-use files of a dead agent at start', async () => {
    const { sink, base } = sinkFor({});
    const fs = await FileSystem.get(base, conf);
    for (const name of ['FlumeData.1.tmp', 'FlumeData.2.tmp', 'other.txt']) {
      const out = await fs.create(`/flume/2026-11-25/10/${name}`);
      await out.write('left behind\n');
      await out.close();
    }
    // An agent killed between create and its first flush leaves an empty in-use file: it holds no event
    // (and is no valid SequenceFile), so it is removed, not published.
    await (await fs.create('/flume/2026-11-25/10/FlumeData.3.tmp')).close();
    expect(await sink.start()).toBe(2);
    expect([...(await files(base)).keys()].sort()).toEqual([
      '/flume/2026-11-25/10/FlumeData.1',
      '/flume/2026-11-25/10/FlumeData.2',
      '/flume/2026-11-25/10/other.txt',
    ]);
  });
});

/** A memory backend whose streams fail the first `failures` hflush calls (a backend hiccup). */
class FlakyFileSystem extends MemoryFileSystem {
  static failures = 0;
  protected override async createStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream> {
    const inner = await super.createStream(path, options);
    return new (class extends FSDataOutputStream {
      constructor() {
        super(path);
      }
      hasCapability(c: string) {
        return c === StreamCapabilities.HFLUSH;
      }
      protected writeChunk(bytes: Uint8Array) {
        return inner.write(bytes);
      }
      protected flushBuffers() {
        return inner.flush();
      }
      protected override hflushBytes() {
        if (FlakyFileSystem.failures > 0) {
          FlakyFileSystem.failures--;
          return Promise.reject(new IOError('injected hflush failure'));
        }
        return inner.hflush();
      }
      protected closeStream() {
        return inner.close();
      }
      protected abortStream() {
        return inner.abort();
      }
    })();
  }
}

describe('transactions', () => {
  it('rolls back on a failing flush and delivers the events again, none lost', async () => {
    FileSystem.register('flaky', FlakyFileSystem);
    const { sink, base } = sinkFor({ 'hdfs.batchSize': '5' }, 'flaky');
    const channel = new MemoryChannel(20, 5);
    await channel.put(Array.from({ length: 5 }, (_, i) => event(`e${i}`)));
    FlakyFileSystem.failures = 1;
    expect(await sink.process(channel)).toBe('BACKOFF');
    expect(channel.size).toBe(5);
    expect(sink.metrics.batchesRolledBack).toBe(1);
    expect(await sink.process(channel)).toBe('READY');
    expect(channel.size).toBe(0);
    await sink.stop();
    const content = [...(await files(base)).values()].join('');
    // At least once: every event is there, in order, after whatever the failed attempt had written.
    expect(content.endsWith('e0\ne1\ne2\ne3\ne4\n')).toBe(true);
    FileSystem.unregister('flaky');
  });
});
