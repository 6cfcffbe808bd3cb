import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { BUCKET, client, expectOssError, raw, startTestServer, type RawRequest } from './helpers.js';

// Issue 23, finding 8: every query parameter and header the server reads, given any value, is answered
// with a 2xx, 3xx or a 4xx in OSS's words — never a 5xx.

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer();
  const oss = client(server);
  await oss.put('exists', Buffer.from('0123456789'));
  await oss.append('appendable', Buffer.from('abc'));
});
afterAll(async () => {
  await server.close();
});

const md5 = (body: string) => createHash('md5').update(body).digest('base64');

/** The query parameters the server parses (sub-resources and plain ones) and the headers it reads. */
const QUERY = ['encoding-type', 'prefix', 'delimiter', 'marker', 'max-keys', 'continuation-token', 'start-after', 'fetch-owner', 'list-type', 'key-marker', 'upload-id-marker', 'max-uploads', 'part-number-marker', 'max-parts'];
const SUBRESOURCES = ['uploadId', 'partNumber', 'position'];
const HEADERS = [
  'range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'content-type', 'x-oss-copy-source', 'x-oss-copy-source-range', 'x-oss-copy-source-if-match',
  'x-oss-forbid-overwrite', 'x-oss-metadata-directive', 'x-oss-range-behavior', 'x-oss-complete-all', 'x-oss-storage-class', 'x-oss-meta-note', 'x-oss-object-type',
];

/** Values a careless or hostile client sends: malformed escapes, numbers out of range, junk of every printable kind. */
const value = fc.oneof(
  fc.constantFrom('', '%', '%zz', '%E0%A4%A', '-1', '0', '1001', '99999999999999999999', 'NaN', '1e3', ' 7', 'url', 'bytes=5-1', 'bytes=a-b', 'bytes=0-', 'bytes=-0', '/b/k', '/exists/x', 'true', 'REPLACE', '"', '*'),
  fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~'.split('')), maxLength: 24 }),
);

type Shape = { name: string; request: (extra: { query: Record<string, string>; subres: Record<string, string>; headers: Record<string, string> }) => RawRequest };
const SHAPES: Shape[] = [
  { name: 'GetObject', request: (x) => ({ method: 'GET', object: 'exists', ...x }) },
  { name: 'HeadObject', request: (x) => ({ method: 'HEAD', object: 'exists', ...x }) },
  { name: 'PutObject', request: (x) => ({ method: 'PUT', object: 'put-target', content: 'body', ...x }) },
  { name: 'CopyObject', request: (x) => ({ method: 'PUT', object: 'copy-target', ...x, headers: { 'x-oss-copy-source': `/${BUCKET}/exists`, ...x.headers } }) },
  { name: 'AppendObject', request: (x) => ({ method: 'POST', object: 'appendable', content: 'more', ...x, subres: { append: '', position: '3', ...x.subres } }) },
  { name: 'ListObjects', request: (x) => ({ method: 'GET', ...x }) },
  { name: 'ListObjectsV2', request: (x) => ({ method: 'GET', ...x, query: { 'list-type': '2', ...x.query } }) },
  { name: 'ListMultipartUploads', request: (x) => ({ method: 'GET', ...x, subres: { uploads: '', ...x.subres } }) },
  { name: 'InitiateMultipartUpload', request: (x) => ({ method: 'POST', object: 'mpu', ...x, subres: { uploads: '', ...x.subres } }) },
  { name: 'UploadPart', request: (x) => ({ method: 'PUT', object: 'mpu', content: 'part', ...x, subres: { partNumber: '1', uploadId: 'NOSUCH', ...x.subres } }) },
  { name: 'ListParts', request: (x) => ({ method: 'GET', object: 'mpu', ...x, subres: { uploadId: 'NOSUCH', ...x.subres } }) },
  { name: 'AbortMultipartUpload', request: (x) => ({ method: 'DELETE', object: 'mpu', ...x, subres: { uploadId: 'NOSUCH', ...x.subres } }) },
  { name: 'DeleteObject', request: (x) => ({ method: 'DELETE', object: 'nothing-here', ...x }) },
];

/** The status the server answered, whether ali-oss took it for success or not. */
async function statusOf(request: RawRequest): Promise<number> {
  try {
    return (await raw(client(server), { ...request, successStatuses: [200, 204, 206, 304] })).status;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 300) return status;
    throw error;
  }
}

describe('the OSS-protocol server: bad input is a 4xx, never a 5xx', () => {
  it('DeleteMultipleObjects with encoding-type=url and a key that is not valid URL encoding is 400 InvalidArgument (it was 500)', async () => {
    const body = '<Delete><Quiet>true</Quiet><Object><Key>a%zz</Key></Object></Delete>';
    await expectOssError(raw(client(server), { method: 'POST', subres: { delete: '' }, query: { 'encoding-type': 'url' }, content: body, headers: { 'Content-MD5': md5(body) } }), 'InvalidArgument', 400);
  });

  it('property: any value in any query parameter or header the server reads, on any request, is never a 5xx', async () => {
    const run = propertyRun('oss-server-bad-input', { runs: 150, longRuns: 2000 });
    // The hard cases reached: requests refused for their input (4xx), and url-encoded keys that do not decode.
    const reached = { runs: 0, refused: 0, undecodableKeys: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHAPES),
        fc.array(fc.tuple(fc.constantFrom(...QUERY, ...SUBRESOURCES, ...HEADERS), value), { minLength: 1, maxLength: 3 }),
        async (shape, settings) => {
          const extra = { query: {} as Record<string, string>, subres: {} as Record<string, string>, headers: {} as Record<string, string> };
          for (const [name, v] of settings) {
            if (QUERY.includes(name)) extra.query[name] = v;
            else if (SUBRESOURCES.includes(name)) extra.subres[name] = v;
            else extra.headers[name] = v;
          }
          const status = await statusOf(shape.request(extra));
          reached.runs++;
          if (status >= 400) reached.refused++;
          expect(status, `${shape.name} ${JSON.stringify(settings)}`).toBeLessThan(500);
        },
      ),
      run.parameters,
    );
    // DeleteMultipleObjects bodies with any key, url-encoded or not.
    await fc.assert(
      fc.asyncProperty(fc.oneof(value, fc.constantFrom('%zz', 'a%', '%E0%A4%A', 'ok%20key')), fc.boolean(), async (key, url) => {
        const escaped = key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const body = `<Delete><Quiet>true</Quiet><Object><Key>${escaped}</Key></Object></Delete>`;
        const status = await statusOf({ method: 'POST', subres: { delete: '' }, ...(url ? { query: { 'encoding-type': 'url' } } : {}), content: body, headers: { 'Content-MD5': md5(body) } });
        if (url && /%(?![0-9A-Fa-f]{2})/.test(key)) reached.undecodableKeys++;
        expect(status, JSON.stringify({ key, url })).toBeLessThan(500);
      }),
      run.parameters,
    );
    if (run.parameters.path === undefined) {
      expect(reached.refused, JSON.stringify(reached)).toBeGreaterThanOrEqual(reached.runs * 0.1);
      expect(reached.undecodableKeys, JSON.stringify(reached)).toBeGreaterThanOrEqual(1);
    }
  });
});
