import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChannel, MemoryChannel, TailSource, timestampInterceptor, type Channel, type FlumeEvent } from '@hadoopfs/flume';
import { takeAll } from './fixtures/take-all.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flume-tail-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


describe('TailSource', () => {
  it('delivers each line’s bytes as they are in the file (not decoded and encoded again), with a timestamp', async () => {
    const file = join(dir, 'bytes.log');
    const odd = Buffer.from([0x61, 0xff, 0xfe, 0x62]); // not UTF-8
    await writeFile(file, Buffer.concat([Buffer.from('plain\n'), odd, Buffer.from('\n\ncarriage\r\npartial')]));
    const channel = new MemoryChannel(100, 100);
    const source = new TailSource(channel, [timestampInterceptor(false, () => 1234)], file, 0, 5);
    await source.start();
    const got = await takeAll(channel, 4);
    await source.stop();
    expect(got.map((e) => Buffer.from(e.body))).toEqual([Buffer.from('plain'), odd, Buffer.alloc(0), Buffer.from('carriage\r')]);
    expect(got.map((e) => e.headers)).toEqual(Array.from({ length: 4 }, () => ({ timestamp: '1234' })));
    // The partial last line is not delivered; the position stops before it.
    expect(source.position).toBe((await readFile(file)).length - 'partial'.length);
  });

  it('writes the position file at most every writePosInterval, and at stop: a restart goes on after the last accepted line', async () => {
    const file = join(dir, 'positions.log');
    const positionFile = join(dir, 'taildir_position.json');
    await writeFile(file, 'one\ntwo\n');
    const channel = new MemoryChannel(100, 100);
    const source = new TailSource(channel, [], file, 0, 5, positionFile, 60_000);
    await source.start();
    await takeAll(channel, 2);
    const written = async () => (JSON.parse(await readFile(positionFile, 'utf8')) as Array<{ pos: number }>)[0]!.pos;
    // The first accepted lines are recorded at once; those within the interval after them are not yet.
    await expect.poll(written).toBe(8);
    await appendFile(file, 'three\n');
    await takeAll(channel, 1);
    expect(await written()).toBe(8);
    await source.stop();
    expect(await written()).toBe(14);
    const again = new MemoryChannel(100, 100);
    const restarted = new TailSource(again, [], file, 0, 5, positionFile, 60_000);
    await restarted.start();
    await appendFile(file, 'four\n');
    expect((await takeAll(again, 1)).map((e) => e.body.toString())).toEqual(['four']);
    await restarted.stop();
  });

  it('puts a read of many short lines in transactions of at most the channel’s transactionCapacity (a file channel refuses more)', async () => {
    const file = join(dir, 'short.log');
    const lines = Array.from({ length: 35 }, (_, i) => `l${i}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const channel = new FileChannel({ checkpointDir: join(dir, 'cp'), dataDirs: [join(dir, 'data')], capacity: 100, transactionCapacity: 10, minimumRequiredSpace: 0 });
    await channel.open();
    const source = new TailSource(channel, [], file, 0, 5);
    await source.start();
    const got = (await takeAll(channel, lines.length)).map((e) => Buffer.from(e.body).toString());
    await source.stop();
    await channel.close();
    expect(got).toEqual(lines);
    expect(source.counters).toEqual({ received: 35, accepted: 35 });
  });

  it('a channel that refuses puts is tried again (backing off), nothing lost or doubled; stopped meanwhile, the position stays before the refused lines', async () => {
    const file = join(dir, 'refused.log');
    await writeFile(file, 'one\ntwo\n');
    const inner = new MemoryChannel(100, 100);
    let refusals = 2;
    const flaky: Channel = {
      capacity: 100,
      transactionCapacity: 100,
      get size() {
        return inner.size;
      },
      put: (events) => (refusals-- > 0 ? Promise.reject(new Error('disk full')) : inner.put(events)),
      getTransaction: () => inner.getTransaction(),
      set onPut(callback) {
        inner.onPut = callback;
      },
      get onPut() {
        return inner.onPut;
      },
    };
    const source = new TailSource(flaky, [], file, 0, 5);
    const told: string[] = [];
    source.onError = (error) => told.push(error.message);
    await source.start();
    expect((await takeAll(inner, 2)).map((e) => e.body.toString())).toEqual(['one', 'two']);
    expect(told).toEqual(['disk full', 'disk full']);
    await expect.poll(() => source.counters.accepted).toBe(2);
    expect(source.counters).toEqual({ received: 2, accepted: 2 });
    expect(source.position).toBe(8);
    // Refused for good: stopping leaves the position where the accepted lines end.
    refusals = Infinity;
    await writeFile(file, 'one\ntwo\nthree\n');
    await expect.poll(() => source.counters.received).toBe(3);
    await source.stop();
    expect(source.position).toBe(8);
    expect(source.counters).toEqual({ received: 3, accepted: 2 });
  });
});

describe('timestampInterceptor', () => {
  it('sets the header on the event it is given, as Flume’s does (headers put in place), and keeps an existing one only with preserveExisting', () => {
    let now = 1000;
    const stamp = timestampInterceptor(false, () => now);
    const event: FlumeEvent = { headers: { host: 'a', timestamp: '7' }, body: Buffer.from('x') };
    const headers = event.headers;
    expect(stamp(event)).toBe(event);
    expect(event.headers).toBe(headers);
    expect(headers).toEqual({ host: 'a', timestamp: '1000' });
    now = 1001;
    expect(stamp({ headers: {}, body: Buffer.alloc(0) }).headers).toEqual({ timestamp: '1001' });
    const kept: FlumeEvent = { headers: { timestamp: '7' }, body: Buffer.alloc(0) };
    expect(timestampInterceptor(true, () => now)(kept).headers).toEqual({ timestamp: '7' });
    expect(timestampInterceptor(true, () => now)({ headers: {}, body: Buffer.alloc(0) }).headers).toEqual({ timestamp: '1001' });
  });
});
