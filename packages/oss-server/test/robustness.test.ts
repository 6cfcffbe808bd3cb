import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, bytes, client, expectOssError, raw, startTestServer } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const md5 = (body: string | Buffer) => createHash('md5').update(body).digest('base64');

/** A V1-signed request written by hand on a raw socket, so that framing can be broken on purpose. */
function rawSignedPut(key: string, declaredLength: number, body: Buffer, endAfter: boolean): Promise<string> {
  const date = new Date().toUTCString();
  const signature = createHmac('sha1', ACCESS_KEY_SECRET).update(`PUT\n\n\n${date}\n/${BUCKET}/${key}`).digest('base64');
  const { port } = new URL(server.endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `PUT /${BUCKET}/${key} HTTP/1.1\r\nHost: 127.0.0.1\r\nDate: ${date}\r\nAuthorization: OSS ${ACCESS_KEY_ID}:${signature}\r\nContent-Length: ${declaredLength}\r\n\r\n`,
      );
      socket.write(body);
      if (endAfter) socket.end();
    });
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    socket.on('close', () => resolve(response));
    socket.on('error', () => undefined);
    // A body longer than declared leaves the extra bytes to be read as a new request: let the server answer both.
    if (!endAfter) setTimeout(() => socket.end(), 200);
  });
}

describe('bad requests get OSS answers, never a crash or a hang', () => {
  it('MalformedXML for a broken DeleteMultipleObjects body, and Content-MD5 is required', async () => {
    const oss = client(server);
    const broken = '<Delete><Object><Key>a</Key></Object>';
    await expectOssError(raw(oss, { method: 'POST', subres: { delete: '' }, content: broken, headers: { 'Content-MD5': md5(broken) } }), 'MalformedXML', 400);
    const good = '<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>';
    await expectOssError(raw(oss, { method: 'POST', subres: { delete: '' }, content: good, headers: { 'Content-MD5': md5('other') } }), 'InvalidDigest', 400);
    const tooMany = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`;
    await expectOssError(raw(oss, { method: 'POST', subres: { delete: '' }, content: tooMany, headers: { 'Content-MD5': md5(tooMany) } }), 'MalformedXML', 400);
    const ok = await raw(oss, { method: 'POST', subres: { delete: '' }, content: good, headers: { 'Content-MD5': md5(good) } });
    expect(ok.status).toBe(200);
  });

  it('a body shorter than Content-Length stores nothing', async () => {
    await rawSignedPut('short', 100, Buffer.alloc(50, 1), true);
    await expectOssError(client(server).head('short'), 'NoSuchKey', 404);
  });

  it('a body longer than Content-Length is answered, and never stores the extra bytes', async () => {
    // The extra bytes read as a second, malformed request: Node's parser answers it with 400 and closes.
    const response = await rawSignedPut('long', 10, Buffer.from('0123456789EXTRA-BYTES'), false);
    expect(response).toMatch(/^HTTP\/1.1 (200|400)/);
    const stored = await client(server).get('long').then(
      (r: { content: Buffer }) => r.content.toString(),
      () => undefined,
    );
    expect([undefined, '0123456789']).toContain(stored);
  });

  it('refuses object names that OSS refuses', async () => {
    const oss = client(server);
    await expectOssError(oss.put('x'.repeat(1024), Buffer.from('x')), 'InvalidObjectName', 400);
    const res = await fetch(`${server.endpoint}/${BUCKET}/%ZZ`);
    expect(res.status).toBe(400);
  });

  it('answers an unknown method on an object with MethodNotAllowed', async () => {
    const oss = client(server);
    await expectOssError(raw(oss, { method: 'POST', object: 'plain-post', content: 'x' }), 'MethodNotAllowed', 405);
  });

  it('keeps serving after all of that', async () => {
    const oss = client(server);
    await oss.put('alive', Buffer.from('yes'));
    expect(((await oss.get('alive')).content as Buffer).toString()).toBe('yes');
  });
});

describe('concurrency', () => {
  it('parallel puts to one key: the last writer wins whole, never a mix', async () => {
    const oss = client(server);
    const bodies = Array.from({ length: 12 }, (_, i) => bytes(256 * 1024 + i, i + 1));
    await Promise.all(bodies.map((b) => oss.put('contended', b)));
    const final = (await oss.get('contended')).content as Buffer;
    expect(bodies.some((b) => b.equals(final))).toBe(true);
    const head = await oss.head('contended');
    expect(Number(head.res.headers['content-length'])).toBe(final.length);
  });

  it('readers during overwrites see an old or a new object, whole', async () => {
    const oss = client(server);
    const a = bytes(512 * 1024, 1);
    const b = bytes(512 * 1024, 2);
    await oss.put('flip', a);
    const writes = Array.from({ length: 6 }, (_, i) => oss.put('flip', i % 2 ? a : b));
    const reads = Array.from({ length: 6 }, () => oss.get('flip').then((r: { content: Buffer }) => r.content));
    const [seen] = await Promise.all([Promise.all(reads), Promise.all(writes)]);
    for (const content of seen) expect(content.equals(a) || content.equals(b)).toBe(true);
  });
});
