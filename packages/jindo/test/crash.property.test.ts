import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultAction } from '@hadoopfs/oss-server';
import { Coverage, LONG, propertyRun, replayed } from '../../../test/fixtures/property-run.js';
import { bytes, jindoFs, keys, PART, readAll, serverForTests } from './helpers.js';

/**
 * D1–D3 under crashes at random requests. A writer performs random writes and flushes; from a random
 * request on, every request it makes fails (refused, cut before handling, or handled but never answered)
 * and the writer is dropped without close, its connections cut. Then recover runs, itself crashing at a
 * random request, and runs again. The file must then hold at least every byte a successful hflush()
 * covered (D1), and only a prefix of what was written (D2), with the staging area empty (D3).
 */
const RUN = propertyRun('crash', { runs: 300, longRuns: 3000 });
const coverage = new Coverage('crash');
const server = serverForTests([]);
let run = 0;

type Step = { op: 'write'; size: number } | { op: 'flush' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('write' as const), size: fc.oneof(fc.nat(300), fc.integer({ min: PART - 50, max: 2 * PART + 50 })) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'flush' as const }) },
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
        replayed(RUN, fc.array(stepArb, { minLength: 2, maxLength: 12 }), 0),
        // The crash: from the n-th request after the writer's k-th returned flush (k = 0: from its start).
        replayed(RUN, fc.record({ afterFlushes: fc.constantFrom(0, 1, 1, 2), requests: fc.nat(4) }), 1),
        replayed(RUN, faultArb, 2),
        replayed(RUN, fc.option(fc.nat(12), { nil: undefined }), 3),
        replayed(RUN, faultArb, 4),
        async (steps, crashPoint, writerFault, recoverCrashAt, recoverFault) => {
          const bucket = `crash-${++run}`;
          await server.store.createBucket(bucket);
          server.faults.clear();
          const writer = await jindoFs(server, bucket);
          const written: Buffer[] = [];
          let flushed = 0;
          let writerRule: number | undefined;
          const armAfter = (flushes: number) => {
            if (flushes === crashPoint.afterFlushes) writerRule = server.faults.add({ after: crashPoint.requests, action: writerFault });
          };
          let flushes = 0;
          let died = false;
          try {
            armAfter(0);
            const out = await writer.create('/data/events.log');
            for (const [i, step] of steps.entries()) {
              if (step.op === 'write') {
                const chunk = bytes(step.size, run * 100 + i);
                written.push(chunk);
                await out.write(chunk);
              } else {
                await out.hflush();
                flushed = out.getPos();
                armAfter(++flushes);
              }
            }
          } catch {
            // The writer dies at its first failure, as a process would.
            died = true;
          }
          if (writerRule !== undefined && server.faults.list().some((r) => r.id === writerRule && r.fired > 0)) coverage.hit('writer faults fired');
          if (died && flushed > 0) coverage.hit('crashes after a returned flush');
          // Death: no close, and its connections cut so that nothing it started can land later.
          await writer.close();
          await server.stats.idle();
          server.faults.clear();

          const recoverer = await jindoFs(server, bucket, { 'fs.jfs.cache.flush.lease': '0s' });
          if (recoverCrashAt !== undefined) {
            const recoverRule = server.faults.add({ nth: recoverCrashAt + 1, action: recoverFault });
            await recoverer.recoverAll('/data', { recursive: true }).catch(() => undefined);
            if (server.faults.list().some((r) => r.id === recoverRule && r.fired > 0)) coverage.hit('recovers crashed');
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
          coverage.run();
        },
      ),
      RUN.parameters,
    );
    coverage.expectFloors({ 'writer faults fired': 0.4, 'crashes after a returned flush': 0.15, 'recovers crashed': 0.2 }, RUN);
  }, LONG ? 900_000 : 120_000);
});
