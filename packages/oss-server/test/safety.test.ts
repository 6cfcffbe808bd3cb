import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import type OSS from 'ali-oss';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '@hadoopfs/core';
import { FaultRuleError, OssError, type RunningOssServer } from '@hadoopfs/oss-server';
import { v4CanonicalRequest } from '../src/auth.js';
import { parseXmlBody } from '../src/xml.js';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, client, expectOssError, startTestServer } from './helpers.js';

// Issue 13, finding 6: the OSS-protocol server is safe to run on a developer's machine.

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  server.faults.clear();
});
afterAll(async () => {
  await server.close();
});

/** A raw request (fetch cannot set Host): method, path, headers, body; answers status and text. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: { ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const RULE = JSON.stringify({ apis: ['GetObject'], action: { type: 'error', status: 500, code: 'InternalError' } });

describe('the admin API', () => {
  it('refuses a cross-site text/plain POST (foreign Host and Origin), and one without the token', async () => {
    const crossSite = await raw('POST', '/-/admin/faults', { host: 'evil.example', origin: 'http://evil.example', 'content-type': 'text/plain' }, RULE);
    expect(crossSite.status).not.toBe(200);
    const noToken = await raw('POST', '/-/admin/faults', { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json' }, RULE);
    expect(noToken.status).toBe(401);
    const wrongToken = await raw('POST', '/-/admin/faults', { host: `127.0.0.1:${server.port}`, authorization: 'Bearer guessed', 'content-type': 'application/json' }, RULE);
    expect(wrongToken.status).toBe(401);
    const textPlain = await raw('POST', '/-/admin/faults', { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.adminToken}`, 'content-type': 'text/plain' }, RULE);
    expect(textPlain.status).toBe(415);
    const rebound = await raw('POST', '/-/admin/faults', { host: `attacker.example:${server.port}`, authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, RULE);
    expect(rebound.status).not.toBe(200);
    expect(server.faults.list()).toHaveLength(0);
    const allowed = await raw('POST', '/-/admin/faults', { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, RULE);
    expect(allowed.status).toBe(200);
    expect(server.faults.list()).toHaveLength(1);
    expect(Object.keys(server)).not.toContain('adminToken');
  });

  it('validates rules: 400 with the reason, and nothing installed (apis: 5 once made every request a 500)', async () => {
    const headers = { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    const bad = await raw('POST', '/-/admin/faults', headers, JSON.stringify({ apis: 5, action: { type: 'error', status: 500, code: 'X' } }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('apis must be an array of API names');
    for (const rule of [{ action: { type: 'explode' } }, { action: { type: 'latency', ms: -1 } }, { nth: 0, action: { type: 'hang' } }, { keyPattern: '(a)\\1', action: { type: 'hang' } }]) {
      expect((await raw('POST', '/-/admin/faults', headers, JSON.stringify(rule))).status).toBe(400);
    }
    expect(server.faults.list()).toHaveLength(0);
    await client(server).put('still-fine', Buffer.from('x'));
    expect(() => server.faults.add({ apis: 5 as unknown as string[], action: { type: 'hang' } })).toThrow(FaultRuleError);
  });

  it('a virtual-host PutObject of the key -/admin/faults is an object like any other, not an admin request', async () => {
    const oss = client(server, 'ip');
    await oss.put('-/admin/faults', Buffer.from(RULE));
    expect(server.faults.list()).toHaveLength(0);
    expect((await oss.get('-/admin/faults')).content.toString()).toBe(RULE);
  });
});

describe('faults and authentication', () => {
  it('faults apply after authentication: an unsigned request cannot trigger one (unless the rule asks to apply before)', async () => {
    server.faults.add({ apis: ['GetObject'], action: { type: 'error', status: 503, code: 'SlowDown' } });
    const unsigned = await raw('GET', `/${BUCKET}/anything`, { host: `localhost:${server.port}` });
    expect(unsigned.status).toBe(403);
    expect(unsigned.text).not.toContain('SlowDown');
    expect(server.faults.list()[0]!.seen).toBe(0);
    await expectOssError(client(server).get('anything'), 'SlowDown', 503);
    server.faults.clear();
    server.faults.add({ apis: ['GetObject'], beforeAuthentication: true, action: { type: 'error', status: 503, code: 'SlowDown' } });
    expect((await raw('GET', `/${BUCKET}/anything`, { host: `localhost:${server.port}` })).text).toContain('SlowDown');
  });

  it('a catastrophic key pattern cannot freeze the server: patterns run in linear time (^(a+)+$ on 100 a and a !)', async () => {
    server.faults.add({ keyPattern: '^(a+)+$', action: { type: 'error', status: 503, code: 'SlowDown' } });
    const key = `${'a'.repeat(100)}!`;
    // With a backtracking engine this request never finished (2^100 steps); the test would time out.
    await expectOssError(client(server).get(key), 'NoSuchKey', 404);
    await expectOssError(client(server).get('aaaa'), 'SlowDown', 503);
    expect(ACCESS_KEY_ID).toBeTruthy();
  });
});

describe('limits', () => {
  it('an XML body over the parser limits (nesting) or with a DOCTYPE is 400 MalformedXML, never a 500 a client would retry', () => {
    const deep = Buffer.from(`<CompleteMultipartUpload>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</CompleteMultipartUpload>`);
    const doctype = Buffer.from('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>');
    for (const [body, root] of [[deep, 'CompleteMultipartUpload'], [doctype, 'Delete']] as const) {
      let caught: unknown;
      try {
        parseXmlBody(body, root);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OssError);
      expect([(caught as OssError).status, (caught as OssError).code]).toEqual([400, 'MalformedXML']);
    }
  });

  it('a chunked PUT (no Content-Length) over the largest object is EntityTooLarge, and nothing is stored', async () => {
    const limit = server.store.maxObjectSize;
    server.store.maxObjectSize = 64 * 1024; // OSS's 5 GiB, lowered: the check is the same
    try {
      const oss = client(server);
      const body = Readable.from(Array.from({ length: 10 }, () => Buffer.alloc(16 * 1024, 1)));
      await expectOssError(oss.putStream('too-large', body), 'EntityTooLarge', 400);
      expect(server.store.findObject(BUCKET, 'too-large')).toBeUndefined();
      await oss.putStream('fits', Readable.from([Buffer.alloc(1000, 2)]));
      expect(server.store.findObject(BUCKET, 'fits')?.size).toBe(1000);
    } finally {
      server.store.maxObjectSize = limit;
    }
  });
});

/** A V4-signed request made by hand (ali-oss always signs UNSIGNED-PAYLOAD): scope parts and payload hash chosen. */
function signedV4(method: string, key: string, body: string, options: { signedBody?: string; region?: string; product?: string } = {}) {
  const now = new Date();
  const ossDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scopeDate = ossDate.slice(0, 8);
  const region = options.region ?? 'cn-hangzhou';
  const product = options.product ?? 'oss';
  const headers: Record<string, string> = {
    host: `${BUCKET}.localhost:${server.port}`,
    'x-oss-date': ossDate,
    'x-oss-content-sha256': createHash('sha256').update(options.signedBody ?? body).digest('hex'),
    'content-type': 'text/plain',
  };
  const canonical = v4CanonicalRequest({ method, headers, query: [], bucket: BUCKET, key }, []);
  const stringToSign = ['OSS4-HMAC-SHA256', ossDate, `${scopeDate}/${region}/${product}/aliyun_v4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const signingKey = [scopeDate, region, product, 'aliyun_v4_request'].reduce<Buffer>((k, part) => createHmac('sha256', k).update(part).digest(), Buffer.from(`aliyun_v4${ACCESS_KEY_SECRET}`));
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  headers['authorization'] = `OSS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/${scopeDate}/${region}/${product}/aliyun_v4_request,Signature=${signature}`;
  return raw(method, `/${key}`, headers, body);
}

describe('signature V4', () => {
  it('a body that is not the one signed (x-oss-content-sha256) is refused, and nothing is stored', async () => {
    expect((await signedV4('PUT', 'v4/signed', 'hello')).status).toBe(200);
    const tampered = await signedV4('PUT', 'v4/tampered', 'EVIL!', { signedBody: 'hello' });
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain('InvalidDigest');
    expect(server.store.findObject(BUCKET, 'v4/tampered')).toBeUndefined();
  });

  it('the scope must name this region and the product oss', async () => {
    const otherRegion = await signedV4('PUT', 'v4/region', 'x', { region: 'cn-shanghai' });
    expect([otherRegion.status, otherRegion.text.includes('SignatureDoesNotMatch')]).toEqual([403, true]);
    const otherProduct = await signedV4('PUT', 'v4/product', 'x', { product: 's3' });
    expect(otherProduct.status).toBe(400);
    expect(server.store.findObject(BUCKET, 'v4/region')).toBeUndefined();
    expect(server.store.findObject(BUCKET, 'v4/product')).toBeUndefined();
  });
});

describe('DeleteBucket and writes into the bucket', () => {
  it('a DeleteBucket that starts while a PutObject commits waits for it (and is then refused: the bucket is not empty)', async () => {
    const store = server.store;
    await store.createBucket('interleaved');
    const bytes = Buffer.from('committed while the bucket was being deleted');
    const writer = store.newBlob(bytes.length);
    await writer.write(bytes);
    const blob = await writer.commit();
    const body = { blob, size: bytes.length, md5: createHash('md5').update(bytes).digest(), crc64: crc64(bytes) };
    // Started back to back: the delete's emptiness check would run while the put awaits its save.
    const putting = store.putObject('interleaved', 'k', body, { contentType: 'text/plain', userMeta: {}, forbidOverwrite: false }).then(() => 'stored', () => 'refused');
    const deleting = store.deleteBucket('interleaved').then(() => 'deleted', (e: Error) => e.message);
    const [put, deleted] = await Promise.all([putting, deleting]);
    expect(put).toBe('stored');
    expect(deleted).toMatch(/not empty/i);
    expect(store.findObject('interleaved', 'k')?.size).toBe(bytes.length);
  });

  it('are serialised: no PutObject is answered 200 into a bucket that was deleted, and none comes back after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oss-server-race-'));
    try {
      let disk = await startTestServer({ dataDir: dir, buckets: ['racing'] });
      const oss = client(disk, 'ip', { bucket: 'racing' });
      const puts = Array.from({ length: 40 }, (_, i) =>
        oss.put(`k${i}`, Buffer.alloc(2000, i)).then(
          () => `k${i}`,
          () => undefined,
        ),
      );
      // The delete goes in while the PUTs are being committed.
      await new Promise<void>((resolve) => {
        let seen = 0;
        const stop = disk.onRequest((request) => {
          if (request.api !== 'PutObject' || ++seen !== 20) return;
          stop();
          resolve();
        });
      });
      const deleted = await oss.deleteBucket('racing').then(
        () => true,
        () => false,
      );
      const stored = (await Promise.all(puts)).filter((k): k is string => k !== undefined);
      if (deleted) expect(stored).toEqual([]);
      else expect(stored.length).toBeGreaterThan(0);
      await disk.close();
      disk = await startTestServer({ dataDir: dir });
      if (deleted) {
        expect(disk.store.hasBucket('racing')).toBe(false);
        await disk.store.createBucket('racing');
      }
      const after = [...disk.store.keysFrom('racing', '', '', false)].map((o) => o.key).sort();
      expect(after).toEqual([...stored].sort());
      await disk.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('listing times', () => {
  it('a listing gives LastModified at the precision of HEAD (whole seconds, as OSS’s samples: …T08:42:32.000Z)', async () => {
    const oss = client(server);
    await oss.put('times/a', Buffer.from('x'));
    const listed = await oss.list({ prefix: 'times/', 'max-keys': 10 }, {});
    const head = await oss.head('times/a');
    const fromList = listed.objects![0]!.lastModified;
    expect(fromList).toMatch(/\.000Z$/);
    expect(Date.parse(fromList)).toBe(Date.parse(head.res.headers['last-modified' as keyof typeof head.res.headers] as string));
  });
});

describe('presigned V4 URLs', () => {
  it('a URL from ali-oss signatureUrlV4 reads the object until it expires; a changed URL is refused', async () => {
    // Path style: a URL cannot carry the virtual-host Host header ali-oss sends to an IP endpoint.
    const oss = client(server, 'path', { authorizationV4: true } as Partial<OSS.Options>);
    await oss.put('presigned/v4', Buffer.from('shared by a link'));
    const url = await oss.signatureUrlV4('GET', 600, {}, 'presigned/v4');
    const ok = await fetch(url);
    expect([ok.status, await ok.text()]).toEqual([200, 'shared by a link']);
    const tampered = await fetch(url.replace('presigned%2Fv4', 'presigned%2Fother').replace('presigned/v4', 'presigned/other'));
    expect(tampered.status).toBe(403);
    const expired = await oss.signatureUrlV4('GET', 1, {}, 'presigned/v4');
    // Signed 10 minutes ago with 1 s to live: rewrite its date (the signature then no longer matches either).
    const old = new Date(Date.now() - 600_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const stale = await fetch(expired.replace(/x-oss-date=\d{8}T\d{6}Z/, `x-oss-date=${old}`));
    expect(stale.status).toBe(403);
  });
});
