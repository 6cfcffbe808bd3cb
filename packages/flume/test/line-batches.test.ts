import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChannel, MemoryChannel, TailSource, timestampInterceptor, type FlumeEvent, type Interceptor } from '@hadoopfs/flume';
import { LineBatch, LineEvent } from '../src/event.js';
import { serializeChunks } from '../src/serializers.js';
import { takeAll } from './fixtures/take-all.js';

/** A read's block and the newline offsets of its lines, as the tail source makes them. */
function blockOf(lines: string[]): { block: Buffer; newlines: number[] } {
  // A buffer of its own (Buffer.from(string) may place two blocks in one shared pool).
  const block = Buffer.from(new TextEncoder().encode(lines.map((l) => `${l}\n`).join('')).buffer);
  const newlines: number[] = [];
  for (let at = block.indexOf(10); at >= 0; at = block.indexOf(10, at + 1)) newlines.push(at);
  return { block, newlines };
}

/** A batch's events, as a channel hands them out. */
const eventsOf = (batch: LineBatch) => Array.from({ length: batch.length }, (_, i) => batch.at(i));

const texts = (events: FlumeEvent[]) => events.map((e) => Buffer.from(e.body).toString());

/** Each chunk as it comes (a chunk of the scratch buffer is valid until the next step): its buffer and a copy. */
function chunksOf(events: FlumeEvent[], kind: 'TEXT' | 'HEADER_AND_TEXT', newline: boolean): Array<{ buffer: ArrayBufferLike; text: string }> {
  const out: Array<{ buffer: ArrayBufferLike; text: string }> = [];
  for (const chunk of serializeChunks(events, kind, newline, Buffer.alloc(64))) out.push({ buffer: chunk.buffer, text: Buffer.from(chunk).toString() });
  return out;
}

describe('line batches in the memory channel', () => {
  it('are taken as events in order, across batches and arrays, and a rollback delivers the same lines again', () => {
    const channel = new MemoryChannel(100, 100);
    const { block, newlines } = blockOf(['a', 'b', 'c', 'd', 'e']);
    void channel.putLines(new LineBatch(block, newlines, { timestamp: '7' }));
    void channel.put([{ headers: { h: '1' }, body: Buffer.from('x') }]);
    void channel.putLines(new LineBatch(block, newlines, { timestamp: '8' }, 3));
    expect(channel.size).toBe(8);
    const first = channel.getTransaction();
    const taken = [first.take()!, first.take()!, first.take()!, first.take()!, first.take()!, first.take()!];
    expect(texts(taken)).toEqual(['a', 'b', 'c', 'd', 'e', 'x']);
    expect(taken[0]!.headers).toEqual({ timestamp: '7' });
    // Each event its own headers: a change to one reaches neither its neighbours nor the redelivery.
    taken[0]!.headers['changed'] = 'yes';
    expect(taken[1]!.headers).toEqual({ timestamp: '7' });
    first.rollback();
    expect(channel.size).toBe(8);
    const second = channel.getTransaction();
    const again: FlumeEvent[] = [];
    for (let e = second.take(); e; e = second.take()) again.push(e);
    expect(texts(again)).toEqual(['a', 'b', 'c', 'd', 'e', 'x', 'd', 'e']);
    expect(again[0]!.headers).toEqual({ timestamp: '7' });
    expect(again.at(-1)!.headers).toEqual({ timestamp: '8' });
    second.commit();
    expect(channel.size).toBe(0);
  });

  it('are taken as runs: at most what is asked and the transaction has left, never past an array; a rollback delivers them again', () => {
    const channel = new MemoryChannel(100, 6);
    const { block, newlines } = blockOf(['a', 'b', 'c', 'd', 'e']);
    void channel.putLines(new LineBatch(block, newlines, { timestamp: '7' }));
    void channel.put([{ headers: {}, body: Buffer.from('x') }]);
    const tx = channel.getTransaction();
    const first = tx.takeLines!(2)!;
    expect(first.text().toString()).toBe('a\nb\n');
    expect(first.headers).toEqual({ timestamp: '7' });
    // What is left of the put (three lines), though more was asked.
    expect(tx.takeLines!(10)!.text().toString()).toBe('c\nd\ne\n');
    // The head is an array's event: no run, take() it.
    expect(tx.takeLines!(10)).toBeUndefined();
    expect(texts([tx.take()!])).toEqual(['x']);
    // Six taken: the transaction's capacity, counted line by line.
    expect(() => tx.takeLines!(1)).toThrow(/transactionCapacity 6/);
    tx.rollback();
    const again = channel.getTransaction();
    expect(again.take()!.body).toEqual(Buffer.from('a'));
    expect(again.takeLines!(4)!.text().toString()).toBe('b\nc\nd\ne\n');
    again.commit();
    expect(channel.size).toBe(1);
  });

  it('a batch beyond the room waits, and goes in as room is made, in order', async () => {
    const channel = new MemoryChannel(3, 3);
    const { block, newlines } = blockOf(['1', '2', '3', '4', '5', '6', '7']);
    let done = false;
    const putting = channel.putLines(new LineBatch(block, newlines, {})).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.size).toBe(3);
    const got: FlumeEvent[] = [];
    while (!done || channel.size > 0) {
      const tx = channel.getTransaction();
      // Two at a time, so that commits and partial batches interleave.
      for (let n = 0, e = tx.take(); e; e = ++n < 2 ? tx.take() : undefined) got.push(e);
      tx.commit();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await putting;
    expect(texts(got)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });
});

describe('serializeChunks with line events', () => {
  it('writes consecutive lines of one block as one view of it, and any other event (a replaced body, another block, a gap) as its own bytes', () => {
    const a = blockOf(Array.from({ length: 60 }, (_, i) => `a${i}`));
    const b = blockOf(Array.from({ length: 20 }, (_, i) => `b${i}`));
    const lines = (x: { block: Buffer; newlines: number[] }) => eventsOf(new LineBatch(x.block, x.newlines, {}));
    const fromA = lines(a);
    const fromB = lines(b);
    const replaced = fromA[25]!;
    replaced.body = Buffer.from('REPLACED');
    // a0–a19, a21–a59 (a gap at a20, a replaced body at a25), then b, then a plain event.
    const events: FlumeEvent[] = [...fromA.slice(0, 20), ...fromA.slice(21), ...fromB, { headers: {}, body: Buffer.from('plain') }];
    const chunks = chunksOf(events, 'TEXT', true);
    const expected = events.map((e) => `${Buffer.from(e.body).toString()}\n`).join('');
    expect(chunks.map((c) => c.text).join('')).toBe(expected);
    expect(expected).toContain('REPLACED\n');
    expect(chunks.filter((c) => c.buffer === a.block.buffer).map((c) => c.text)).toEqual([
      Array.from({ length: 20 }, (_, i) => `a${i}\n`).join(''),
      Array.from({ length: 34 }, (_, i) => `a${26 + i}\n`).join(''),
    ]);
    expect(chunks.filter((c) => c.buffer === b.block.buffer).map((c) => c.text)).toEqual([b.block.toString()]);
    // The events' bodies were never made for the lines written as views.
    expect(fromA[0]).toBeInstanceOf(LineEvent);
  });

  it('HEADER_AND_TEXT and TEXT without newlines write each event as it is', () => {
    const a = blockOf(Array.from({ length: 20 }, (_, i) => `l${i}`));
    const events = eventsOf(new LineBatch(a.block, a.newlines, { k: 'v' }));
    const joined = (kind: 'TEXT' | 'HEADER_AND_TEXT', newline: boolean) => chunksOf(events, kind, newline).map((c) => c.text).join('');
    expect(joined('TEXT', false)).toBe(Array.from({ length: 20 }, (_, i) => `l${i}`).join(''));
    expect(joined('HEADER_AND_TEXT', true)).toBe(Array.from({ length: 20 }, (_, i) => `{k=v} l${i}\n`).join(''));
  });
});

/** One folder for the files and channels of this file's tests. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flume-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


describe('TailSource reads', () => {

  it('deliver every line whole, whatever its length against the read size (short, half a read, longer than a read), with the position after the last', async () => {
    const file = join(dir, 'mixed.log');
    // Lines around the 1 MiB read and its half, between many short ones: partial lines of every size carried over.
    const lengths = [10, 600_000, 3, 1_100_000, 0, 524_287, 524_288, 524_289, 2_500_000, 7, ...Array.from({ length: 3000 }, (_, i) => (i * 37) % 500)];
    const lines = lengths.map((n, i) => String.fromCharCode(97 + (i % 26)).repeat(n));
    await writeFile(file, lines.map((l) => `${l}\n`).join(''));
    for (const interceptors of [[timestampInterceptor(false, () => 5)], [Object.assign((e: FlumeEvent) => e, {}) as Interceptor]]) {
      const channel = new MemoryChannel(1000, 1000);
      const source = new TailSource(channel, interceptors, file, 0, 5);
      await source.start();
      const got = await takeAll(channel, lines.length);
      await source.stop();
      expect(got.length).toBe(lines.length);
      expect(got.every((e, i) => e.body.length === lines[i]!.length && Buffer.from(e.body).toString() === lines[i])).toBe(true);
      expect(source.position).toBe(lines.reduce((n, l) => n + l.length + 1, 0));
    }
  });

  it('goes on after a partial line once its newline is appended, a read of a few bytes at a time', async () => {
    const file = join(dir, 'slow.log');
    await writeFile(file, 'first\nsec');
    const channel = new MemoryChannel(100, 100);
    const source = new TailSource(channel, [timestampInterceptor(false)], file, 0, 5);
    await source.start();
    expect(texts(await takeAll(channel, 1))).toEqual(['first']);
    await appendFile(file, 'ond\nthi');
    expect(texts(await takeAll(channel, 1))).toEqual(['second']);
    await appendFile(file, 'rd\n');
    expect(texts(await takeAll(channel, 1))).toEqual(['third']);
    await source.stop();
    expect(source.position).toBe('first\nsecond\nthird\n'.length);
  });
});

describe('line batches in the file channel', () => {

  it('are logged as their events would be: a reopened channel replays the lines not taken, each with the batch’s headers', async () => {
    const options = { checkpointDir: join(dir, 'checkpoint'), dataDirs: [join(dir, 'data')], minimumRequiredSpace: 0, transactionCapacity: 100 };
    const channel = new FileChannel(options);
    await channel.open();
    const { block, newlines } = blockOf(['', 'one', 'two', 'three', 'four', 'five', 'six']);
    await channel.putLines(new LineBatch(block, newlines, { timestamp: '11', host: 'h' }));
    // A batch that starts inside a read: lines 4–6 of the same block.
    await channel.putLines(new LineBatch(block, newlines, { timestamp: '12' }, 4));
    await channel.put([{ headers: {}, body: Buffer.from('plain') }]);
    const tx = channel.getTransaction();
    const taken = [tx.take()!, tx.take()!, tx.take()!];
    expect(texts(taken)).toEqual(['', 'one', 'two']);
    await tx.commit();
    const back = channel.getTransaction();
    expect(texts([back.take()!])).toEqual(['three']);
    back.rollback();
    // The log is the truth: what a restart replays (the process gone, the channel reopened).
    await channel.close();
    const reopened = new FileChannel(options);
    expect(await reopened.open()).toBe(8);
    const again = reopened.getTransaction();
    const replayed: FlumeEvent[] = [];
    for (let e = again.take(); e; e = again.take()) replayed.push(e);
    expect(texts(replayed)).toEqual(['three', 'four', 'five', 'six', 'four', 'five', 'six', 'plain']);
    expect(replayed.map((e) => e.headers)).toEqual([
      ...Array.from({ length: 4 }, () => ({ timestamp: '11', host: 'h' })),
      ...Array.from({ length: 3 }, () => ({ timestamp: '12' })),
      {},
    ]);
    await again.commit();
    await reopened.close();
  });

  it('a run taken and committed is logged as the takes of its lines: a reopened channel replays only the rest; a run rolled back is replayed', async () => {
    const options = { checkpointDir: join(dir, 'checkpoint-runs'), dataDirs: [join(dir, 'data-runs')], minimumRequiredSpace: 0, transactionCapacity: 100 };
    const channel = new FileChannel(options);
    await channel.open();
    const { block, newlines } = blockOf(['one', 'two', 'three', 'four', 'five']);
    await channel.putLines(new LineBatch(block, newlines, { timestamp: '11' }));
    await channel.put([{ headers: {}, body: Buffer.from('plain') }]);
    const tx = channel.getTransaction();
    expect(tx.takeLines!(2)!.text().toString()).toBe('one\ntwo\n');
    expect(texts([tx.take()!])).toEqual(['three']);
    await tx.commit();
    const back = channel.getTransaction();
    expect(back.takeLines!(10)!.text().toString()).toBe('four\nfive\n');
    back.rollback();
    // A crash: the channel never closed (no last checkpoint), so what the log says is all a restart has.
    const reopened = new FileChannel(options);
    expect(await reopened.open()).toBe(3);
    const again = reopened.getTransaction();
    const replayed: FlumeEvent[] = [];
    for (let e = again.take(); e; e = again.take()) replayed.push(e);
    expect(texts(replayed)).toEqual(['four', 'five', 'plain']);
    expect(replayed[0]!.headers).toEqual({ timestamp: '11' });
    await again.commit();
    await reopened.close();
    await channel.close();
  });

  it('the tail source uses the file channel’s batches too, and every line arrives once, in order', async () => {
    const file = join(dir, 'app.log');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} `.padEnd(40 + (i % 50), 'x'));
    await writeFile(file, lines.map((l) => `${l}\n`).join(''));
    const channel = new FileChannel({ checkpointDir: join(dir, 'c2'), dataDirs: [join(dir, 'd2')], minimumRequiredSpace: 0, transactionCapacity: 700 });
    await channel.open();
    const source = new TailSource(channel, [timestampInterceptor(false, () => 99)], file, 0, 5);
    await source.start();
    const got = await takeAll(channel, lines.length);
    await source.stop();
    await channel.close();
    expect(texts(got)).toEqual(lines);
    expect(got.every((e) => e.headers['timestamp'] === '99')).toBe(true);
  });
});
