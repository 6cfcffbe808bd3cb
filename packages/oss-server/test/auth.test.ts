import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, client, expectOssError, startTestServer } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer({
    credentials: [
      { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET },
      { accessKeyId: 'sts-key', accessKeySecret: 'sts-secret', securityToken: 'sts-token-123' },
    ],
  });
});
afterAll(async () => {
  await server.close();
});

describe.each(['ip', 'path', 'v4'] as const)('authentication (%s)', (style) => {
  it('refuses a wrong secret with SignatureDoesNotMatch and never echoes the secret', async () => {
    const oss = client(server, style, { accessKeySecret: 'wrong-secret' });
    const error = await expectOssError(oss.put('auth/x', Buffer.from('x')), 'SignatureDoesNotMatch', 403);
    expect(JSON.stringify(error)).not.toContain('wrong-secret');
    expect(JSON.stringify(error)).not.toContain(ACCESS_KEY_SECRET);
    await expectOssError(client(server, style).head('auth/x'), 'NoSuchKey', 404);
    // HEAD answers carry no body: the code travels base64-encoded in x-oss-err, as OSS sends it.
    await expectOssError(oss.head('auth/x'), 'SignatureDoesNotMatch', 403);
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    await expectOssError(client(server, style, { accessKeyId: 'nobody' }).put('auth/x', Buffer.from('x')), 'InvalidAccessKeyId', 403);
  });

  it('refuses a clock more than 15 minutes off with RequestTimeTooSkewed', async () => {
    const oss = client(server, style, { amendTimeSkewed: 16 * 60 * 1000 } as never);
    await expectOssError(oss.put('auth/x', Buffer.from('x')), 'RequestTimeTooSkewed', 403);
    const near = client(server, style, { amendTimeSkewed: 14 * 60 * 1000 } as never);
    await near.put('auth/near', Buffer.from('ok'));
  });

  it('accepts STS credentials only with their security token', async () => {
    const sts = client(server, style, { accessKeyId: 'sts-key', accessKeySecret: 'sts-secret', stsToken: 'sts-token-123' });
    await sts.put('auth/sts', Buffer.from('sts'));
    const noToken = client(server, style, { accessKeyId: 'sts-key', accessKeySecret: 'sts-secret' });
    await expectOssError(noToken.get('auth/sts'), 'InvalidSecurityToken', 403);
    const wrongToken = client(server, style, { accessKeyId: 'sts-key', accessKeySecret: 'sts-secret', stsToken: 'forged' });
    await expectOssError(wrongToken.get('auth/sts'), 'InvalidSecurityToken', 403);
  });
});

describe('presigned URLs and anonymous requests', () => {
  it('serves a V1 presigned GET until it expires', async () => {
    const oss = client(server, 'path');
    await oss.put('auth/shared', Buffer.from('shared bytes'));
    const url = oss.signatureUrl('auth/shared', { expires: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('shared bytes');
    const tampered = url.replace('auth%2Fshared', 'auth%2Fother').replace('auth/shared', 'auth/other');
    expect((await fetch(tampered)).status).toBe(403);
    const expired = oss.signatureUrl('auth/shared', { expires: -10 });
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('refuses anonymous requests with AccessDenied in OSS XML', async () => {
    const res = await fetch(`${server.endpoint}/test-bucket/anything`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-oss-request-id')).toMatch(/^[0-9A-F]{24}$/);
    const body = await res.text();
    expect(body).toContain('<Code>AccessDenied</Code>');
    expect(body).toMatch(/<RequestId>[0-9A-F]{24}<\/RequestId>/);
  });

  it('answers a garbled Authorization header with a 400, not a crash', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.endpoint}/test-bucket/k`, { headers: { authorization: 'OSS nocolon' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});
