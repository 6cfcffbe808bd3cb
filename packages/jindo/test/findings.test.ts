import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlreadyBeingCreatedError, crc64, FileAlreadyExistsError, FileSystem, LeaseExpiredError, Path, PathCapabilities, StreamCapabilities } from '@hadoopfs/core';
import { DurableOssOutputStream, type JindoOssFileSystem } from '@hadoopfs/jindo';
import { encodeManifest, MANIFEST_KIND, tailEtag } from '@hadoopfs/object-store';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { bytes, jindoFs, keys, nextRequest, PART, readAll, startServer } from './helpers.js';

/**
 * One test per finding of the durable-flush issue (v1 failed each of them), named after it. Multipart
 * cases use files of several 100 KiB parts.
 */
let server: RunningOssServer;
let n = 0;
const bucket = async () => {
  const name = `finding-${++n}`;
  await server.store.createBucket(name);
  return name;
};
beforeAll(async () => {
  server = await startServer([]);
});
afterEach(() => {
  server.faults.clear();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
});

const staging = (b: string) => keys(server, b).filter((k) => k.startsWith('tmp/'));
const expired = (b: string) => jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });

describe('findings of the durable-flush issue', () => {
  it('1: a failed manifest PUT leaves the last flush in force and the next flush works', async () => {
    for (const size of [3000, 3 * PART + 500]) {
      const b = await bucket();
      const fs = await jindoFs(server, b);
      const out = await fs.create('/f');
      const data = bytes(3 * size, size);
      await out.write(data.subarray(0, size));
      await out.hflush();
      await out.write(data.subarray(size, 2 * size));
      server.faults.add({ apis: ['PutObject'], keyPattern: '^tmp/', times: 1, action: { type: 'error', status: 403, code: 'AccessDenied' } });
      await expect(out.hflush()).rejects.toThrow(/AccessDenied/);
      await out.write(data.subarray(2 * size));
      await out.hflush(); // no false LeaseExpiredError, no overwritten tail
      await fs.close(); // the writer dies
      const reports = await (await expired(b)).recoverAll('/f');
      expect(reports.map((r) => r.state)).toEqual(['recovered']);
      expect((await readAll(await expired(b), '/f')).equals(data)).toBe(true);
    }
  });

  it('2: a failed close keeps the flushed bytes recoverable, and close() can be tried again', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/f');
    const data = bytes(2 * PART + 10, 2);
    await out.write(data.subarray(0, PART + 5));
    await out.hflush();
    await out.write(data.subarray(PART + 5));
    server.faults.add({ apis: ['CompleteMultipartUpload'], action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    await expect(out.close()).rejects.toThrow(/stays recoverable/);
    expect(staging(b)).toHaveLength(1);
    server.faults.clear();
    await out.close();
    expect((await readAll(fs, '/f')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);

    // The same failure, then the writer dies: recover brings back the flushed bytes.
    const out2 = await fs.create('/g');
    await out2.write(data);
    await out2.hflush();
    server.faults.add({ apis: ['UploadPart'], action: { type: 'error', status: 403, code: 'AccessDenied' } });
    await out2.write(bytes(PART, 3));
    await expect(out2.close()).rejects.toThrow(/stays recoverable/);
    server.faults.clear();
    await fs.close();
    await (await expired(b)).recoverAll('/g');
    expect((await readAll(await expired(b), '/g')).equals(data)).toBe(true);
  });

  it('3: recover finishes a close instead of undoing it, for small and multipart files', async () => {
    for (const [flushed, total] of [
      [10, 15],
      [2 * PART, 3 * PART + 7],
    ] as const) {
      const b = await bucket();
      const fs = await jindoFs(server, b);
      const data = bytes(total, total);
      const out = await fs.create('/f');
      await out.write(data.subarray(0, flushed));
      await out.hflush();
      await out.write(data.subarray(flushed));
      // The object is completed, then removing the staging fails (or the process dies right there).
      server.faults.add({ apis: ['DeleteMultipleObjects'], action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
      await expect(out.close()).rejects.toThrow(/the object is complete/);
      server.faults.clear();
      const recoverer = await expired(b);
      const reports = await recoverer.recoverAll('/f', { recursive: false });
      expect(reports.map((r) => r.state)).toEqual(['already-complete']);
      expect((await readAll(recoverer, '/f')).equals(data)).toBe(true);
      expect(staging(b)).toEqual([]);
      expect((await recoverer.recoverAll('/', { recursive: true })).filter((r) => r.error)).toEqual([]);
    }
  });

  it('4: recover never replaces a newer file; a second writer within the lease is refused', async () => {
    const b = await bucket();
    const a = await jindoFs(server, b);
    const outA = await a.create('/f');
    await outA.write(bytes(5000, 4));
    await outA.hflush();
    await a.close(); // A dies
    const within = await jindoFs(server, b);
    await expect(within.create('/f')).rejects.toBeInstanceOf(AlreadyBeingCreatedError);
    // Past the lease, create first recovers A (HDFS's lease recovery): overwrite=false then finds the file.
    const after = await expired(b);
    await expect(after.create('/f', { overwrite: false })).rejects.toBeInstanceOf(FileAlreadyExistsError);
    expect((await readAll(after, '/f')).equals(bytes(5000, 4))).toBe(true);
    const outB = await after.create('/f');
    await outB.write('B wins');
    await outB.close();
    expect((await after.recoverAll('/f')).map((r) => r.state)).toEqual(['nothing-staged']);
    expect((await readAll(after, '/f')).toString()).toBe('B wins');

    // Overwritten outside the protocol after the writer began: recover leaves the newer file (D7).
    const outC = await after.create('/g');
    await outC.write(bytes(7000, 5));
    await outC.hflush();
    await after.client.put('g', Buffer.from('written by another tool'));
    const reports = await (await expired(b)).recoverAll('/g');
    expect(reports.map((r) => r.state)).toEqual(['superseded']);
    expect((await readAll(after, '/g')).toString()).toBe('written by another tool');
    expect(staging(b)).toEqual([]);
  });

  it("5: recover deletes nothing it did not write, and a user's manifest.json does not fail recover -R", async () => {
    const b = await bucket();
    const fs = await expired(b);
    const foreign = ['tmp/x/tail-a', 'tmp/x/tail-b', 'tmp/build/manifest.json', 'tmp/build/flush.manifest', 'tmp/y/notes'];
    for (const key of foreign) await fs.client.put(key, Buffer.from(`user data ${key}`));
    const reports = await fs.recoverAll('/', { recursive: true });
    expect(reports.filter((r) => r.error)).toEqual([]);
    expect(staging(b).sort()).toEqual([...foreign].sort());
  });

  it("6: a manifest's claims are checked before anything is copied: tails outside the folder, uploads of other writers", async () => {
    const b = await bucket();
    const fs = await expired(b);
    await fs.client.put('private/key.pem', Buffer.from('secret key'));
    await fs.client.put('etc/app.conf', Buffer.from('config'));
    // Version 1: a tail that names an object outside the file's staging folder.
    const v1 = { kind: MANIFEST_KIND, version: 1, bucket: b, target: 'etc/app.conf', uploadId: null, partSize: 102400, parts: [], flushedLength: 10, writerId: 'w', sequence: 1, updated: 0 };
    await fs.client.put('tmp/etc/app.conf/manifest.json', Buffer.from(JSON.stringify({ ...v1, tail: { key: 'private/key.pem', size: 10, etag: '"X"', crc64: '1' } })));
    const [report] = await fs.recoverAll('/etc/app.conf');
    expect(report!.state).toBe('corrupt-manifest');
    expect(report!.error!.message).toMatch(/not a tail object of this file's staging folder/);
    expect((await readAll(fs, '/etc/app.conf')).toString()).toBe('config');

    // Version 2: a forged manifest naming a live writer's upload is refused together with it.
    const writer = await jindoFs(server, b);
    const out = (await writer.create('/logs/a')) as DurableOssOutputStream;
    await out.write(bytes(PART + 100, 6));
    await out.hflush();
    const uploadId = await out.uploadId!;
    const tail = Buffer.from('forged');
    const forged = encodeManifest(
      { kind: MANIFEST_KIND, version: 2, bucket: b, target: 'logs/a', writerId: 'f'.repeat(32), sequence: 1, uploadId, parts: [], tail: { size: tail.length, etag: tailEtag(tail), crc64: crc64(tail).toString() }, flushedLength: tail.length, replaces: null },
      tail,
    );
    await fs.client.put(`tmp/logs/a/flush.${'f'.repeat(32)}.0000000001.manifest`, forged);
    const states = (await fs.recoverAll('/logs/a', { force: true })).map((r) => r.state);
    expect(states).toEqual(['corrupt-manifest', 'corrupt-manifest']);
    expect(await fs.exists('/logs/a')).toBe(false);
    await out.write('more');
    await out.hflush(); // nothing was claimed: the writer goes on
  });

  it('7: late and duplicated requests land only on keys nothing trusts any more', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/f');
    const data = bytes(3 * PART, 7);
    await out.write(data.subarray(0, 1000));
    await out.hflush();
    await out.write(data.subarray(1000, 2000));
    // This manifest PUT gets no answer and is applied late, after the next flush.
    server.faults.add({ apis: ['PutObject'], keyPattern: '^tmp/', times: 1, action: { type: 'late', ms: 30 } });
    await expect(out.hflush()).rejects.toThrow();
    await out.write(data.subarray(2000));
    // Its removal of the old manifest is applied twice.
    server.faults.add({ apis: ['DeleteMultipleObjects'], times: 1, action: { type: 'duplicate', ms: 5 } });
    await out.hflush();
    await server.stats.idle();
    await fs.close();
    const reports = await (await expired(b)).recoverAll('/f');
    expect(reports.map((r) => r.state)).toEqual(['recovered']);
    expect(reports[0]!.recoveredBytes).toBe(data.length);
    expect((await readAll(await expired(b), '/f')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);
  });

  it("7 (found by the property test): a dead writer's manifest landing after a new writer's create does not beat it", async () => {
    const b = await bucket();
    const dead = await jindoFs(server, b);
    const old = await dead.create('/f');
    await old.write(bytes(300_000, 69)); // more than the live writer will flush: a tie-break by size would pick it
    server.faults.add({ apis: ['PutObject'], keyPattern: '^tmp/', times: 1, action: { type: 'late', ms: 100 } });
    await expect(old.hflush()).rejects.toThrow();
    await dead.close(); // the writer dies; its manifest is still on its way
    const fresh = await expired(b);
    const out = await fresh.create('/f');
    const data = bytes(PART + 300, 70);
    await out.write(data);
    await out.hflush();
    await server.stats.idle(); // the stale manifest lands now, newer than the live writer's
    await fresh.close(); // the new writer dies too
    const reports = await (await expired(b)).recoverAll('/f');
    // The dead writer's upload was aborted by the live writer's create: it was taken over (superseded), not lost.
    expect(reports.map((r) => r.state).sort()).toEqual(['recovered', 'superseded']);
    expect((await readAll(await expired(b), '/f')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);
  });

  it('8: a forced recover racing a live writer fences it, and includes every flush that returned', async () => {
    for (let race = 0; race < 16; race++) {
      const b = await bucket();
      const fs = await jindoFs(server, b);
      const out = await fs.create('/f');
      const data = bytes(4 * PART, 100 + race);
      let returned = 0;
      let at = 0;
      let fenced: unknown;
      const writing = (async () => {
        while (at < data.length) {
          const size = Math.min(20_000 + race * 997, data.length - at);
          try {
            await out.write(data.subarray(at, at + size));
            at += size;
            await out.hflush();
            returned = out.getPos();
          } catch (error) {
            fenced = error;
            return;
          }
        }
      })();
      while (returned === 0) await new Promise((resolve) => setImmediate(resolve));
      const recoverer = await jindoFs(server, b);
      const reports = await recoverer.recoverAll('/f', { force: true });
      const atRecover = returned;
      await writing;
      expect(reports.map((r) => r.state)).toEqual(['recovered']);
      const content = await readAll(recoverer, '/f');
      expect(content.length).toBeGreaterThanOrEqual(returned);
      expect(content.length).toBeGreaterThanOrEqual(atRecover);
      expect(content.equals(data.subarray(0, content.length))).toBe(true);
      if (at < data.length) expect(fenced).toBeInstanceOf(LeaseExpiredError);
      await expect(out.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
      expect(staging(b)).toEqual([]);
      expect(server.store.listUploads(b, '')).toEqual([]);
    }
  });

  it('9: an upload aborted by someone else fails the next flush, even with nothing new', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = (await fs.create('/f')) as DurableOssOutputStream;
    await out.write(bytes(PART + 1, 9));
    await out.hflush();
    await server.store.abortUpload(b, 'f', await out.uploadId!);
    await expect(out.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    await expect(out.close()).rejects.toBeInstanceOf(LeaseExpiredError);
  });

  it('10: recover -R aborts the uploads nothing will complete, and only those', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const crossed = await fs.create('/logs/crossed');
    await crossed.write(bytes(1000, 10));
    await crossed.hflush();
    await crossed.write(bytes(2 * PART, 11)); // a part goes up after the flush
    const never = await fs.create('/logs/never-flushed');
    await never.write(bytes(2 * PART, 12));
    await (never as DurableOssOutputStream).uploadId;
    await server.stats.idle();
    await fs.close(); // both die
    const live = await jindoFs(server, b);
    const liveOut = await live.create('/logs/live');
    await liveOut.write(bytes(PART + 5, 13));
    await liveOut.hflush();
    // Within the lease, young uploads stay; past it but within the purge age (24 h), an upload no manifest
    // names stays too (it may be a plain writer's); past both, the orphans go and the live writer's stays named.
    expect((await (await jindoFs(server, b)).recoverAll('/logs', { recursive: true })).filter((r) => r.state === 'purged')).toEqual([]);
    expect((await (await expired(b)).recoverAll('/logs', { recursive: true, dryRun: true })).filter((r) => r.state === 'would-purge')).toEqual([]);
    const pastPurgeAge = () => jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s', 'fs.jfs.cache.flush.purge.age': '0s' });
    const reports = await (await pastPurgeAge()).recoverAll('/logs', { recursive: true, dryRun: true });
    expect(reports.filter((r) => r.state === 'would-purge').map((r) => r.path)).toEqual([`oss://${b}/logs/never-flushed`]);
    const done = await (await pastPurgeAge()).recoverAll('/logs', { recursive: true });
    expect(done.filter((r) => r.state === 'purged').map((r) => r.path)).toEqual([`oss://${b}/logs/never-flushed`]);
    expect(server.store.listUploads(b, '')).toEqual([]);
  });

  it('10: recover -R -force also aborts orphan uploads younger than the lease (a writer killed before its first flush)', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const orphan = await fs.create('/logs/FlumeData.1.tmp');
    await orphan.write(bytes(2 * PART, 14));
    const uploadId = await (orphan as DurableOssOutputStream).uploadId;
    await server.stats.idle();
    await fs.close(); // dies before its first flush: no manifest names the upload
    const again = await jindoFs(server, b);
    expect((await again.recoverAll('/logs', { recursive: true })).filter((r) => r.state === 'purged')).toEqual([]);
    expect(server.store.listUploads(b, '').map((u) => u.id)).toEqual([uploadId]);
    const forced = await again.recoverAll('/logs', { recursive: true, force: true });
    expect(forced.filter((r) => r.state === 'purged').map((r) => [r.path, r.action])).toEqual([[`oss://${b}/logs/FlumeData.1.tmp`, expect.stringMatching(/forced/)]]);
    expect(server.store.listUploads(b, '')).toEqual([]);
  });

  it('10: a forced recover -R never aborts an upload whose writer flushed after the manifests were listed (the flush is kept)', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/logs/FlumeData.2.tmp');
    const data = bytes(3000, 15);
    await out.write(data);
    await (out as DurableOssOutputStream).uploadId;
    // The recover lists the staging (nothing flushed yet), then the uploads — slowly; the writer flushes
    // in between, and its flush returns: those bytes are acknowledged.
    server.faults.add({ apis: ['ListMultipartUploads'], nth: 1, action: { type: 'latency', ms: 300 } });
    const listing = nextRequest(server, 'ListMultipartUploads');
    const recovering = (await jindoFs(server, b)).recoverAll('/logs', { recursive: true, force: true });
    await listing;
    await out.hflush();
    const reports = await recovering;
    expect(reports.filter((r) => r.error)).toEqual([]);
    expect(reports.map((r) => r.state)).not.toContain('purged');
    expect((await readAll(await jindoFs(server, b), '/logs/FlumeData.2.tmp')).equals(data)).toBe(true);
    expect(server.store.listUploads(b, '')).toEqual([]);
    // The writer was taken over: it fails from here on, and keeps nothing of its own.
    await expect(out.hflush()).rejects.toThrow(LeaseExpiredError);
    await out.abort().catch(() => undefined);
  });

  it('a forced recover whose manifest vanishes under it (the live writer flushed on and removed it) lists again and keeps that flush', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/race/f');
    const data = bytes(6000, 16);
    await out.write(data.subarray(0, 3000));
    await out.hflush();
    // The recover's copy of the tail (its claim) is slow: the writer flushes again meanwhile, which
    // replaces manifest 1 by manifest 2, and returns (the claim is not there yet).
    server.faults.add({ apis: ['UploadPartCopy'], nth: 1, action: { type: 'latency', ms: 300 } });
    const copying = nextRequest(server, 'UploadPartCopy');
    const recovering = (await jindoFs(server, b)).recoverAll('/race/f', { force: true });
    await copying;
    await out.write(data.subarray(3000));
    await out.hflush();
    const reports = await recovering;
    expect(reports.map((r) => [r.state, r.error?.message])).toEqual([['recovered', undefined]]);
    expect((await readAll(await jindoFs(server, b), '/race/f')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);
    await expect(out.hflush()).rejects.toThrow(LeaseExpiredError);
    await out.abort().catch(() => undefined);
  });

  it('a forced recover that finds the manifest it listed already gone (the writer flushed on) lists again instead of seeing nothing staged', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/race/g');
    const data = bytes(6000, 17);
    await out.write(data.subarray(0, 3000));
    await out.hflush();
    // The recover's read of manifest 1 is slow; meanwhile the writer flushes manifest 2 and removes 1.
    server.faults.add({ apis: ['GetObject'], keyPattern: 'manifest$', nth: 1, action: { type: 'latency', ms: 300 } });
    const reading = nextRequest(server, 'GetObject');
    const recovering = (await jindoFs(server, b)).recoverAll('/race/g', { force: true });
    await reading;
    await out.write(data.subarray(3000));
    await out.hflush();
    const reports = await recovering;
    expect(reports.map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', 6000]]);
    expect((await readAll(await jindoFs(server, b), '/race/g')).equals(data)).toBe(true);
    await out.abort().catch(() => undefined);
  });

  it('10: an upload the purge cannot abort is reported failed, and the other uploads are still purged', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    for (const name of ['stuck', 'gone']) {
      const out = await fs.create(`/orphans/${name}`);
      await out.write(bytes(2 * PART, 1));
      await (out as DurableOssOutputStream).uploadId;
    }
    await server.stats.idle();
    await fs.close(); // both die before their first flush
    server.faults.add({ apis: ['AbortMultipartUpload'], keyPattern: '^orphans/stuck$', action: { type: 'error', status: 403, code: 'AccessDenied' } });
    const reports = await (await jindoFs(server, b)).recoverAll('/orphans', { recursive: true, force: true });
    expect(reports.map((r) => [r.path, r.state]).sort()).toEqual([
      [`oss://${b}/orphans/gone`, 'purged'],
      [`oss://${b}/orphans/stuck`, 'failed'],
    ]);
    expect(reports.find((r) => r.state === 'failed')!.error!.message).toMatch(/AccessDenied/);
    expect(server.store.listUploads(b, '').map((u) => u.key)).toEqual(['orphans/stuck']);
  });

  it("11: the lease runs on OSS's clock, not on the recovering machine's", async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/f');
    await out.write('x');
    await out.hflush();
    // The recovering machine's clock is ten minutes ahead (ten leases; less than OSS's 15-minute skew limit
    // on signatures): the manifest is still seconds old on OSS's clock.
    const real = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => real() + 600_000);
    const reports = await (await jindoFs(server, b)).recoverAll('/f');
    expect(reports.map((r) => r.state)).toEqual(['live-writer']);
  });

  it('12: a flush uploads only what is new: flushes every 200 KB at the default part size cost ≤ 1.6× the bytes', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, { 'fs.oss.multipart.part.size': '8m', 'fs.oss.upload.active.blocks': 4 });
    const out = await fs.create('/f');
    const batch = bytes(200_000, 12);
    server.stats.reset();
    const flushes = 60;
    for (let i = 0; i < flushes; i++) {
      await out.write(batch);
      await out.hflush();
    }
    await server.stats.idle();
    const written = flushes * batch.length;
    const { requests, bytesIn } = server.stats.snapshot();
    expect(bytesIn / written).toBeLessThanOrEqual(1.6);
    const beyondParts = server.stats.total() - (requests['UploadPart'] ?? 0);
    expect(beyondParts / flushes).toBeLessThanOrEqual(3);
    await out.close();
    expect((await readAll(fs, '/f')).length).toBe(written);
  });

  it('12 (part budget): near the part limit flushes stop adding parts, and a write past it is refused whole (EFBIG), the stream going on', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const partSize = 300 * 1024;
    // Six part numbers: flushes may make parts of their own up to three, whole parts fill the rest.
    const out = new DurableOssOutputStream(new Path(`oss://${b}/f`), fs.client, {
      removalBatch: 8,
      bucket: b,
      key: 'f',
      stagingPrefix: 'tmp',
      partSizeKey: 'fs.oss.multipart.part.size',
      folder: 'tmp/f/',
      layout: 'target',
      since: 0,
      buffers: fs.uploadBuffers,
      partSize,
      activeBlocks: 2,
      forbidOverwrite: false,
      replaces: null,
      maxParts: 6,
    });
    const data = bytes(6 * partSize + 1000, 120);
    let at = 0;
    const write = async (n: number) => {
      await out.write(data.subarray(at, at + n));
      at += n;
    };
    for (let i = 0; i < 3; i++) {
      await write(150 * 1024);
      await out.hflush(); // each flush of ≥ 100 KiB is a part of its own
    }
    server.stats.reset();
    await write(150 * 1024);
    await out.hflush(); // the budget is spent: the 150 KiB stay in the manifest's tail
    expect(server.stats.requests['UploadPart'] ?? 0).toBe(0);
    await write(3 * partSize - 150 * 1024); // parts 4, 5, 6 fill up
    await out.hflush();
    const before = out.getPos();
    const refused = await out.write(data.subarray(at, at + partSize)).catch((e: unknown) => e as Error & { code: string });
    expect(refused).toMatchObject({ code: 'EFBIG' });
    expect((refused as Error).message).toMatch(/fs\.oss\.multipart\.part\.size/);
    expect(out.getPos()).toBe(before); // no byte taken
    await write(1000); // what still fits goes on
    await out.hflush();
    await fs.close(); // the writer dies
    expect((await (await expired(b)).recoverAll('/f')).map((r) => r.state)).toEqual(['recovered']);
    const recovered = await readAll(await expired(b), '/f');
    expect(recovered.equals(data.subarray(0, at))).toBe(true);
  });

  it('13: durable but invisible streams declare neither hflush nor hsync, but durable-flush', async () => {
    const b = await bucket();
    const fs: JindoOssFileSystem = await jindoFs(server, b);
    const out = await fs.create('/f');
    expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.DURABLE_FLUSH)).toBe(true);
    expect(StreamCapabilities.DURABLE_FLUSH).toBe('hadoopfs.capability.outputstream.durable-flush');
    expect(await fs.hasPathCapability('/f', PathCapabilities.HFLUSH)).toBe(false);
    expect(await fs.hasPathCapability('/f', PathCapabilities.DURABLE_FLUSH)).toBe(true);
    await out.close();
  });
});
