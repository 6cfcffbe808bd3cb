import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AlreadyBeingCreatedError, crc64, LeaseExpiredError } from '@hadoopfs/core';
import { type DurableOssOutputStream } from '@hadoopfs/jindo';
import { encodeManifest, endUnnamedUpload, MANIFEST_KIND, minimumAge, tailEtag, type FlushManifest } from '@hadoopfs/object-store';
import { bucketsOf, bytes, jindoFs, nextRequest, PART, readAll, serverForTests, stagingKeys, uploadsOf as uploadsOfKey } from './helpers.js';

/**
 * Issue 20: durable flush when commands overlap. One test per schedule the adversarial review found, each
 * put exactly where it broke the protocol by holding a request at the server (a `hold` fault: the request
 * waits, its client waiting, until the test lets it go) — never by a timing window — and the lease at its
 * edge by the server's clock. Each of these failed before its fix.
 */
const server = serverForTests([]);
const bucket = bucketsOf(server, 'overlap');
const staging = (b: string) => stagingKeys(server, b);
const uploadsOf = (b: string, key: string) => uploadsOfKey(server, b, key);
/**
 * Holds the next request of `api` (on a key matching `keyPattern`) at the server. `held` resolves once it
 * waits there; `release()` lets it go on, to be handled and answered as usual.
 */
function hold(api: string, keyPattern?: string): { held: Promise<string>; release: () => void } {
  const id = server.faults.add({ apis: [api], ...(keyPattern ? { keyPattern } : {}), nth: 1, action: { type: 'hold', ms: 60_000 } });
  return {
    held: server.faults.whenHeld(),
    release: () => {
      server.faults.remove(id);
      server.faults.releaseHeld();
    },
  };
}

/** Writes `data`, whose first PART bytes fill one part, and waits until the server holds that part. */
async function writeWithPart(out: { write(b: Uint8Array): Promise<void> }, data: Buffer): Promise<void> {
  const part = nextRequest(server, 'UploadPart');
  await out.write(data);
  await part;
  await server.stats.idle();
}

const LEASE = { 'fs.jfs.cache.flush.lease': '10s' };
/** A recoverer after the writers died and their lease ran out. */
const afterLease = (b: string) => jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });

describe('a second writer while the first flushes (D1)', () => {
  it('create() whose upload listing comes after the first writer’s first flush returned refuses, and the flush survives', async () => {
    const b = await bucket();
    const w1 = await (await jindoFs(server, b, LEASE)).create('/data/f');
    const data = bytes(1000, 1);
    await w1.write(data);
    // W2 lists the staging (nothing yet); its upload listing is held while W1's first flush runs in full.
    const listing = hold('ListMultipartUploads');
    const creating = (await jindoFs(server, b, LEASE)).create('/data/f').then(
      () => 'created',
      (error: unknown) => error,
    );
    await listing.held;
    await w1.hflush();
    listing.release();
    const second = await creating;
    expect(second).toBeInstanceOf(AlreadyBeingCreatedError);
    expect((second as Error).message).toMatch(/being written by another writer.*within the 10 s lease/);
    // W1 goes on: its flushed bytes, and the rest, are the file.
    await w1.write(bytes(10, 2));
    await w1.hflush();
    await w1.close();
    expect((await readAll(await jindoFs(server, b), '/data/f')).equals(Buffer.concat([data, bytes(10, 2)]))).toBe(true);
    expect(uploadsOf(b, 'data/f')).toEqual([]);
  });

  it('create() that ends a silent writer’s old upload claims it first: a flush landing before the claim is kept, and create refuses', async () => {
    const b = await bucket();
    const w1 = await (await jindoFs(server, b, LEASE)).create('/data/f');
    const data = bytes(PART + 500, 3);
    await writeWithPart(w1, data); // one whole part goes up: W1 has an upload, and nothing flushed
    server.store.clock.advance(30_000); // silent for three leases
    // W2's claim of that upload is held while W1's first flush runs in full (its fencing read before the claim).
    const claim = hold('UploadPart', '^data/f$');
    const creating = (await jindoFs(server, b, LEASE)).create('/data/f').then(
      () => 'created',
      (error: unknown) => error,
    );
    await claim.held;
    await w1.hflush();
    claim.release();
    const second = await creating;
    expect(second).toBeInstanceOf(AlreadyBeingCreatedError);
    expect((second as Error).message).toMatch(/flushed into upload .* while create was ending it/);
    // W1 lost its lease (claimed), not its flushed bytes: once it is dead and its lease over, recover has them.
    await expect(w1.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    const reports = await (await afterLease(b)).recoverAll('/data/f');
    expect(reports.map((r) => r.state)).toEqual(['recovered']);
    expect((await readAll(await jindoFs(server, b), '/data/f')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);
    expect(uploadsOf(b, 'data/f')).toEqual([]);
  });

  it('create() within the lease of an upload that has not flushed yet refuses, and after it ends that upload', async () => {
    const b = await bucket();
    const w1 = await (await jindoFs(server, b, LEASE)).create('/data/f');
    await writeWithPart(w1, bytes(PART, 4));
    const uploadId = await (w1 as DurableOssOutputStream).uploadId;
    await expect((await jindoFs(server, b, LEASE)).create('/data/f')).rejects.toThrow(AlreadyBeingCreatedError);
    server.store.clock.advance(30_000);
    const w2 = await (await jindoFs(server, b, LEASE)).create('/data/f');
    expect(uploadsOf(b, 'data/f').map((u) => u.id)).not.toContain(uploadId);
    await expect(w1.close()).rejects.toBeInstanceOf(LeaseExpiredError);
    await w2.write('second');
    await w2.close();
    expect((await readAll(await jindoFs(server, b), '/data/f')).toString()).toBe('second');
  });
});

describe('create() and staging it cannot trust (D1, D5)', () => {
  async function liveWriter(b: string) {
    const fs = await jindoFs(server, b, LEASE);
    const out = (await fs.create('/data/f')) as DurableOssOutputStream;
    const data = bytes(PART + 700, 5);
    await out.write(data);
    await out.hflush();
    return { out, data, uploadId: (await out.uploadId)! };
  }

  it('junk named as the live writer’s next manifest makes create() refuse, naming it; the writer goes on', async () => {
    const b = await bucket();
    const { out, data, uploadId } = await liveWriter(b);
    const junk = `tmp/data/f/flush.${out.writerId}.9999999999.manifest`;
    server.store.clock.advance(60_000); // even past the lease: staging that cannot be read is not recovered past
    await (await jindoFs(server, b)).client.put(junk, Buffer.from('{"kind":"hadoopfs-jindo-flush-manifest","version":2}\nnot a tail'));
    const refused = await (await jindoFs(server, b, LEASE)).create('/data/f').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AlreadyBeingCreatedError);
    expect((refused as Error).message).toContain(junk);
    expect(uploadsOf(b, 'data/f').map((u) => u.id)).toEqual([uploadId]);
    await out.close();
    expect((await readAll(await jindoFs(server, b), '/data/f')).equals(data)).toBe(true);
  });

  it('a copy of the live writer’s manifest under another writer id (a forgery) makes create() refuse', async () => {
    const b = await bucket();
    const { out, data, uploadId } = await liveWriter(b);
    const fs = await jindoFs(server, b);
    const [original] = staging(b);
    const header = JSON.parse((await fs.client.getBytes(original!))!.toString('utf8').split('\n')[0]!) as FlushManifest;
    const forger = randomBytes(16).toString('hex');
    const tail = Buffer.alloc(0);
    const forged: FlushManifest = { ...header, writerId: forger, sequence: 1, parts: header.parts, tail: { size: 0, etag: tailEtag(tail), crc64: crc64(tail).toString() } };
    forged.flushedLength = forged.parts.reduce((sum, p) => sum + p.size, 0);
    await fs.client.put(`tmp/data/f/flush.${forger}.0000000001.manifest`, encodeManifest(forged, tail));
    server.store.clock.advance(60_000);
    const refused = await (await jindoFs(server, b, LEASE)).create('/data/f').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AlreadyBeingCreatedError);
    expect((refused as Error).message).toMatch(/named by another writer's manifest too/);
    expect(uploadsOf(b, 'data/f').map((u) => u.id)).toEqual([uploadId]);
    await out.close();
    expect((await readAll(fs, '/data/f')).equals(data)).toBe(true);
  });
});

describe('recover -R beside a live writer (D5, D6)', () => {
  const retrying = { ...LEASE, 'fs.oss.attempts.maximum': 2, 'fs.oss.retry.interval': '1ms', 'fs.oss.retry.interval.maximum': '2ms' };

  it('an unforced purge never takes over a writer whose lost Initiate answer left a second upload', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, retrying);
    server.faults.add({ apis: ['InitiateMultipartUpload'], nth: 1, action: { type: 'drop', when: 'instead-of-response' } });
    const out = await fs.create('/data/f');
    const data = bytes(2000, 6);
    await out.write(data.subarray(0, 1000));
    await out.hflush();
    expect(uploadsOf(b, 'data/f')).toHaveLength(2); // the first attempt's upload, which no answer named
    server.store.clock.advance(30_000); // both uploads past the lease…
    await out.write(data.subarray(1000, 1500));
    await out.hflush(); // …the manifest fresh
    const purgeAll = { 'fs.jfs.cache.flush.lease': '10s', 'fs.jfs.cache.flush.purge.age': '0s' };
    const reports = await (await jindoFs(server, b, purgeAll)).recoverAll('/data', { recursive: true });
    expect(reports.map((r) => r.state)).toEqual(['live-writer']);
    await out.write(data.subarray(1500));
    await out.hflush(); // not taken over
    await out.close();
    expect((await readAll(fs, '/data/f')).equals(data)).toBe(true);
  });

  it('a writer’s first flush landing between recover -R’s staging listing and its purge is not forced over', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = (await fs.create('/data/f')) as DurableOssOutputStream;
    const data = bytes(PART + 300, 7);
    await writeWithPart(out, data); // a part: an upload, nothing flushed
    server.store.clock.advance(30_000);
    const listing = hold('ListMultipartUploads');
    const purgeAll = { 'fs.jfs.cache.flush.lease': '10s', 'fs.jfs.cache.flush.purge.age': '0s' };
    const recovering = (await jindoFs(server, b, purgeAll)).recoverAll('/data', { recursive: true });
    await listing.held;
    await out.hflush(); // 300 bytes past the part: no new part, the upload stays old
    listing.release();
    const reports = await recovering;
    expect(reports.map((r) => r.state)).not.toContain('recovered');
    expect(reports.map((r) => r.state)).toContain('live-writer');
    // The purge's claim fenced the writer (it cannot be undone), but its flush is what recover completes.
    await out.abort();
    const after = await (await afterLease(b)).recoverAll('/data/f');
    expect(after.map((r) => r.state)).toEqual(['recovered']);
    expect((await readAll(fs, '/data/f')).equals(data)).toBe(true);
  });

  it('an unforced purge leaves a plain writer’s upload that is quieter than the lease (purge age, 24 h as S3A)', async () => {
    const b = await bucket();
    const plain = await jindoFs(server, b, { 'fs.jfs.cache.oss.flush.enable': 'false' });
    const out = await plain.create('/data/plain');
    const data = bytes(2 * PART + 10, 8);
    await writeWithPart(out, data.subarray(0, PART + 1)); // one part up; the next fills slowly
    server.store.clock.advance(10 * 60_000);
    const reports = await (await jindoFs(server, b, LEASE)).recoverAll('/data', { recursive: true });
    expect(reports.filter((r) => r.state === 'purged')).toEqual([]);
    await out.write(data.subarray(PART + 1));
    await out.close();
    expect((await readAll(plain, '/data/plain')).equals(data)).toBe(true);
  });

  it('a forced recover racing a live writer leaves none of the fenced writer’s manifests behind', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = await fs.create('/data/f');
    const data = bytes(3000, 9);
    await out.write(data.subarray(0, 2000));
    await out.hflush();
    // The recover has claimed the upload and listed the staging again; its Complete is held while the
    // writer flushes once more: that manifest lands, its fencing read sees the claim, the flush fails.
    const complete = hold('CompleteMultipartUpload');
    const recovering = (await jindoFs(server, b, LEASE)).recoverAll('/data/f', { force: true });
    await complete.held;
    await out.write(data.subarray(2000));
    await expect(out.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    // That flush's manifest landed (the first one's removal, off the flush's path, may or may not have yet).
    expect(staging(b).filter((k) => k.endsWith('.0000000002.manifest'))).toHaveLength(1);
    complete.release();
    expect((await recovering).map((r) => r.state)).toEqual(['recovered']);
    expect(staging(b)).toEqual([]);
    expect((await readAll(fs, '/data/f')).equals(data.subarray(0, 2000))).toBe(true);
  });
});

describe('superseded manifests, removed several at once off the flush’s path (issue 22)', () => {
  const BATCH2 = { ...LEASE, 'fs.jfs.cache.flush.removal.batch': '2' };

  it('a flush returns while its removal of older manifests is held; a forced recover meanwhile builds the newest; close waits for the removal', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, BATCH2);
    const out = await fs.create('/data/f');
    const data = bytes(3000, 11);
    await out.write(data.subarray(0, 1000));
    await out.hflush();
    await out.write(data.subarray(1000, 1500));
    await out.hflush(); // one superseded: kept for the next removal
    expect(staging(b).filter((k) => k.endsWith('.manifest'))).toHaveLength(2);
    const removal = hold('DeleteMultipleObjects');
    await out.write(data.subarray(1500, 2500));
    // Two superseded: their removal goes, and the flush returns with it still waiting at the server.
    await out.hflush();
    expect(await removal.held).toBe('DeleteMultipleObjects');
    expect(staging(b).filter((k) => k.endsWith('.manifest'))).toHaveLength(3);
    expect((await (await jindoFs(server, b, LEASE)).recoverAll('/data/f', { force: true })).map((r) => r.state)).toEqual(['recovered']);
    expect((await readAll(fs, '/data/f')).equals(data.subarray(0, 2500))).toBe(true);
    // The writer, taken over, learns it at close; its close waited for the removal it had in flight.
    let closed = false;
    const closing = out.close().finally(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    removal.release();
    await expect(closing).rejects.toBeInstanceOf(LeaseExpiredError);
    expect(staging(b)).toEqual([]);
  });

  it('nine flushes send one removal (of eight manifests, by default); a refused one leaves them to close, which removes every manifest', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = await fs.create('/data/f');
    const data = bytes(9 * 300, 12);
    const removalsBefore = server.stats.requests['DeleteMultipleObjects'] ?? 0;
    for (let i = 0; i < 9; i++) {
      await out.write(data.subarray(i * 300, (i + 1) * 300));
      await out.hflush();
    }
    await out.hflush(); // awaits the removal the ninth flush sent (and has nothing new)
    expect((server.stats.requests['DeleteMultipleObjects'] ?? 0) - removalsBefore).toBe(1);
    expect(staging(b).filter((k) => k.endsWith('.manifest'))).toHaveLength(1);

    const second = await fs.create('/data/g');
    const refused = server.faults.add({ apis: ['DeleteMultipleObjects'], action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    for (let i = 0; i < 9; i++) {
      await second.write(data.subarray(i * 300, (i + 1) * 300));
      await second.hflush();
    }
    await second.hflush();
    expect(staging(b).filter((k) => k.includes('/g/') && k.endsWith('.manifest'))).toHaveLength(9);
    server.faults.remove(refused);
    await second.close();
    await out.close();
    expect(staging(b)).toEqual([]);
    expect((await readAll(fs, '/data/g')).equals(data)).toBe(true);
  });
});

describe('the lease at its edge (D5)', () => {
  for (const [leaseSeconds, realAgeMs] of [
    [2, 1080],
    [60, 59_080],
  ] as const) {
    it(`a manifest ${realAgeMs / 1000} s old is within a ${leaseSeconds} s lease, whatever seconds the stamps fall in`, async () => {
      const b = await bucket();
      const lease = { 'fs.jfs.cache.flush.lease': `${leaseSeconds}s` };
      const t0 = Date.UTC(2026, 11, 7, 10, 0, 0, 950); // the manifest is written late in its second
      server.store.clock.set(t0);
      const out = await (await jindoFs(server, b, lease)).create('/data/f');
      await out.write('x');
      await out.hflush();
      server.store.clock.set(t0 + realAgeMs); // early in a second: the stamps differ by a whole second more
      const reports = await (await jindoFs(server, b, lease)).recoverAll('/data/f');
      expect(reports.map((r) => r.state)).toEqual(['live-writer']);
      await expect((await jindoFs(server, b, lease)).create('/data/f')).rejects.toThrow(AlreadyBeingCreatedError);
      // One second later it may be past: the lease is held for the whole second the manifest might be in.
      server.store.clock.set(t0 + leaseSeconds * 1000 + 1000);
      expect((await (await jindoFs(server, b, lease)).recoverAll('/data/f')).map((r) => r.state)).toEqual(['recovered']);
      await out.abort();
    });
  }

  it('minimumAge counts a stamp of second s as any moment of it', () => {
    const s = Date.UTC(2026, 0, 1);
    expect(minimumAge(s + 2000, s + 999)).toBe(1000);
    expect(minimumAge(s + 2999, s)).toBe(1000);
    expect(minimumAge(s + 3000, s + 999)).toBe(2000);
    expect(minimumAge(s + 500, s + 999)).toBe(0);
    expect(minimumAge(s, s + 5000)).toBe(0);
  });
});

describe('a close leaves no upload it started (D4)', () => {
  const retrying = { 'fs.oss.attempts.maximum': 2, 'fs.oss.retry.interval': '1ms', 'fs.oss.retry.interval.maximum': '2ms' };
  const cases: Array<[string, { type: 'drop'; when: 'instead-of-response' } | { type: 'duplicate'; ms: number }]> = [
    ['an Initiate whose answer was lost (retried)', { type: 'drop', when: 'instead-of-response' }],
    ['an Initiate applied twice', { type: 'duplicate', ms: 1 }],
  ];
  for (const [what, action] of cases) {
    for (const ending of ['flushed close', 'unflushed close', 'abort'] as const) {
      it(`${what}: a ${ending} ends the stray upload too`, async () => {
        const b = await bucket();
        const fs = await jindoFs(server, b, retrying);
        server.faults.add({ apis: ['InitiateMultipartUpload'], nth: 1, action });
        const out = await fs.create('/data/f');
        const data = bytes(PART + 50, 10);
        await writeWithPart(out, data); // the duplicate has landed too
        expect(uploadsOf(b, 'data/f')).toHaveLength(2);
        if (ending === 'flushed close') await out.hflush();
        if (ending === 'abort') await out.abort();
        else await out.close();
        expect(uploadsOf(b, 'data/f')).toEqual([]);
        expect(staging(b)).toEqual([]);
        if (ending !== 'abort') expect((await readAll(fs, '/data/f')).equals(data)).toBe(true);
        else expect(await fs.exists('/data/f')).toBe(false);
      });
    }
  }

  it('a close never ends an upload that is not its own stray: one a newer writer started after taking it over', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, { ...retrying, ...LEASE });
    server.faults.add({ apis: ['InitiateMultipartUpload'], nth: 1, action: { type: 'drop', when: 'instead-of-response' } });
    const w1 = await fs.create('/data/f');
    await writeWithPart(w1, bytes(PART, 11));
    server.store.clock.advance(30_000);
    const w2 = await (await jindoFs(server, b, LEASE)).create('/data/f'); // ends both of W1's uploads
    await writeWithPart(w2, bytes(PART + 1, 12));
    await expect(w1.close()).rejects.toBeInstanceOf(LeaseExpiredError);
    await w1.abort();
    expect(uploadsOf(b, 'data/f')).toHaveLength(1);
    await w2.close();
    expect((await readAll(fs, '/data/f')).equals(bytes(PART + 1, 12))).toBe(true);
  });
});

describe('version 1 staging never goes backwards (D7)', () => {
  it('recover-v1 completes create-only where it found no target: a late Complete after another tool wrote the target is refused', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });
    const part = bytes(PART, 13);
    const tail = bytes(500, 14);
    const uploadId = await fs.client.initUpload('data/v1');
    const uploaded = await fs.client.uploadPartWithChecksum('data/v1', uploadId, 1, part);
    const tailEtagValue = await fs.client.put('tmp/data/v1/tail-a', tail);
    const manifest = {
      kind: MANIFEST_KIND,
      version: 1,
      bucket: b,
      target: 'data/v1',
      uploadId,
      partSize: PART,
      parts: [{ number: 1, size: PART, etag: uploaded.etag, crc64: crc64(part).toString() }],
      tail: { key: 'tmp/data/v1/tail-a', size: tail.length, etag: tailEtagValue, crc64: crc64(tail).toString() },
      flushedLength: PART + tail.length,
      writerId: 'old-writer',
      sequence: 3,
      updated: 0,
    };
    await fs.client.put('tmp/data/v1/manifest.json', Buffer.from(JSON.stringify(manifest)));
    // The Complete is applied late (the client sees no answer); meanwhile another tool writes the target.
    server.faults.add({ apis: ['CompleteMultipartUpload'], nth: 1, action: { type: 'late', ms: 60_000, held: true } });
    const arrived = server.faults.whenHeld();
    const recovering = fs.recoverAll('/data/v1');
    await arrived;
    const theirs = Buffer.from('written by another tool');
    await fs.client.put('data/v1', theirs);
    expect((await recovering).map((r) => r.state)).toEqual(['failed']); // no answer: the Complete's fate unknown
    server.faults.releaseHeld();
    await server.stats.idle(); // the Complete lands now, after the other write
    expect((await readAll(fs, '/data/v1')).equals(theirs)).toBe(true);
    const again = await fs.recoverAll('/data/v1');
    expect(again.map((r) => r.state)).toEqual(['superseded']);
    expect((await readAll(fs, '/data/v1')).equals(theirs)).toBe(true);
    expect(staging(b)).toEqual([]);
    expect(uploadsOf(b, 'data/v1')).toEqual([]);
  });
});

describe('fencing, both halves, with held requests (D5)', () => {
  it('a claim before the writer’s fencing read fails that flush: claimed (recover at work) and completed (recover done)', async () => {
    for (const when of ['claimed', 'completed'] as const) {
      const b = await bucket();
      const fs = await jindoFs(server, b, LEASE);
      const out = await fs.create('/data/f');
      const data = bytes(4000, 20);
      await out.write(data.subarray(0, 1000));
      await out.hflush();
      await out.write(data.subarray(1000));
      // The flush has written its manifest; its fencing read waits while a forced recover claims.
      const fencing = hold('ListParts');
      const flushing = out.hflush().then(
        () => 'returned',
        (error: unknown) => error,
      );
      await fencing.held;
      const complete = when === 'claimed' ? hold('CompleteMultipartUpload') : undefined;
      const recovering = (await jindoFs(server, b, LEASE)).recoverAll('/data/f', { force: true });
      if (complete) await complete.held;
      else await recovering;
      fencing.release();
      const flushed = await flushing;
      expect(flushed).toBeInstanceOf(LeaseExpiredError);
      expect((flushed as Error).message).toMatch(when === 'claimed' ? /recover took the file over/ : /no longer exists/);
      complete?.release();
      expect((await recovering).map((r) => r.state)).toEqual(['recovered']);
      // The failed flush's manifest was durable before the claim's relisting: recover may include it (a prefix).
      const content = await readAll(fs, '/data/f');
      expect(content.length === 1000 || content.length === 4000).toBe(true);
      expect(content.equals(data.subarray(0, content.length))).toBe(true);
      expect(staging(b)).toEqual([]);
    }
  });

  it('a flush that returned before the claim is what recover completes (its tail copied into part 9 999)', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = await fs.create('/data/f');
    const data = bytes(5000, 21);
    await out.write(data.subarray(0, 2000));
    await out.hflush();
    await out.write(data.subarray(2000));
    // The recover has read manifest 1; its claim waits while the writer flushes manifest 2 — manifest 1
    // stays (superseded manifests are removed eight at a time), so the claim copies manifest 1's tail.
    const claim = hold('UploadPartCopy');
    const recovering = (await jindoFs(server, b, LEASE)).recoverAll('/data/f', { force: true });
    await claim.held;
    await out.hflush(); // returns: the claim is not there yet
    const copies = server.stats.requests['UploadPartCopy'] ?? 0;
    claim.release();
    expect((await recovering).map((r) => r.state)).toEqual(['recovered']);
    expect(server.stats.requests['UploadPartCopy']! - copies).toBe(1); // after the held claim (counted as it arrived): the newer tail, into 9 999
    expect((await readAll(fs, '/data/f')).equals(data)).toBe(true);
    await expect(out.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    expect(staging(b)).toEqual([]);
  });
});

describe('recover’s checks after the claim', () => {
  it('recover completes create-only where there was no target: a late Complete after another tool wrote the target is refused (v2)', async () => {
    const b = await bucket();
    const writer = await jindoFs(server, b, LEASE);
    const out = await writer.create('/data/f');
    await out.write(bytes(PART + 10, 22));
    await out.hflush();
    await writer.close(); // dies
    server.faults.add({ apis: ['CompleteMultipartUpload'], nth: 1, action: { type: 'late', ms: 60_000, held: true } });
    const held = server.faults.whenHeld();
    const fs = await afterLease(b);
    const recovering = fs.recoverAll('/data/f');
    await held;
    const theirs = Buffer.from('written by another tool meanwhile');
    await fs.client.put('data/f', theirs);
    expect((await recovering).map((r) => r.state)).toEqual(['failed']); // no answer: its fate unknown
    server.faults.releaseHeld();
    await server.stats.idle();
    expect((await readAll(fs, '/data/f')).equals(theirs)).toBe(true);
    expect((await fs.recoverAll('/data/f')).map((r) => r.state)).toEqual(['superseded']);
    expect((await readAll(fs, '/data/f')).equals(theirs)).toBe(true);
    expect(staging(b)).toEqual([]);
    expect(uploadsOf(b, 'data/f')).toEqual([]);
  });

  it('a completed object whose CRC-64 is not the manifest’s is reported failed and its staging kept', async () => {
    const b = await bucket();
    const writer = await jindoFs(server, b, LEASE);
    const out = await writer.create('/data/f');
    await out.write(bytes(PART + 10, 23));
    await out.hflush();
    await writer.close(); // dies
    // The manifest is replaced by one that names a wrong CRC-64 for its part (valid in every other way).
    const fs = await afterLease(b);
    const [key] = staging(b);
    const object = (await fs.client.getBytes(key!))!;
    const newline = object.indexOf(0x0a);
    const header = JSON.parse(object.subarray(0, newline).toString('utf8')) as FlushManifest;
    header.parts[0]!.crc64 = '1';
    await fs.client.put(key!, encodeManifest(header, object.subarray(newline + 1)));
    const reports = await fs.recoverAll('/data/f');
    expect(reports.map((r) => r.state)).toEqual(['failed']);
    expect(reports[0]!.error!.message).toMatch(/CRC-64 \d+ differs from the manifest's/);
    expect(staging(b)).toEqual([key]);
  });
});

describe('junk and forgeries found by the overlap property (D1, D6)', () => {
  it('junk named as a writer’s next manifest that appears while recover runs is passed over and left, not deleted', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = (await fs.create('/data/f')) as DurableOssOutputStream;
    await out.write('one');
    await out.hflush();
    const junk = `tmp/data/f/flush.${out.writerId}.9999999999.manifest`;
    const junkBytes = Buffer.from('{"kind":"hadoopfs-jindo-flush-manifest","version":2}\nnot a tail');
    // The recover has read manifest 1; the junk appears before its claim and second listing.
    const claim = hold('UploadPartCopy');
    const recovering = (await jindoFs(server, b, LEASE)).recoverAll('/data/f', { force: true });
    await claim.held;
    await fs.client.put(junk, junkBytes);
    claim.release();
    expect((await recovering).map((r) => r.state)).toEqual(['recovered']);
    expect((await readAll(fs, '/data/f')).toString()).toBe('one');
    expect(staging(b)).toEqual([junk]);
    expect((await fs.client.getBytes(junk))!.equals(junkBytes)).toBe(true);
  });

  it('a forgery of an older manifest cannot take a writer’s upload when junk hides the writer’s newest', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, LEASE);
    const out = (await fs.create('/data/f')) as DurableOssOutputStream;
    await out.write('a');
    await out.hflush();
    const [first] = staging(b);
    const original = (await fs.client.getBytes(first!))!;
    const newline = original.indexOf(0x0a);
    const forger = randomBytes(16).toString('hex');
    const header = { ...(JSON.parse(original.subarray(0, newline).toString('utf8')) as Record<string, unknown>), writerId: forger, sequence: 1 };
    await fs.client.put(`tmp/data/f/flush.${forger}.0000000001.manifest`, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), original.subarray(newline + 1)]));
    await out.write('b');
    await out.hflush(); // 2 bytes flushed: the forgery names 1
    await fs.client.put(`tmp/data/f/flush.${out.writerId}.9999999999.manifest`, Buffer.from('junk'));
    await fs.close(); // the writer dies
    const reports = await (await afterLease(b)).recoverAll('/data/f');
    expect(reports.map((r) => r.state).sort()).toEqual(['corrupt-manifest', 'corrupt-manifest']);
    expect(reports.map((r) => r.error!.message).join(' ')).toMatch(/named by another writer's manifest too/);
    // Nothing was completed from the forgery (before: the file held its 1 byte, not the 2 flushed).
    expect(await (await jindoFs(server, b)).exists('/data/f')).toBe(false);
    expect(uploadsOf(b, 'data/f')).toHaveLength(1);
  });

  it('of two writers with live uploads, one that replaces an object no longer at the target is never the one recovered', async () => {
    const b = await bucket();
    server.store.clock.set(Date.UTC(2026, 11, 7, 12, 0, 0, 100)); // everything in one second: the ranking's tie
    const first = await (await jindoFs(server, b, LEASE)).create('/data/f'); // replaces nothing
    await first.write('first writer');
    const admin = await jindoFs(server, b);
    await admin.client.put('data/f', Buffer.from('another tool'));
    // The second writer is created while the first has nothing in the store yet: it replaces the other tool's file.
    const second = await (await jindoFs(server, b, LEASE)).create('/data/f');
    await second.write('second writer');
    await first.hflush();
    await first.write(', longer');
    await first.hflush(); // a higher sequence and more bytes: the newest by every rank but what it replaces
    await second.hflush();
    server.store.clock.advance(120_000);
    const reports = await (await afterLease(b)).recoverAll('/data/f');
    expect(reports.map((r) => r.state).sort()).toEqual(['recovered', 'superseded']);
    expect((await readAll(admin, '/data/f')).toString()).toBe('second writer');
  });
});

describe('ending an unnamed upload, and create() beside other keys (mutation testing)', () => {
  it('endUnnamedUpload: gone, aborted, or named — by a v2 manifest, a v1 manifest, or one it cannot read', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const fresh = () => fs.client.initUpload('data/f');
    const gone = await fresh();
    await fs.client.abort('data/f', gone);
    expect(await endUnnamedUpload(fs.client, 'tmp', 'data/f', { key: 'data/f', uploadId: gone })).toBe('gone');
    // A live writer's manifest names another upload: this one is nobody's.
    const w = (await (await jindoFs(server, b, LEASE)).create('/data/f')) as DurableOssOutputStream;
    await w.write('x');
    await w.hflush();
    const nobodys = await fresh();
    expect(await endUnnamedUpload(fs.client, 'tmp', 'data/f', { key: 'data/f', uploadId: nobodys })).toBe('aborted');
    expect(uploadsOf(b, 'data/f').map((u) => u.id)).not.toContain(nobodys);
    expect(await endUnnamedUpload(fs.client, 'tmp', 'data/f', { key: 'data/f', uploadId: (await w.uploadId)! })).toBe('named');
    await w.abort();
    // A version 1 manifest that names it.
    const v1 = await fresh();
    await fs.client.put('tmp/data/f/manifest.json', Buffer.from(JSON.stringify({ kind: MANIFEST_KIND, version: 1, uploadId: v1 })));
    expect(await endUnnamedUpload(fs.client, 'tmp', 'data/f', { key: 'data/f', uploadId: v1 })).toBe('named');
    await fs.client.delete('tmp/data/f/manifest.json');
    // Junk under a manifest's name: it might name the upload.
    const unsure = await fresh();
    await fs.client.put(`tmp/data/f/flush.${'a'.repeat(32)}.0000000001.manifest`, Buffer.from('junk'));
    expect(await endUnnamedUpload(fs.client, 'tmp', 'data/f', { key: 'data/f', uploadId: unsure })).toBe('named');
  });

  it('create() of a key ends no upload of a longer key it prefixes, and an old upload given a part lately is young', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    server.store.clock.set(Date.UTC(2026, 11, 7, 8, 0, 0));
    const longer = await fs.client.initUpload('data/f.tmp');
    const mine = await fs.client.initUpload('data/f');
    server.store.clock.advance(30_000);
    await fs.client.uploadPartWithChecksum('data/f', mine, 1, Buffer.from('recent'));
    server.store.clock.advance(2_000);
    const refused = await (await jindoFs(server, b, LEASE)).create('/data/f').catch((error: unknown) => error as Error);
    expect(refused).toBeInstanceOf(AlreadyBeingCreatedError);
    expect((refused as AlreadyBeingCreatedError).path).toBe(`oss://${b}/data/f`);
    expect((refused as Error).message).toMatch(new RegExp(`upload ${mine} was active 2 s ago.*1 part`));
    server.store.clock.advance(30_000);
    const out = await (await jindoFs(server, b, LEASE)).create('/data/f');
    expect(uploadsOf(b, 'data/f.tmp').map((u) => u.id)).toEqual([longer]);
    expect(uploadsOf(b, 'data/f')).toEqual([]);
    await out.abort();
  });
});

describe('version 1 staging, each way it ends (mutation testing)', () => {
  async function v1Staging(b: string, options: { parts: number; tail: number; ageMs?: number }) {
    const fs = await jindoFs(server, b);
    server.store.clock.set(Date.UTC(2026, 11, 7, 7, 0, 0) - (options.ageMs ?? 600_000));
    const data = bytes(options.parts * PART + options.tail, 40);
    const uploadId = options.parts > 0 ? await fs.client.initUpload('data/v1') : null;
    const parts = [];
    for (let i = 0; i < options.parts; i++) {
      const piece = data.subarray(i * PART, (i + 1) * PART);
      const up = await fs.client.uploadPartWithChecksum('data/v1', uploadId!, i + 1, piece);
      parts.push({ number: i + 1, size: PART, etag: up.etag, crc64: crc64(piece).toString() });
    }
    const tailBytes = data.subarray(options.parts * PART);
    const tail = options.tail > 0 ? { key: 'tmp/data/v1/tail-a', size: options.tail, etag: await fs.client.put('tmp/data/v1/tail-a', tailBytes), crc64: crc64(tailBytes).toString() } : null;
    await fs.client.put(
      'tmp/data/v1/manifest.json',
      Buffer.from(JSON.stringify({ kind: MANIFEST_KIND, version: 1, bucket: b, target: 'data/v1', uploadId, partSize: PART, parts, tail, flushedLength: data.length, writerId: 'old', sequence: 2, updated: 0 })),
    );
    server.store.clock.set(Date.UTC(2026, 11, 7, 7, 0, 0));
    return { data, uploadId };
  }

  it('within the lease: live-writer, nothing changed; a dry run says what it would do; then recovered from parts and tail', async () => {
    const b = await bucket();
    const { data } = await v1Staging(b, { parts: 2, tail: 300, ageMs: 1000 });
    const fs = await jindoFs(server, b);
    const live = await fs.recoverAll('/data/v1');
    expect(live.map((r) => r.state)).toEqual(['live-writer']);
    expect(live[0]!.error).toBeInstanceOf(LeaseExpiredError);
    expect(live[0]!.uploadId).toBeDefined();
    const expired = await afterLease(b);
    const dry = await expired.recoverAll('/data/v1', { dryRun: true });
    expect(dry.map((r) => [r.state, r.recoveredBytes, r.action])).toEqual([['would-recover', data.length, 'would complete 2 part(s) + 300-byte tail, 205100 bytes']]);
    expect(staging(b)).toHaveLength(2);
    expect((await expired.recoverAll('/data/v1')).map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', data.length]]);
    expect((await readAll(fs, '/data/v1')).equals(data)).toBe(true);
    expect(staging(b)).toEqual([]);
    // Once more: nothing staged.
    expect((await expired.recoverAll('/data/v1')).map((r) => r.state)).toEqual(['nothing-staged']);
  });

  it('a target that already holds the flushed bytes: already-complete (a dry run leaves the staging)', async () => {
    const b = await bucket();
    const { data, uploadId } = await v1Staging(b, { parts: 0, tail: 500 });
    expect(uploadId).toBeNull();
    const fs = await afterLease(b);
    await fs.client.put('data/v1', data);
    expect((await fs.recoverAll('/data/v1', { dryRun: true })).map((r) => r.state)).toEqual(['already-complete']);
    expect(staging(b)).toHaveLength(2);
    expect((await fs.recoverAll('/data/v1')).map((r) => [r.state, r.recoveredBytes])).toEqual([['already-complete', 500]]);
    expect(staging(b)).toEqual([]);
  });

  it('an aborted upload: lost, with an error; a part that differs: failed, staging kept; no parts and no tail: an empty file', async () => {
    const b = await bucket();
    const { uploadId } = await v1Staging(b, { parts: 1, tail: 10 });
    const fs = await afterLease(b);
    await fs.client.abort('data/v1', uploadId!);
    const gone = await fs.recoverAll('/data/v1');
    expect(gone.map((r) => r.state)).toEqual(['lost']);
    expect(gone[0]!.error!.message).toMatch(new RegExp(`upload ${uploadId} was destroyed .*flushed bytes cannot be recovered`));
    expect(staging(b)).toEqual([]);

    const c = await bucket();
    const second = await v1Staging(c, { parts: 1, tail: 10 });
    const other = await afterLease(c);
    await other.client.uploadPartWithChecksum('data/v1', second.uploadId!, 1, bytes(PART, 99)); // replaced: another ETag
    const failed = await other.recoverAll('/data/v1');
    expect(failed.map((r) => r.state)).toEqual(['failed']);
    expect(failed[0]!.error!.message).toMatch(/part 1 of upload .* is missing or differs from the manifest/);
    expect(staging(c)).toHaveLength(2);

    const d = await bucket();
    await v1Staging(d, { parts: 0, tail: 0 });
    const empty = await afterLease(d);
    expect((await empty.recoverAll('/data/v1')).map((r) => [r.state, r.recoveredBytes])).toEqual([['recovered', 0]]);
    expect((await readAll(empty, '/data/v1')).length).toBe(0);
  });
});

describe('the purge age counts the last part too (mutation testing)', () => {
  it('an unforced purge past the purge age since the Initiate still leaves an upload given a part within it', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const t0 = Date.UTC(2026, 11, 7, 6, 0, 0);
    server.store.clock.set(t0);
    const busy = await fs.client.initUpload('data/plain');
    const quiet = await fs.client.initUpload('data/quiet');
    server.store.clock.set(t0 + 120_000);
    await fs.client.uploadPartWithChecksum('data/plain', busy, 1, Buffer.from('a part, lately'));
    server.store.clock.set(t0 + 130_000);
    const purging = await jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '10s', 'fs.jfs.cache.flush.purge.age': '60s' });
    const dry = await purging.recoverAll('/data', { recursive: true, dryRun: true });
    expect(dry.map((r) => [r.state, r.path, r.uploadId, r.action])).toEqual([['would-purge', `oss://${b}/data/quiet`, quiet, expect.stringMatching(/^would abort incomplete upload \S+ \(initiated 130 s ago, 0 part\(s\)\)$/)]]);
    const reports = await purging.recoverAll('/data', { recursive: true });
    expect(reports.map((r) => [r.state, r.uploadId])).toEqual([['purged', quiet]]);
    expect(uploadsOf(b, 'data/plain').map((u) => u.id)).toEqual([busy]);
  });
});
