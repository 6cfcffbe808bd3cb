import { describe, expect, it } from 'vitest';
import { MemoryChannel, textEvent } from '@hadoopfs/flume';

describe('MemoryChannel', () => {
  it('a put beyond the capacity waits for room, event by event, and keeps the order', async () => {
    const channel = new MemoryChannel(3, 3);
    let done = false;
    const putting = channel.put(['a', 'b', 'c', 'd', 'e'].map((t) => textEvent(t))).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.size).toBe(3);
    expect(done).toBe(false);
    const first = channel.getTransaction();
    expect(first.take()?.body.toString()).toBe('a');
    first.commit();
    await new Promise((resolve) => setImmediate(resolve));
    // One taken, one more in: still waiting for the last.
    expect(channel.size).toBe(3);
    expect(done).toBe(false);
    const second = channel.getTransaction();
    const got = [second.take(), second.take(), second.take()].map((e) => e?.body.toString());
    second.commit();
    await putting;
    const third = channel.getTransaction();
    got.push(third.take()?.body.toString());
    expect(got).toEqual(['b', 'c', 'd', 'e']);
    expect(third.take()).toBeUndefined();
  });
});
