import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, type RunningOssServer } from '@hadoopfs/oss-server';
import { bytes, client, startTestServer } from './helpers.js';

/**
 * The server against a map: random sequences of put, append, delete and multipart uploads through ali-oss
 * leave exactly the bytes the map predicts, and listings list exactly the map's keys in order.
 */
let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer({ buckets: ['model'] });
});
afterAll(async () => {
  await server.close();
});

type Op =
  | { op: 'put'; key: string; size: number; seed: number }
  | { op: 'append'; key: string; size: number; seed: number }
  | { op: 'delete'; key: string }
  | { op: 'multipart'; key: string; parts: number[]; seed: number };

const keyArb = fc.constantFrom('a', 'b', 'dir/c', 'dir/sub/d', 'é');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: keyArb, size: fc.nat(2000), seed: fc.nat() }),
  fc.record({ op: fc.constant('append' as const), key: keyArb, size: fc.nat(500), seed: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb }),
  fc.record({
    op: fc.constant('multipart' as const),
    key: keyArb,
    parts: fc.array(fc.constantFrom(MIN_PART_SIZE, MIN_PART_SIZE + 1), { minLength: 0, maxLength: 2 }).map((full) => [...full, 100]),
    seed: fc.nat(),
  }),
);

describe('server against a map model', () => {
  it('property: random operation sequences leave exactly the predicted bytes', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const prefix = `run${round++}/`;
        const oss = client(server, round % 2 ? 'ip' : 'v4', { bucket: 'model' });
        const model = new Map<string, { data: Buffer; appendable: boolean }>();
        for (const op of ops) {
          const key = prefix + op.key;
          if (op.op === 'put') {
            const data = bytes(op.size, op.seed);
            await oss.put(key, data);
            model.set(key, { data, appendable: false });
          } else if (op.op === 'append') {
            const current = model.get(key);
            const data = bytes(op.size, op.seed);
            const result = await oss.append(key, data, { position: String(current?.data.length ?? 0) }).then(
              () => 'ok',
              (e: { code: string }) => e.code,
            );
            if (current && !current.appendable) expect(result).toBe('ObjectNotAppendable');
            else {
              expect(result).toBe('ok');
              model.set(key, { data: Buffer.concat([current?.data ?? Buffer.alloc(0), data]), appendable: true });
            }
          } else if (op.op === 'delete') {
            await oss.delete(key);
            model.delete(key);
          } else {
            const { uploadId } = await oss.initMultipartUpload(key);
            const datas = op.parts.map((size, i) => bytes(size, op.seed + i));
            const done = [];
            for (let i = 0; i < datas.length; i++) done.push(await oss.uploadPart(key, uploadId, i + 1, datas[i]!, 0, datas[i]!.length));
            await oss.completeMultipartUpload(key, uploadId, done.map((d: { etag: string }, i: number) => ({ number: i + 1, etag: d.etag })));
            model.set(key, { data: Buffer.concat(datas), appendable: false });
          }
        }
        const listed = await oss.listV2({ prefix, 'max-keys': '1000' } as never);
        const names = ((listed.objects ?? []) as Array<{ name: string }>).map((o) => o.name);
        expect(names).toEqual([...model.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
        for (const [key, { data }] of model) {
          const got = (await oss.get(key)).content as Buffer;
          expect(got.length).toBe(data.length);
          expect(got.equals(data)).toBe(true);
        }
      }),
      propertyRun('oss-server-model', { runs: 25, longRuns: 200 }).parameters,
    );
  });
});
