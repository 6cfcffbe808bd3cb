import { describe, expect, it } from 'vitest';
import { bucketsOf, bytes, jindoFs, readAll, serverForTests, stagingKeys, uploadsOf as uploadsOfKey } from './helpers.js';

/**
 * Issue 20: the protocol past a page of OSS's listings (1,000 a page) — uploads of one key for create()
 * and the purge, manifests of one writer for recover. (Apart from overlap.test.ts: these are slow, and the
 * mutation runs leave them out.)
 */
const server = serverForTests([]);
const bucket = bucketsOf(server, 'paging');
const staging = (b: string) => stagingKeys(server, b);
const uploadsOf = (b: string, key: string) => uploadsOfKey(server, b, key);
const LEASE = { 'fs.jfs.cache.flush.lease': '10s' };
const afterLease = (b: string) => jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });

describe('past a page of uploads (paging)', () => {
  it('recover reads past a page of one writer’s manifests (1,003 of them: every removal of a previous one failed)', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = await fs.create('/data/f');
    server.faults.add({ apis: ['DeleteMultipleObjects', 'DeleteObject'], action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    const data = bytes(1003, 30);
    for (let i = 0; i < 1003; i++) {
      await out.write(data.subarray(i, i + 1));
      await out.hflush();
    }
    server.faults.clear();
    expect(staging(b)).toHaveLength(1003);
    await fs.close(); // the writer dies
    const reports = await (await afterLease(b)).recoverAll('/data/f');
    expect(reports.map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', 1003]]);
    expect((await readAll(await jindoFs(server, b), '/data/f')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);
  }, 120_000);

  it('create() and the purge see every one of 1,010 uploads of one key', async () => {
    const b = await bucket();
    const t0 = Date.UTC(2026, 11, 7, 9, 0, 0);
    const initiate = async (count: number, at: number) => {
      server.store.clock.set(at);
      for (let i = 0; i < count; i++) await server.store.initiateUpload(b, 'data/f', { contentType: 'application/octet-stream', userMeta: {} });
    };
    // 1,010 old uploads nothing names, then a young one on the second page: create() ends every old one
    // (claimed, listed, aborted), then finds the young one and refuses.
    await initiate(1010, t0);
    server.store.clock.set(t0 + 120_000);
    const young = await server.store.initiateUpload(b, 'data/f', { contentType: 'application/octet-stream', userMeta: {} });
    server.store.clock.set(t0 + 125_000);
    await expect((await jindoFs(server, b, LEASE)).create('/data/f')).rejects.toThrow(new RegExp(`upload ${young.id} was active`));
    expect(uploadsOf(b, 'data/f').map((u) => u.id)).toEqual([young.id]);
    await server.store.abortUpload(b, 'data/f', young.id);
    // The purge (forced: no age asked) ends all of 1,010 more.
    await initiate(1010, t0 + 200_000);
    const reports = await (await jindoFs(server, b, LEASE)).recoverAll('/data', { recursive: true, force: true });
    expect([...new Set(reports.map((r) => r.state))]).toEqual(['purged']);
    expect(reports).toHaveLength(1010);
    expect(uploadsOf(b, 'data/f')).toEqual([]);
  }, 120_000);
});
