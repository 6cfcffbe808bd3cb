import fc from 'fast-check';
import { ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FileSystem, type FSDataOutputStream } from '@hadoopfs/core';
import type { RecoverReport } from '@hadoopfs/object-store';
import { startFaultProxy, type FaultProxy, type ProxyAction } from '../../../test/fixtures/fault-proxy.js';
import { Coverage, propertyRun, replayed } from '../../../test/fixtures/property-run.js';
import { gatewayForTests, newBucket, s3aConf } from './helpers.js';

/**
 * Durable flush on s3a:// against the real radosgw, as a model-based property (its 'data' layout: the
 * store's Complete must name every part). The adversary, on the wire between client and server (the
 * fault proxy; radosgw has no faults of its own): any request of a command may be refused (503/500),
 * applied with its answer lost, applied late (after the client gave up and retried), or applied twice.
 * Writers may die at any point (dropped, never closed), go on after a failed request, close or abort;
 * a forced recover (one path, or -R) may run beside a live writer; a new writer may take the key over
 * after a dead one (lease recovery); a foreign object sits in the staging folder throughout. radosgw's
 * clock cannot be moved, so leases are 0 s or forced; the OSS property (packages/jindo) covers the
 * lease's edges and overlapping commands against the same layout on the OSS-protocol server.
 *
 * The model keeps what the target may hold: the contents of a close that returned, or a prefix of a
 * writer's bytes between its last returned flush and all it wrote. At the end every writer dies, the
 * faults stop, recover -R runs until it reports no error, and: the target is one of those (D1, D2, D7),
 * a second recover changes nothing (D3), nothing of the protocol is left and the foreign object is as it
 * was (D4, D6), and no writer ever flushed or closed successfully after a recover took it over (D5).
 */
const RUN = propertyRun('s3a-durable', { runs: 150, longRuns: 1500 });
const coverage = new Coverage('s3a-durable');
const env = gatewayForTests();
const MiB = 1024 * 1024;
let proxy: FaultProxy;
let bucket: string;
beforeAll(async () => {
  proxy = await startFaultProxy(env.gateway.endpoint);
  bucket = await newBucket(env.sdk, 'durable-prop');
}, 180_000);
afterAll(() => proxy?.close());

type Fault = { api: string; nth: number; action: ProxyAction } | null;
type Command =
  | { op: 'write'; size: number; fault: Fault }
  | { op: 'hflush'; fault: Fault }
  | { op: 'close'; fault: Fault }
  | { op: 'abort'; fault: Fault }
  | { op: 'crash' }
  | { op: 'recover'; recursive: boolean; fault: Fault }
  | { op: 'create'; fault: Fault }
  /** The last writer a create took over, driven on: every flush or close of it must fail (D5). */
  | { op: 'zombie'; what: 'hflush' | 'close' | 'write' };

/** The requests each command sends (a fault aims at one of them, so that it fires). */
const APIS = {
  write: ['CreateMultipartUpload', 'UploadPart'],
  hflush: ['CreateMultipartUpload', 'UploadPart', 'PutObject', 'ListParts', 'DeleteObjects'],
  close: ['PutObject', 'UploadPart', 'ListParts', 'ListMultipartUploads', 'CompleteMultipartUpload', 'CopyObject', 'UploadPartCopy', 'HeadObject', 'DeleteObject', 'DeleteObjects'],
  abort: ['AbortMultipartUpload', 'ListParts', 'ListMultipartUploads', 'DeleteObjects'],
  recover: ['ListObjectsV2', 'GetObject', 'UploadPart', 'ListParts', 'CompleteMultipartUpload', 'HeadObject', 'CopyObject', 'UploadPartCopy', 'CreateMultipartUpload', 'DeleteObject', 'DeleteObjects', 'ListMultipartUploads', 'AbortMultipartUpload'],
  create: ['ListObjectsV2', 'ListMultipartUploads', 'HeadObject', 'GetObject', 'UploadPart', 'CompleteMultipartUpload', 'CopyObject'],
} as const;
const actionArb: fc.Arbitrary<ProxyAction> = fc.oneof(
  fc.constant({ type: 'refuse', status: 503, code: 'SlowDown' } as const),
  fc.constant({ type: 'refuse', status: 500, code: 'InternalError' } as const),
  fc.constant({ type: 'lose-answer' } as const),
  fc.integer({ min: 5, max: 60 }).map((ms) => ({ type: 'late', ms }) as const),
  fc.integer({ min: 5, max: 60 }).map((ms) => ({ type: 'twice', ms }) as const),
);
const faultOf = (op: keyof typeof APIS): fc.Arbitrary<Fault> =>
  fc.option(fc.record({ api: fc.constantFrom(...APIS[op]), nth: fc.integer({ min: 1, max: 2 }), action: actionArb }), { freq: 2 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('write' as const), size: fc.oneof(fc.integer({ min: 1, max: 64 * 1024 }), fc.integer({ min: 5 * MiB, max: 6 * MiB })), fault: faultOf('write') }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('hflush' as const), fault: faultOf('hflush') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('close' as const), fault: faultOf('close') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), fault: faultOf('abort') }) },
  { weight: 3, arbitrary: fc.constant({ op: 'crash' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('recover' as const), recursive: fc.boolean(), fault: faultOf('recover') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('create' as const), fault: faultOf('create') }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('zombie' as const), what: fc.constantFrom('hflush' as const, 'close' as const, 'write' as const) }) },
);
const scheduleArb = fc.array(commandArb, { minLength: 3, maxLength: 12 });

/** What the target may hold: nothing or what was there before, exactly these bytes, or a prefix of a writer's bytes. */
type Outcome = { kind: 'absent' } | { kind: 'prefix'; writer: Writer; min: number; max: number };

interface Writer {
  name: string;
  out: FSDataOutputStream;
  data: Buffer;
  written: number;
  /** The length of the last flush that returned. */
  flushed: number;
  alive: boolean;
  /** A recover reported recovering its upload: every later flush or close must fail (D5). */
  takenOver: boolean;
  closed: boolean;
}

const conf = (endpoint: string) => s3aConf(env.gateway, { 'fs.s3a.endpoint': endpoint, 'fs.s3a.multipart.size': '12m', 'fs.s3a.fast.upload.buffer': 'array', 'fs.s3a.flush.enable': 'true', 'fs.s3a.attempts.maximum': 3, 'fs.s3a.flush.lease': '0s', 'fs.s3a.flush.removal.batch': 2 });

function bytesOf(seed: number, length: number): Buffer {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = (i * 131 + seed * 7) & 0xff;
  return data;
}

const outcome = <T,>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error: error as Error }));
let runs = 0;

describe('durable flush on s3a:// with faults on the wire (radosgw, model-based property)', () => {
  it('flushed bytes survive every schedule, recover builds only what a writer wrote, and touches nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(replayed(RUN, scheduleArb), async (commands) => {
        const prefix = `run-${++runs}`;
        const target = `${prefix}/events.log`;
        const foreign = `tmp/${target}/not-ours.txt`;
        await env.sdk.send(new PutObjectCommand({ Bucket: bucket, Key: foreign, Body: 'an object of another tool' }));
        const trace: string[] = [];
        const fail = (what: string): never => {
          throw new Error(`${what}\n  trace: ${trace.join(' | ')}`);
        };
        const faulty = await FileSystem.newInstance(`s3a://${bucket}/`, conf(proxy.endpoint));
        const direct = await FileSystem.newInstance(`s3a://${bucket}/`, conf(env.gateway.endpoint));
        const writers: Writer[] = [];
        let current: Writer | undefined;
        let zombie: Writer | undefined;
        // What the target may hold if nobody writes any more.
        let allowed: Outcome[] = [{ kind: 'absent' }];
        const withFault = async <T,>(fault: Fault, run: () => Promise<T>): Promise<T> => {
          proxy.clear();
          if (fault) proxy.add({ api: fault.api, nth: fault.nth, action: fault.action });
          try {
            return await run();
          } finally {
            if (proxy.fired > 0) coverage.hit(`faults fired: ${fault!.action.type}`);
            proxy.clear();
            await proxy.idle();
          }
        };
        const create = async (fault: Fault): Promise<void> => {
          const made = await withFault(fault, () => outcome(faulty.create(`/${target}`)));
          trace.push(`create ${made.ok ? 'ok' : `failed (${made.error.name})`}`);
          // Lease recovery (lease 0 s) recovered the previous writer first: the target is what it left.
          if (!made.ok) return;
          const w: Writer = { name: `W${writers.length + 1}`, out: made.value, data: bytesOf(writers.length + runs, 14 * MiB), written: 0, flushed: 0, alive: true, takenOver: false, closed: false };
          writers.push(w);
          current = w;
        };
        /**
         * A writer the model stops driving (dead, taken over, its close failed): what recover makes of it is
         * a prefix between its last returned flush and all it wrote — or, without a returned flush, what was there.
         */
        const settle = (w: Writer) => {
          w.alive = false;
          // Taken over: recover decided its outcome then, whatever it did after.
          if (w.closed || w.takenOver) return;
          const prefix: Outcome = { kind: 'prefix', writer: w, min: w.flushed, max: w.written };
          allowed = w.flushed > 0 ? [prefix] : [...allowed, prefix];
        };
        await create(null);
        for (const command of commands) {
          const w = current;
          switch (command.op) {
            case 'write': {
              if (!w?.alive) break;
              const size = Math.min(command.size, w.data.length - w.written);
              const r = await withFault(command.fault, () => outcome(w.out.write(w.data.subarray(w.written, w.written + size))));
              // A write that failed may still have taken its bytes (a part in flight is sent again); a taken-over
              // writer's bytes are past what recover took: the model's outcomes keep their own bounds.
              w.written += size;
              trace.push(`${w.name} write ${size} ${r.ok ? 'ok' : `failed (${r.error.name})`}`);
              break;
            }
            case 'hflush': {
              if (!w?.alive) break;
              const r = await withFault(command.fault, () => outcome(w.out.hflush()));
              trace.push(`${w.name} hflush@${w.written} ${r.ok ? 'ok' : `failed (${r.error.name})`}`);
              if (r.ok) {
                if (w.takenOver) fail(`D5: ${w.name} flushed after a recover took it over`);
                w.flushed = w.written;
                coverage.hit('flushes returned');
              }
              break;
            }
            case 'close': {
              if (!w?.alive) break;
              const r = await withFault(command.fault, () => outcome(w.out.close()));
              trace.push(`${w.name} close@${w.written} ${r.ok ? 'ok' : `failed (${r.error.name}: ${r.error.message.slice(0, 120)})`}`);
              if (r.ok) {
                if (w.takenOver) fail(`D5: ${w.name} closed after a recover took it over`);
                w.closed = true;
                w.alive = false;
                allowed = [{ kind: 'prefix', writer: w, min: w.written, max: w.written }];
                coverage.hit('closes returned');
              } else {
                // A failed close keeps the last flush recoverable, and may have published all it wrote.
                settle(w);
              }
              break;
            }
            case 'abort': {
              if (!w?.alive) break;
              const r = await withFault(command.fault, () => outcome(w.out.abort()));
              trace.push(`${w.name} abort ${r.ok ? 'ok' : 'failed'}`);
              // An abort discards the writer's state; a failed one may leave it for recover: either is allowed.
              w.alive = false;
              if (!w.takenOver) allowed = [...allowed, { kind: 'prefix', writer: w, min: 0, max: w.written }];
              break;
            }
            case 'crash':
              if (!w?.alive) break;
              trace.push(`${w.name} dies`);
              if (w.flushed > 0) coverage.hit('crashes after a returned flush');
              settle(w);
              break;
            case 'recover': {
              const r = await withFault(command.fault, () =>
                outcome((faulty as FileSystem & { recoverAll(p: string, o: object): Promise<RecoverReport[]> }).recoverAll(command.recursive ? `/${prefix}` : `/${target}`, { force: true, recursive: command.recursive })),
              );
              trace.push(`recover${command.recursive ? ' -R' : ''} ${r.ok ? r.value.map((x) => x.state).join(',') : `failed (${r.error.message.slice(0, 120)})`}`);
              const uploadOfW = w?.alive ? await (w.out as unknown as { uploadId?: Promise<string> }).uploadId?.catch(() => undefined) : undefined;
              if (w?.alive && r.ok && r.value.some((x) => x.state === 'recovered' && x.uploadId !== undefined && x.uploadId === uploadOfW)) {
                // Taken over: its flushed bytes are the file; it is still driven, and every flush or close of it must fail (D5).
                coverage.hit('live writers taken over');
                settle(w);
                w.takenOver = true;
                w.alive = true;
              } else if (w?.alive && !r.ok) {
                // A failed recover may have claimed it (its next flush fails) or not: it goes on either way.
                coverage.hit('recovers failed beside a live writer');
              }
              break;
            }
            case 'create': {
              // A live writer with an upload of its own (it flushed, or a part went up) is one a create can
              // see: with a 0 s lease, create() takes it over (lease recovery), and it lives on as a zombie.
              const seen = w?.alive && !w.takenOver && (await (w.out as unknown as { uploadId?: Promise<string> }).uploadId?.then(() => true, () => false));
              if (w?.alive && !w.takenOver) {
                trace.push(`${w.name} is taken over by a new writer`);
                settle(w);
              }
              const before = current;
              await create(command.fault);
              if (seen && current !== before) zombie = w;
              break;
            }
            case 'zombie': {
              if (!zombie) break;
              const z = zombie;
              const r = await outcome(
                command.what === 'write' ? z.out.write(Buffer.from('zombie bytes')) : command.what === 'hflush' ? z.out.hflush() : z.out.close(),
              );
              trace.push(`zombie ${z.name} ${command.what} ${r.ok ? 'ok' : `failed (${r.error.name})`}`);
              if (r.ok && command.what !== 'write') fail(`D5: ${z.name}, taken over by a create, had its ${command.what} return`);
              if (!r.ok) coverage.hit('zombies refused');
              break;
            }
          }
        }
        // The end: every writer dies, the faults stop, recover runs until it is done.
        proxy.clear();
        await proxy.idle();
        for (const w of writers) if (w.alive && !w.takenOver) settle(w);
        let reports: RecoverReport[] = [];
        const recovery = direct as FileSystem & { recoverAll(p: string, o: object): Promise<RecoverReport[]> };
        for (let attempt = 1; attempt <= 3; attempt++) {
          reports = await recovery.recoverAll(`/${prefix}`, { recursive: true, force: true });
          if (reports.every((x) => !x.error)) break;
        }
        const errors = reports.filter((x) => x.error);
        if (errors.length > 0) fail(`recover kept failing: ${errors.map((x) => `${x.state}: ${x.error!.message}`).join('; ')}`);
        const got = await env.sdk.send(new GetObjectCommand({ Bucket: bucket, Key: target })).then(
          async (o) => Buffer.from(await o.Body!.transformToByteArray()),
          () => undefined,
        );
        const matches = (o: Outcome) =>
          o.kind === 'absent' ? got === undefined : got !== undefined && got.length >= o.min && got.length <= o.max && got.equals(o.writer.data.subarray(0, got.length));
        if (!allowed.some(matches)) {
          fail(
            `D1/D2: the target holds ${got === undefined ? 'nothing' : `${got.length} bytes`}, expected ${allowed.map((o) => (o.kind === 'absent' ? 'nothing' : `a prefix of ${o.writer.name} of ${o.min}..${o.max} bytes`)).join(' or ')}; ` +
              `the last recover said: ${reports.map((x) => `${x.state} (${x.action})`).join('; ')}`,
          );
        }
        if (got !== undefined && allowed.some((o) => o.kind === 'prefix' && o.min > 0)) coverage.hit('flushed bytes recovered');
        const again = await recovery.recoverAll(`/${prefix}`, { recursive: true });
        if (again.some((x) => x.state !== 'nothing-staged')) fail(`D3: a second recover still acted: ${again.map((x) => `${x.state} ${x.action}`).join('; ')}`);
        const staged = (await env.sdk.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `tmp/${prefix}/` }))).Contents?.map((o) => o.Key!) ?? [];
        if (staged.join() !== foreign) fail(`D4/D6: the staging holds ${staged.join(', ')}, not only the foreign object`);
        const foreignNow = await env.sdk.send(new GetObjectCommand({ Bucket: bucket, Key: foreign }));
        if ((await foreignNow.Body!.transformToString()) !== 'an object of another tool') fail('D6: the foreign object was changed');
        const uploads = (await env.sdk.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? [];
        const stagedUploads = (await env.sdk.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `tmp/${prefix}/` }))).Uploads ?? [];
        if (uploads.length + stagedUploads.length > 0) fail(`incomplete uploads left: ${[...uploads, ...stagedUploads].map((u) => u.Key).join(', ')}`);
        await Promise.all([faulty.close(), direct.close()]);
        coverage.run();
      }),
      RUN.parameters,
    );
    coverage.expectFloors(
      // Floors a run of 150 misses with well under 1 % chance each (their counts run 5–20 times the floor).
      {
        'flushes returned': 0.3,
        'crashes after a returned flush': 0.01,
        'live writers taken over': 0.01,
        'zombies refused': 0.01,
        'closes returned': 0.05,
        'flushed bytes recovered': 0.05,
        'faults fired: refuse': 0.03,
        'faults fired: lose-answer': 0.01,
        'faults fired: late': 0.01,
        'faults fired: twice': 0.01,
      },
      RUN,
    );
  }, 900_000);
});
