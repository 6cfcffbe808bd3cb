import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { describe, expect, it, vi } from 'vitest';
import { AbortError, type FileSystem, type RequestEvent } from '@hadoopfs/core';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { countUploads, ossFs, pattern, serverForTests, storedBytes } from './helpers.js';

// AbortSignal over real HTTP: a request the server sits on, a body that stalls, a retry's back-off — each
// cut when the signal fires, although the socket timeout here is ten minutes (a test that waited for it
// would fail on vitest's 30 s). Clean-up (AbortMultipartUpload) still reaches the server after the abort,
// and a commit already sent is never cut.

const PART = 100 * 1024;
const server = serverForTests(['abort']);

async function fsFor(extra: Record<string, string | number> = {}): Promise<FileSystem> {
  return ossFs(server, 'abort', { 'fs.oss.multipart.part.size': PART, 'fs.oss.connection.timeout': '10m', 'fs.oss.paging.maximum': 2, ...extra });
}

/** Resolves when the server receives the `nth` request of `api` (1 = the next one). */
function arrival(srv: RunningOssServer, api: string, nth = 1): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const stop = srv.onRequest((request) => {
      if (request.api === api && ++seen === nth) {
        stop();
        resolve();
      }
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('AbortSignal on OSS requests in flight', () => {
  it('a GetObject the server sits on is cut: the read rejects with AbortError and the stream is closed', async () => {
    const fs = await fsFor();
    await fs.writeFile('/hang/read', pattern(1000, 1));
    server.faults.add({ apis: ['GetObject'], keyPattern: '^hang/read$', action: { type: 'hang' } });
    const controller = new AbortController();
    const input = await fs.open('/hang/read', { signal: controller.signal });
    void arrival(server, 'GetObject').then(() => controller.abort(new Error('user pressed stop')));
    const error = await rejection(input.read(new Uint8Array(100)));
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).message).toContain('user pressed stop');
    expect(input.isClosed()).toBe(true);
  });

  it('a body that stalls half-way is cut, not waited for', async () => {
    const fs = await fsFor({ 'fs.oss.readahead.range': 64 * 1024 });
    await fs.writeFile('/stall/read', pattern(300 * 1024, 2));
    const controller = new AbortController();
    const input = await fs.open('/stall/read', { signal: controller.signal });
    const first = new Uint8Array(1024);
    expect(await input.read(first)).toBeGreaterThan(0);
    // From now on the server sends 1 byte a second.
    server.faults.add({ apis: ['GetObject'], keyPattern: '^stall/read$', action: { type: 'throttle', bytesPerSecond: 1 } });
    const reading = input.readFully(100 * 1024, new Uint8Array(150 * 1024));
    void arrival(server, 'GetObject').then(() => controller.abort());
    expect(await rejection(reading)).toBeInstanceOf(AbortError);
  });

  it('an UploadPart the server sits on is cut; the upload is aborted on the server and nothing is published', async () => {
    const fs = await fsFor();
    server.faults.add({ apis: ['UploadPart'], keyPattern: '^hang/write$', action: { type: 'hang' }, nth: 2 });
    const controller = new AbortController();
    const out = await fs.create('/hang/write', { signal: controller.signal });
    void arrival(server, 'UploadPart', 2).then(() => controller.abort());
    const writing = (async () => {
      for (let i = 0; i < 5; i++) await out.write(pattern(PART, i));
      await out.close();
    })();
    expect(await rejection(writing)).toBeInstanceOf(AbortError);
    expect(await rejection(out.close())).toBeInstanceOf(AbortError);
    expect(await fs.exists('/hang/write')).toBe(false);
    expect(await countUploads(server, 'abort')).toBe(0);
  });

  it('parts in flight and connecting are all cut, the upload aborted, and urllib has nothing to warn about', async () => {
    const fs = await fsFor({ 'fs.oss.upload.active.blocks': 8 });
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
    try {
      server.faults.add({ apis: ['UploadPart'], keyPattern: '^many/parts$', action: { type: 'latency', ms: 100 } });
      const controller = new AbortController();
      const stop = server.onRequest((r) => r.api === 'UploadPart' && controller.abort());
      const out = await fs.create('/many/parts', { signal: controller.signal });
      await out.write(pattern(9 * PART, 6)).catch(() => undefined);
      expect(await rejection(out.close())).toBeInstanceOf(AbortError);
      stop();
      expect(await countUploads(server, 'abort')).toBe(0);
      expect(warnings.filter((w) => w.includes('urllib'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('a retry back-off is cut short', async () => {
    const fs = await fsFor({ 'fs.oss.retry.interval': '10m', 'fs.oss.retry.interval.maximum': '10m', 'fs.oss.attempts.maximum': 5 });
    server.faults.add({ apis: ['HeadObject'], keyPattern: '^backoff$', action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    const controller = new AbortController();
    const opening = fs.open('/backoff', { signal: controller.signal });
    await arrival(server, 'HeadObject');
    controller.abort();
    expect(await rejection(opening)).toBeInstanceOf(AbortError);
  });

  it('a listing whose ListObjects hangs is cut', async () => {
    const fs = await fsFor();
    for (let i = 0; i < 5; i++) await fs.writeFile(`/list/f${i}`, 'x');
    server.faults.add({ apis: ['ListObjectsV2'], keyPattern: '^list/', action: { type: 'hang' }, nth: 2 });
    const controller = new AbortController();
    void arrival(server, 'ListObjectsV2', 2).then(() => controller.abort());
    expect(await rejection(fs.listStatus('/list', { signal: controller.signal }))).toBeInstanceOf(AbortError);
  });
});

describe('AbortSignal and commits', () => {
  it('an abort while CompleteMultipartUpload is in flight does not cut it: close resolves and the object is whole', async () => {
    const fs = await fsFor();
    const data = pattern(3 * PART + 17, 3);
    server.faults.add({ apis: ['CompleteMultipartUpload'], keyPattern: '^commit/multi$', action: { type: 'latency', ms: 100 } });
    const controller = new AbortController();
    const out = await fs.create('/commit/multi', { signal: controller.signal });
    await out.write(data);
    void arrival(server, 'CompleteMultipartUpload').then(() => controller.abort());
    await out.close();
    expect(controller.signal.aborted).toBe(true);
    expect((await storedBytes(server, 'abort', 'commit/multi'))?.equals(data)).toBe(true);
    expect(await countUploads(server, 'abort')).toBe(0);
  });

  it('an abort while a small file\'s PutObject is in flight does not cut it either', async () => {
    const fs = await fsFor();
    server.faults.add({ apis: ['PutObject'], keyPattern: '^commit/small$', action: { type: 'latency', ms: 100 } });
    const controller = new AbortController();
    const out = await fs.create('/commit/small', { signal: controller.signal });
    await out.write('small');
    void arrival(server, 'PutObject').then(() => controller.abort());
    await out.close();
    expect(controller.signal.aborted).toBe(true);
    expect((await storedBytes(server, 'abort', 'commit/small'))?.toString()).toBe('small');
  });

  it('an abort before the commit is sent: close rejects, nothing is published, no upload is left', async () => {
    const fs = await fsFor();
    const controller = new AbortController();
    let completes = 0;
    const stop = server.onRequest((r) => void (r.api === 'CompleteMultipartUpload' && r.key === 'commit/never' && completes++));
    const out = await fs.create('/commit/never', { signal: controller.signal });
    await out.write(pattern(2 * PART + 1, 4));
    void arrival(server, 'UploadPart', 3).then(() => controller.abort());
    expect(await rejection(out.close())).toBeInstanceOf(AbortError);
    stop();
    expect(completes).toBe(0);
    expect(await fs.exists('/commit/never')).toBe(false);
    expect(await countUploads(server, 'abort')).toBe(0);
  });
});

describe('AbortSignal on long OSS calls', () => {
  it('rename of a directory aborted among its copies loses no file; the rename run again finishes it', async () => {
    const fs = await fsFor();
    const files = Array.from({ length: 6 }, (_, i) => `f${i}`);
    for (const f of files) await fs.writeFile(`/mv/src/${f}`, f);
    await fs.mkdirs('/mv/dst');
    const controller = new AbortController();
    void arrival(server, 'CopyObject', 3).then(() => controller.abort());
    expect(await rejection(fs.rename('/mv/src', '/mv/dst', { signal: controller.signal }))).toBeInstanceOf(AbortError);
    // Every file is still at its source (sources go only after every copy succeeded), and the copies made
    // before the abort were removed: the destination is as it was.
    for (const f of files) expect((await fs.readFile(`/mv/src/${f}`)).toString()).toBe(f);
    expect([...server.store.keysFrom('abort', 'mv/dst/', '', false)].map((o) => o.key)).toEqual(['mv/dst/']);
    expect(await fs.rename('/mv/src', '/mv/dst')).toBe(true);
    for (const f of files) expect((await fs.readFile(`/mv/dst/src/${f}`)).toString()).toBe(f);
    expect(await fs.exists('/mv/src')).toBe(false);
  });

  it('a recursive delete aborted while it lists deletes nothing it had not reached', async () => {
    const fs = await fsFor();
    for (let i = 0; i < 6; i++) await fs.writeFile(`/rm/f${i}`, 'x');
    const controller = new AbortController();
    void arrival(server, 'ListObjectsV2', 2).then(() => controller.abort());
    server.faults.add({ apis: ['ListObjectsV2'], keyPattern: '^rm/', action: { type: 'latency', ms: 50 } });
    expect(await rejection(fs.delete('/rm', true, { signal: controller.signal }))).toBeInstanceOf(AbortError);
    expect((await fs.listStatus('/rm')).length).toBe(6);
  });
});

describe('request events', () => {
  it('carry the bytes sent and received, and ABORT_ERR for a request the signal cut', async () => {
    const fs = await fsFor();
    const events: RequestEvent[] = [];
    const stop = fs.addRequestListener((e) => void events.push(e));
    try {
      await fs.writeFile('/events/big', pattern(2 * PART + 5, 5));
      await fs.writeFile('/events/small', 'hello');
      await fs.readFile('/events/big');
      const parts = events.filter((e) => e.operation === 'UploadPart');
      expect(parts.map((e) => e.bytesSent).sort()).toEqual([5, PART, PART].sort());
      expect(events.find((e) => e.operation === 'PutObject')?.bytesSent).toBe(5);
      const gets = events.filter((e) => e.operation === 'GetObject');
      expect(gets.reduce((n, e) => n + (e.bytesReceived ?? 0), 0)).toBe(2 * PART + 5);
      expect(events.find((e) => e.operation === 'HeadObject')?.bytesSent).toBeUndefined();

      server.faults.add({ apis: ['GetObject'], keyPattern: '^events/big$', action: { type: 'hang' } });
      const controller = new AbortController();
      const input = await fs.open('/events/big', { signal: controller.signal });
      void arrival(server, 'GetObject').then(() => controller.abort());
      await rejection(input.read(new Uint8Array(10)));
      expect(events.at(-1)).toMatchObject({ operation: 'GetObject', outcome: 'failed', code: 'ABORT_ERR' });
    } finally {
      stop();
    }
  });
});

describe('AbortSignal on reads and listings (property)', () => {
  // The adversary: the signal fires when the server receives the n-th request of a reader or a listing
  // (a GET that then stalls, a read-ahead, a page), while reads of every kind are under way. What must hold:
  // every read that resolved gave exactly the file's bytes (a cut body is never taken for the end of the
  // file), everything after the abort rejects with AbortError, and a listing yields no entry twice and
  // none that is not there.
  it('reads resolved before an abort are exact, and nothing resolves after it', async () => {
    const fs = await fsFor({ 'fs.oss.readahead.range': 64 * 1024 });
    const data = pattern(700 * 1024, 9);
    await fs.writeFile('/prop/read', data);
    const readArb = fc.oneof(
      fc.record({ kind: fc.constant('seq' as const), length: fc.integer({ min: 1, max: 200 * 1024 }) }),
      fc.record({ kind: fc.constant('pos' as const), at: fc.integer({ min: 0, max: data.length - 1 }), length: fc.integer({ min: 1, max: 200 * 1024 }) }),
      fc.record({ kind: fc.constant('seek' as const), at: fc.integer({ min: 0, max: data.length }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(readArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), async (reads, abortAt, stall) => {
        if (stall) server.faults.add({ apis: ['GetObject'], keyPattern: '^prop/read$', nth: abortAt, action: { type: 'throttle', bytesPerSecond: 16 * 1024 } });
        const controller = new AbortController();
        let seen = 0;
        const stop = server.onRequest((r) => void (r.key === 'prop/read' && r.api === 'GetObject' && ++seen === abortAt && controller.abort()));
        // A GET still on its way from an earlier run (a read-ahead) may be the one that fires the signal,
        // even while this open() runs: then open() is what rejects.
        const input = await fs.open('/prop/read', { signal: controller.signal }).catch((error: unknown) => {
          expect(error).toBeInstanceOf(AbortError);
          return undefined;
        });
        if (!input) {
          stop();
          server.faults.clear();
          return;
        }
        let position = 0;
        try {
          for (const read of reads) {
            const abortedBefore = controller.signal.aborted;
            try {
              if (read.kind === 'seek') {
                await input.seek(read.at);
                position = read.at;
              } else if (read.kind === 'seq') {
                const buffer = new Uint8Array(read.length);
                const n = await input.read(buffer);
                if (n < 0) expect(position).toBe(data.length);
                else {
                  expect(Buffer.from(buffer.subarray(0, n)).equals(data.subarray(position, position + n))).toBe(true);
                  position += n;
                }
              } else {
                const buffer = new Uint8Array(Math.min(read.length, data.length - read.at));
                await input.readFully(read.at, buffer);
                expect(Buffer.from(buffer).equals(data.subarray(read.at, read.at + buffer.length))).toBe(true);
              }
              expect(abortedBefore, 'a call made after the abort resolved').toBe(false);
            } catch (error) {
              // Only the abort may fail a read; once it fired, every later call fails too.
              expect(error).toBeInstanceOf(AbortError);
              expect(controller.signal.aborted).toBe(true);
            }
          }
        } finally {
          stop();
          server.faults.clear();
          await input.close();
        }
      }),
      propertyRun('abort-read', { runs: 40, longRuns: 400 }).parameters,
    );
  });

  it('a listing stopped at any page yields each entry at most once, and only entries that are there', async () => {
    const fs = await fsFor();
    const names = new Set<string>();
    for (let d = 0; d < 3; d++) for (let f = 0; f < 4; f++) {
      await fs.writeFile(`/prop/tree/d${d}/f${f}`, 'x');
      names.add(`oss://abort/prop/tree/d${d}/f${f}`);
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10 }), async (abortAt) => {
        const controller = new AbortController();
        let seen = 0;
        const stop = server.onRequest((r) => void (r.api === 'ListObjectsV2' && ++seen === abortAt && controller.abort()));
        const yielded: string[] = [];
        try {
          for await (const status of fs.listFiles('/prop/tree', true, { signal: controller.signal })) yielded.push(status.path.toString());
          expect(new Set(yielded)).toEqual(names);
        } catch (error) {
          expect(error).toBeInstanceOf(AbortError);
        } finally {
          stop();
        }
        expect(new Set(yielded).size).toBe(yielded.length);
        for (const y of yielded) expect(names.has(y)).toBe(true);
      }),
      propertyRun('abort-listing', { runs: 20, longRuns: 200 }).parameters,
    );
  });
});
