import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { BUCKET, bytes, client, expectOssError, startTestServer } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  server.faults.clear();
  server.faults.setSeed(1);
});
afterAll(async () => {
  await server.close();
});

async function outcomes(n: number): Promise<string> {
  const oss = client(server);
  let pattern = '';
  for (let i = 0; i < n; i++) {
    pattern += await oss.put(`faulty/${i}`, Buffer.from('x')).then(
      () => '.',
      (e: { code: string }) => (e.code === 'SlowDown' ? 'x' : '?'),
    );
  }
  return pattern;
}

describe('fault injection', () => {
  it('fails a share of requests with a chosen code, the same ones again under the same seed', async () => {
    server.faults.setSeed(42);
    server.faults.add({ apis: ['PutObject'], probability: 0.5, action: { type: 'error', status: 503, code: 'SlowDown' } });
    const first = await outcomes(30);
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(first).not.toMatch(/\?/);
    server.faults.clear();
    server.faults.setSeed(42);
    server.faults.add({ apis: ['PutObject'], probability: 0.5, action: { type: 'error', status: 503, code: 'SlowDown' } });
    expect(await outcomes(30)).toBe(first);
  });

  it('applies a request late: no answer now, the write lands after the client gave up and wrote again', async () => {
    const oss = client(server);
    // Held until released (a minute at the latest): the late write lands exactly after the second one.
    server.faults.add({ apis: ['PutObject'], keyPattern: '^late/', times: 1, action: { type: 'late', ms: 60_000, held: true } });
    const failed = await oss.put('late/k', Buffer.from('first')).then(() => 'ok', (e: { code?: string; status?: number }) => e.status ?? e.code);
    expect(failed).not.toBe('ok');
    expect(() => server.store.getObject(BUCKET, 'late/k')).toThrow();
    await oss.put('late/k', Buffer.from('second'));
    expect((await oss.get('late/k')).content.toString()).toBe('second');
    expect(server.faults.releaseHeld()).toBe(1);
    await server.stats.idle();
    // The stale request won: exactly what a store may do with a request stuck in the network.
    expect((await oss.get('late/k')).content.toString()).toBe('first');
  });

  it('cutHung() ends a request a hang fault sits on, so stats.idle() resolves although its client never gave up', async () => {
    server.faults.add({ apis: ['GetObject'], keyPattern: '^hung/', times: 1, action: { type: 'hang' } });
    const arrived = new Promise<void>((resolve) => {
      const stop = server.onRequest((r) => {
        if (r.api === 'GetObject') {
          stop();
          resolve();
        }
      });
    });
    // ali-oss gives up after a minute: long past the test's 30 s, so only the server can end this request.
    const answer = client(server).get('hung/k').then(() => 'answered', () => 'cut');
    await arrived;
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats.active).toBe(1);
    server.cutHung();
    await server.stats.idle();
    expect(server.stats.active).toBe(0);
    expect(await answer).toBe('cut');
  });

  it('applies a request twice: answered once, applied again later', async () => {
    const oss = client(server);
    server.faults.add({ apis: ['DeleteObject'], keyPattern: '^twice/', times: 1, action: { type: 'duplicate', ms: 20 } });
    await oss.put('twice/k', Buffer.from('v1'));
    await oss.delete('twice/k');
    await oss.put('twice/k', Buffer.from('v2'));
    await server.stats.idle();
    await expectOssError(oss.get('twice/k'), 'NoSuchKey', 404);
  });

  it('fails exactly the Nth matching request', async () => {
    server.faults.add({ apis: ['PutObject'], nth: 3, action: { type: 'error', status: 500, code: 'InternalError' } });
    const oss = client(server);
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push(await oss.put(`nth/${i}`, Buffer.from('x')).then(() => 'ok', (e: { code: string }) => e.code));
    expect(results).toEqual(['ok', 'ok', 'InternalError', 'ok', 'ok']);
  });

  it('fails every matching request after N, for keys that match a pattern only', async () => {
    server.faults.add({ apis: ['PutObject'], keyPattern: '^doomed/', after: 2, action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    const oss = client(server);
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(await oss.put(`doomed/${i}`, Buffer.from('x')).then(() => 'ok', (e: { code: string }) => e.code));
      await oss.put(`spared/${i}`, Buffer.from('x'));
    }
    expect(results).toEqual(['ok', 'ok', 'ServiceUnavailable', 'ServiceUnavailable']);
  });

  it('drops the connection in the middle of a request body, storing nothing', async () => {
    const oss = client(server);
    await oss.put('dropped', Buffer.from('before'));
    server.faults.add({ apis: ['PutObject'], times: 1, action: { type: 'drop', when: 'mid-request-body' } });
    await expect(oss.put('dropped', bytes(2 * 1024 * 1024))).rejects.toThrow();
    expect(((await oss.get('dropped')).content as Buffer).toString()).toBe('before');
  });

  it('drops the connection in the middle of a response body', async () => {
    const oss = client(server);
    await oss.put('half', bytes(1024 * 1024));
    server.faults.add({ apis: ['GetObject'], times: 1, action: { type: 'drop', when: 'mid-response-body' } });
    await expect(oss.get('half')).rejects.toThrow();
    expect(((await oss.get('half')).content as Buffer).length).toBe(1024 * 1024);
  });

  it('applies a request and then cuts the connection instead of answering', async () => {
    const oss = client(server);
    server.faults.add({ apis: ['PutObject'], times: 1, action: { type: 'drop', when: 'instead-of-response' } });
    await expect(oss.put('applied-unanswered', Buffer.from('it landed'))).rejects.toThrow();
    await server.stats.idle();
    expect(((await oss.get('applied-unanswered')).content as Buffer).toString()).toBe('it landed');
  });

  it('delays or never answers, so that client timeouts fire', async () => {
    server.faults.add({ apis: ['HeadObject'], times: 1, action: { type: 'hang' } });
    const impatient = client(server, 'ip', { timeout: 300 });
    await expect(impatient.head('anything')).rejects.toMatchObject({ name: expect.stringMatching(/Timeout/) });
    server.faults.add({ apis: ['GetObject'], times: 1, action: { type: 'latency', ms: 5_000 } });
    await expect(impatient.get('half')).rejects.toMatchObject({ name: expect.stringMatching(/Timeout/) });
  });

  it('can be driven through the loopback admin endpoint', async () => {
    const authorization = `Bearer ${server.adminToken}`;
    const post = await fetch(`${server.endpoint}/-/admin/faults`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ apis: ['DeleteObject'], nth: 1, action: { type: 'error', status: 503, code: 'SlowDown' } }),
    });
    expect(post.status).toBe(200);
    await expectOssError(client(server).delete('whatever'), 'SlowDown', 503);
    const listed = (await (await fetch(`${server.endpoint}/-/admin/faults`, { headers: { authorization } })).json()) as Array<{ fired: number }>;
    expect(listed[0]!.fired).toBe(1);
    await fetch(`${server.endpoint}/-/admin/faults`, { method: 'DELETE', headers: { authorization } });
    expect(server.faults.list()).toHaveLength(0);
  });
});

describe('stats', () => {
  it('counts requests per API and bytes in and out, and resets', async () => {
    server.stats.reset();
    const oss = client(server);
    await oss.put('stats/a', bytes(1000));
    await oss.get('stats/a');
    await oss.get('stats/a');
    await expectOssError(oss.head('stats/missing'), 'NoSuchKey');
    const authorization = `Bearer ${server.adminToken}`;
    const snapshot = (await (await fetch(`${server.endpoint}/-/admin/stats`, { headers: { authorization } })).json()) as {
      requests: Record<string, number>;
      errors: Record<string, number>;
      bytesIn: number;
      bytesOut: number;
    };
    expect(snapshot.requests).toEqual({ PutObject: 1, GetObject: 2, HeadObject: 1 });
    expect(snapshot.errors).toEqual({ NoSuchKey: 1 });
    expect(snapshot.bytesIn).toBe(1000);
    expect(snapshot.bytesOut).toBeGreaterThanOrEqual(2000);
    await fetch(`${server.endpoint}/-/admin/stats/reset`, { method: 'POST', headers: { authorization } });
    expect(server.stats.total()).toBe(0);
  });
});
