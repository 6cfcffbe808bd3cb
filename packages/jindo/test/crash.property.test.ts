import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultAction } from '@hadoopfs/oss-server';
import { bytes, jindoFs, keys, PART, readAll, serverForTests } from './helpers.js';

/**
 * D1–D3 under crashes at random requests. A writer performs random writes and flushes; from a random
 * request on, every request it makes fails (refused, cut before handling, or handled but never answered)
 * and the writer is dropped without close, its connections cut. Then recover runs, itself crashing at a
 * random request, and runs again. The file must then hold at least every byte a successful hflush()
 * covered (D1), and only a prefix of what was written (D2), with the staging area empty (D3).
 */
const LONG = Boolean(process.env['HADOOPFS_LONG']);
const server = serverForTests([]);
let run = 0;

type Step = { op: 'write'; size: number } | { op: 'flush' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('write' as const), size: fc.oneof(fc.nat(300), fc.integer({ min: PART - 50, max: 2 * PART + 50 })) }) },
  { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
);
const faultArb: fc.Arbitrary<FaultAction> = fc.constantFrom<FaultAction>(
  { type: 'error', status: 500, code: 'InternalError' },
  { type: 'drop', when: 'before-response' },
  { type: 'drop', when: 'instead-of-response' },
);

describe('crash and recover (property)', () => {
  it('flushed bytes survive any crash of the writer or of recover, and nothing else appears', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 10 }),
        fc.nat(40),
        faultArb,
        fc.option(fc.nat(12), { nil: undefined }),
        faultArb,
        async (steps, writerCrashAt, writerFault, recoverCrashAt, recoverFault) => {
          const bucket = `crash-${++run}`;
          await server.store.createBucket(bucket);
          server.faults.clear();
          const writer = await jindoFs(server, bucket);
          const written: Buffer[] = [];
          let flushed = 0;
          server.faults.add({ after: writerCrashAt, action: writerFault });
          try {
            const out = await writer.create('/data/events.log');
            for (const [i, step] of steps.entries()) {
              if (step.op === 'write') {
                const chunk = bytes(step.size, run * 100 + i);
                written.push(chunk);
                await out.write(chunk);
              } else {
                await out.hflush();
                flushed = out.getPos();
              }
            }
          } catch {
            // The writer dies at its first failure, as a process would.
          }
          // Death: no close, and its connections cut so that nothing it started can land later.
          await writer.close();
          await server.stats.idle();
          server.faults.clear();

          const recoverer = await jindoFs(server, bucket, { 'fs.jfs.cache.flush.lease': '0s' });
          if (recoverCrashAt !== undefined) {
            server.faults.add({ nth: recoverCrashAt + 1, action: recoverFault });
            await recoverer.recoverAll('/data', { recursive: true }).catch(() => undefined);
            await server.stats.idle();
            server.faults.clear();
          }
          const reports = await recoverer.recoverAll('/data', { recursive: true });
          for (const r of reports) expect(r.error, r.action).toBeUndefined();

          const all = Buffer.concat(written);
          if (await recoverer.exists('/data/events.log')) {
            const content = await readAll(recoverer, '/data/events.log');
            expect(content.length).toBeGreaterThanOrEqual(flushed);
            expect(content.equals(all.subarray(0, content.length))).toBe(true);
          } else {
            expect(flushed).toBe(0);
          }
          expect(keys(server, bucket).filter((k) => k.startsWith('tmp/'))).toEqual([]);
          await recoverer.close();
        },
      ),
      { seed: 20261126, numRuns: LONG ? 3000 : 300, endOnFailure: true },
    );
  }, LONG ? 900_000 : 120_000);
});
