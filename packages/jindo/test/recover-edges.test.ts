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

describe('recover of one writer, at its edges', () => {
  it('force takes over a writer within its lease; without it, the writer is left alone', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b, LEASE)).create('/f');
    await out.write(bytes(400, 5));
    await out.hflush();
    const recoverer = await jindoFs(server, b, LEASE);
    expect((await recoverer.recoverAll('/f')).map((r) => r.state)).toEqual(['live-writer']);
    expect((await recoverer.recoverAll('/f', { force: true })).map((r) => r.state)).toEqual(['recovered']);
    expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(400, 5))).toBe(true);
  });

  it('a dry run says what it would do and changes nothing: over a completed upload, and over a replaced target', async () => {
    const b = await bucket();
    // F: completed by its writer, whose removal of its staging failed (close says so).
    const f = await (await jindoFs(server, b)).create('/f');
    await f.write(bytes(300, 6));
    await f.hflush();
    server.faults.add({ apis: ['DeleteMultipleObjects'], action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    await expect(f.close()).rejects.toThrow(/the object is complete/);
    server.faults.clear();
    // G: its writer died; then another tool replaced the file.
    const g = await (await jindoFs(server, b)).create('/g');
    await g.write(bytes(200, 7));
    await g.hflush();
    await (await jindoFs(server, b)).client.put('g', Buffer.from('another tool'));
    const before = [stagingKeys(server, b), uploadsOf(server, b, 'g').length];
    const reports = await (await afterLease(b)).recoverAll('/', { recursive: true, dryRun: true });
    expect(reports.map((r) => [r.path.replace(/.*\//, ''), r.state, r.action])).toEqual([
      ['f', 'already-complete', "the target is this writer's completed upload; would remove its staging"],
      ['g', 'superseded', expect.stringMatching(/^the target was replaced after writer \w+ began; would leave the target/)],
    ]);
    expect([stagingKeys(server, b), uploadsOf(server, b, 'g').length]).toEqual(before);
  });

  it('a target another tool writes while recover completes (create-only) is left; the writer is ended', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b)).create('/f');
    await out.write(bytes(500, 8));
    await out.hflush();
    // Recover's create-only Complete is held; meanwhile another tool writes the target.
    const id = server.faults.add({ apis: ['CompleteMultipartUpload'], nth: 1, action: { type: 'hold', ms: 60_000 } });
    const recovering = (await afterLease(b)).recoverAll('/f', { force: true });
    await server.faults.whenHeld();
    await (await jindoFs(server, b)).client.put('f', Buffer.from('written meanwhile'));
    server.faults.remove(id);
    server.faults.releaseHeld();
    expect((await recovering).map((r) => r.state)).toEqual(['superseded']);
    expect((await readAll(await jindoFs(server, b), '/f')).toString()).toBe('written meanwhile');
    expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
  });
});

describe('recover of one path and the uploads nothing names', () => {
  it('ends the key’s upload that no manifest names once it is idle past the lease (as create() does); within the lease, or another key’s, it stays', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const idle = await fs.client.initUpload('f');
    const other = await fs.client.initUpload('f2');
    const young = await jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '60s' });
    expect((await young.recoverAll('/f')).map((r) => r.state)).toEqual(['nothing-staged']);
    expect(uploadsOf(server, b, 'f').map((u) => u.id)).toEqual([idle]);
    server.store.clock.advance(61_000);
    const reports = await young.recoverAll('/f');
    expect(reports.map((r) => [r.state, r.uploadId])).toEqual([
      ['nothing-staged', undefined],
      ['purged', idle],
    ]);
    expect(uploadsOf(server, b, 'f')).toEqual([]);
    expect(uploadsOf(server, b, 'f2').map((u) => u.id)).toEqual([other]);
    server.store.clock.resume();
  });

  it('a dry run says it would end it, and changes nothing', async () => {
    const b = await bucket();
    const fs = await afterLease(b);
    const idle = await fs.client.initUpload('f');
    server.store.clock.advance(2000);
    expect((await fs.recoverAll('/f', { dryRun: true })).map((r) => r.state)).toEqual(['nothing-staged', 'would-purge']);
    expect(uploadsOf(server, b, 'f').map((u) => u.id)).toEqual([idle]);
    server.store.clock.resume();
  });
});
