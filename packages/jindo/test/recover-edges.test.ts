import { describe, expect, it } from 'vitest';
import type { DurableOssOutputStream } from '@hadoopfs/jindo';
import { bucketsOf, bytes, jindoFs, readAll, serverForTests, stagingKeys, uploadsOf } from './helpers.js';

/**
 * recover where several writers left live uploads for one target — a create() that ran before the first
 * writer's first flush (neither can see the other: the package README's adversary) — the edge the
 * mutation pass found unreached (packages/jindo/MUTATION.md, pass 2). Each fails with its check removed.
 */
const server = serverForTests([]);
const bucket = bucketsOf(server, 'recover-edges');
const afterLease = (b: string) => jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });
const LEASE = { 'fs.jfs.cache.flush.lease': '5s' };

/** Two writers of `/f` created before either flushed: both clear the key, neither sees the other. */
async function twoWriters(b: string): Promise<[DurableOssOutputStream, DurableOssOutputStream]> {
  const w1 = (await (await jindoFs(server, b, LEASE)).create('/f')) as DurableOssOutputStream;
  const w2 = (await (await jindoFs(server, b, LEASE)).create('/f')) as DurableOssOutputStream;
  return [w1, w2];
}

describe('recover with several live writers of one file', () => {
  it('completes the writer that flushed last, and ends the other: its upload aborted, its staging gone', async () => {
    for (const lastFirst of [false, true]) {
      const b = await bucket();
      const [w1, w2] = await twoWriters(b);
      const [early, late] = lastFirst ? [w2, w1] : [w1, w2];
      await early.write(bytes(700, 1));
      await early.hflush();
      server.store.clock.advance(2000);
      await late.write(bytes(900, 2));
      await late.hflush();
      server.store.clock.advance(10_000);
      const reports = await (await afterLease(b)).recoverAll('/f');
      expect(reports.map((r) => r.state).sort()).toEqual(['recovered', 'superseded']);
      expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(900, 2))).toBe(true);
      expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
      server.store.clock.resume();
    }
  });

  it('never picks a writer that replaces another file than the one there now, however late it flushed (D7)', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    await fs.writeFile('/f', 'the first file');
    const w1 = (await (await jindoFs(server, b, LEASE)).create('/f')) as DurableOssOutputStream; // replaces the first file
    await fs.client.put('f', Buffer.from('another tool wrote this'));
    const w2 = (await (await jindoFs(server, b, LEASE)).create('/f')) as DurableOssOutputStream; // replaces that one
    await w2.write(bytes(800, 3));
    await w2.hflush();
    server.store.clock.advance(2000);
    await w1.write(bytes(600, 4));
    await w1.hflush();
    server.store.clock.advance(10_000);
    await (await afterLease(b)).recoverAll('/f');
    // W1 lost to the other tool's file when it was written; W2, which replaces that file, is the file now.
    expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(800, 3))).toBe(true);
    expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
  });
});
