import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { BUCKET, client, startTestServer } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  server.store.clock.resume();
  server.faults.clear();
});
afterAll(async () => {
  await server.close();
});

type UploadsPage = { uploads?: Array<{ name: string; uploadId: string; initiated: string }>; isTruncated: boolean; nextKeyMarker?: string; nextUploadIdMarker?: string };

describe('ListMultipartUploads paging', () => {
  it('pages 1,100 uploads of one key: every upload once, in the order of initiation', async () => {
    const key = 'many/uploads-of-one-key';
    // Initiated in the store (1,100 HTTP requests would only slow the test), with the clock moving
    // backwards and forwards so that neither time nor a random id alone gives the order.
    const started: string[] = [];
    const t0 = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 1100; i++) {
      server.store.clock.set(t0 + Math.floor(i / 7) * 1000);
      started.push((await server.store.initiateUpload(BUCKET, key, { contentType: 'application/octet-stream', userMeta: {} })).id);
    }
    const oss = client(server);
    const seen: Array<{ id: string; initiated: number }> = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    let pages = 0;
    for (;;) {
      const page = (await oss.listUploads({ prefix: 'many/', 'max-uploads': 1000, ...(keyMarker ? { 'key-marker': keyMarker, 'upload-id-marker': uploadIdMarker } : {}) })) as unknown as UploadsPage;
      pages++;
      for (const u of page.uploads ?? []) seen.push({ id: u.uploadId, initiated: Date.parse(u.initiated) });
      if (!page.isTruncated) break;
      keyMarker = page.nextKeyMarker;
      uploadIdMarker = page.nextUploadIdMarker;
    }
    expect(pages).toBe(2);
    expect(seen).toHaveLength(1100);
    expect(new Set(seen.map((u) => u.id)).size).toBe(1100);
    expect(seen.map((u) => u.id)).toEqual(started);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.initiated).toBeGreaterThanOrEqual(seen[i - 1]!.initiated);
    for (const id of started) await server.store.abortUpload(BUCKET, key, id);
  });
});

describe('the server clock', () => {
  it('stamps Last-Modified, Initiated and Date from a clock a test can stop and move', async () => {
    const oss = client(server);
    const at = Date.UTC(2030, 0, 1, 12, 0, 0, 900);
    server.store.clock.set(at);
    const put = await oss.put('clock/a', Buffer.from('a'));
    expect(Date.parse(put.res.headers['date' as never] as string)).toBe(at - 900);
    const head = await oss.head('clock/a');
    expect(Date.parse((head.res.headers as Record<string, string>)['last-modified']!)).toBe(at - 900);
    server.store.clock.advance(61_000);
    const { uploadId } = await oss.initMultipartUpload('clock/b');
    const listed = (await oss.listUploads({ prefix: 'clock/' })) as unknown as UploadsPage;
    expect(listed.uploads!.map((u) => [u.uploadId, Date.parse(u.initiated)])).toEqual([[uploadId, at - 900 + 61_000]]);
    server.store.clock.resume();
    expect(Math.abs(server.store.clock.now() - Date.now())).toBeLessThan(1000);
    await oss.abortMultipartUpload('clock/b', uploadId);
  });
});

describe('held requests', () => {
  it('a hold keeps the request unanswered until released, then handles and answers it as usual', async () => {
    const oss = client(server);
    server.faults.add({ apis: ['PutObject'], keyPattern: '^hold/', times: 1, action: { type: 'hold', ms: 60_000 } });
    let answered = false;
    const put = oss.put('hold/k', Buffer.from('first')).then((r: { res: { status: number } }) => {
      answered = true;
      return r;
    });
    // Another command runs to the end while the first is held.
    await new Promise<void>((resolve) => {
      const stop = server.onRequest(() => {
        stop();
        resolve();
      });
    });
    await oss.put('hold/other', Buffer.from('x'));
    expect(answered).toBe(false);
    expect(() => server.store.getObject(BUCKET, 'hold/k')).toThrow();
    expect(server.faults.releaseHeld()).toBe(1);
    expect((await put).res.status).toBe(200);
    expect((await oss.get('hold/k')).content.toString()).toBe('first');
  });
});

describe('faults for one client', () => {
  it('a rule with accessKeyIds hits only requests signed with those keys', async () => {
    const two = await startTestServer({ credentials: [{ accessKeyId: 'first-client', accessKeySecret: 'first-secret' }, { accessKeyId: 'second-client', accessKeySecret: 'second-secret' }] });
    try {
      const first = client(two, 'ip', { accessKeyId: 'first-client', accessKeySecret: 'first-secret' });
      const second = client(two, 'ip', { accessKeyId: 'second-client', accessKeySecret: 'second-secret' });
      two.faults.add({ accessKeyIds: ['second-client'], apis: ['PutObject'], action: { type: 'error', status: 503, code: 'SlowDown' } });
      await first.put('k', Buffer.from('a'));
      await expect(second.put('k', Buffer.from('b'))).rejects.toMatchObject({ code: 'SlowDown' });
      expect(() => two.faults.add({ accessKeyIds: ['x'], beforeAuthentication: true, action: { type: 'hang' } })).toThrow(/cannot go with beforeAuthentication/);
    } finally {
      await two.close();
    }
  });
});
