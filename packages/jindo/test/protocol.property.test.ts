import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { AlreadyBeingCreatedError, crc64, LeaseExpiredError } from '@hadoopfs/core';
import { type DurableOssOutputStream, type JindoOssFileSystem, type RecoverReport } from '@hadoopfs/jindo';
import { DurableFlushStatisticNames, MANIFEST_KIND, parseStagingName } from '@hadoopfs/object-store';
import type { FaultAction } from '@hadoopfs/oss-server';
import { Coverage, LONG, propertyRun, replayed } from '../../../test/fixtures/property-run.js';
import { bytes, ID, jindoFs, readAll, SECRET } from './helpers.js';
import { serverForTests as ossServerForTests } from '../../oss/test/helpers.js';
import { startOssServer } from '@hadoopfs/oss-server';

/**
 * The durable-flush protocol (v2) as a model-based property, against the real OSS-protocol server over
 * HTTP through ali-oss.
 *
 * The adversary, per command: any one of its requests is refused before it is applied (503, or the
 * connection cut), applied with its answer lost, applied late (the client sees no answer; the store
 * applies it up to 40 ms later, after the client retried or went on), or applied twice. Processes die at
 * any command (their connections cut, their streams never closed). Writers go on after failures: flush
 * again, close, retry a failed close, abort. recover runs with and without force and with an expired
 * lease, itself hit by faults; a second writer creates the same path; someone aborts the upload
 * (a lifecycle rule) or overwrites the target outside the protocol; foreign objects and junk under the
 * protocol's own names appear in the staging folder, and an object outside it must stay untouched.
 *
 * The model keeps, for the target, the set of contents it may hold now ("committed") and, for the current
 * writer, what a recover must produce if it died now ("obligation": at least every byte of a flush that
 * returned, and only a prefix of what it wrote). At the end every writer dies, recover runs until it
 * reports no error, and the properties below are checked.
 */
const RUN = propertyRun('protocol', { runs: 500, longRuns: 10_000 });
const coverage = new Coverage('protocol');
// Three times the 100 KiB minimum: a flush of two minimums or more goes up as several parts at once.
const PART_SIZE = 300 * 1024;
const TARGET = 'data/events.log';
const SHORT_LEASE = '2s';
const SHORT_LEASE_MS = 2000;
const FOLDER = `tmp/${TARGET}/`;

/**
 * Every actor signs with credentials of its own — each writer, each recoverer — so that a fault, or the
 * hold that makes two commands overlap, is aimed at one actor's requests only.
 */
const ACTORS = [...Array.from({ length: 64 }, (_, i) => `writer-${i}`), ...Array.from({ length: 64 }, (_, i) => `recoverer-${i}`)];
const secretOf = (actor: string) => `${actor}-secret`;
const server = ossServerForTests([], {}, (buckets) =>
  startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }, ...ACTORS.map((a) => ({ accessKeyId: a, accessKeySecret: secretOf(a) }))], buckets }),
);
let run = 0;
/** PROTOCOL_DEBUG=1 prints the model after every command and the store before the final recover (with a replay). */
const DEBUG = process.env['PROTOCOL_DEBUG'] === '1';
const debug = (...what: unknown[]) => void (DEBUG && console.log('[protocol]', ...what));

/** Faults of one command: none, one, or two at different requests (one lost answer, then a late retry…). */
type Fault = Array<{ action: FaultAction; nth: number }> | null;
type Command =
  | { op: 'write'; size: number; fault: Fault }
  | { op: 'hflush' | 'hsync' | 'close' | 'abort'; fault: Fault }
  | { op: 'crash' }
  /** recover of the target, or (`recursive`) `recover -R` of its folder with the purge of uploads nothing names. */
  | { op: 'recover'; mode: 'within-lease' | 'short-lease' | 'forced' | 'lease-expired'; recursive?: boolean; fault: Fault }
  /** The store's clock moves on (0–2.5 s): with the 2 s lease of `short-lease`, flushes fall on both sides of its edge. */
  | { op: 'age'; ms: number }
  | { op: 'create'; leaseExpired: boolean; shortLease?: boolean; fault: Fault }
  | { op: 'zombie'; what: 'flush' | 'close' }
  | { op: 'external-abort' }
  | { op: 'external-put'; size: number }
  | { op: 'plant'; what: 'foreign' | 'junk-manifest' | 'junk-next' | 'forged' }
  /**
   * Two commands overlap: `outer` runs until its `at`-th request reaches the server, which holds it there
   * (its client waiting for the answer); `inner` runs in full; then the held request goes on, and `outer`
   * finishes. An outer with fewer requests finishes first, and `inner` runs after it.
   */
  | { op: 'overlap'; outer: Command; at: number; inner: Command };

const WRITER_OPS = new Set(['write', 'hflush', 'hsync', 'close', 'abort']);

const actionArb: fc.Arbitrary<FaultAction> = fc.oneof(
  fc.constant<FaultAction>({ type: 'error', status: 503, code: 'SlowDown' }),
  fc.constant<FaultAction>({ type: 'drop', when: 'before-response' }),
  fc.constant<FaultAction>({ type: 'drop', when: 'instead-of-response' }),
  fc.integer({ min: 1, max: 40 }).map((ms): FaultAction => ({ type: 'late', ms })),
  // Held: it lands when the command after the next one has run (a request stuck in the network that long).
  fc.constant<FaultAction>({ type: 'late', ms: 60_000, held: true }),
  fc.integer({ min: 1, max: 40 }).map((ms): FaultAction => ({ type: 'duplicate', ms })),
);
// Early requests more often: most commands make two to four, and a fault planned past the last fires never.
const nthArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 6 }) });
const faultArb: fc.Arbitrary<Fault> = fc.option(fc.array(fc.record({ action: actionArb, nth: nthArb }), { minLength: 1, maxLength: 2 }), { nil: null, freq: 3 });
const sizeArb = fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 90 * 1024, max: 160 * 1024 }), fc.integer({ min: 190 * 1024, max: 420 * 1024 }));
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('write' as const), size: sizeArb, fault: faultArb }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constantFrom('hflush' as const, 'hsync' as const), fault: faultArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('close' as const), fault: faultArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), fault: faultArb }) },
  { weight: 2, arbitrary: fc.constant({ op: 'crash' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('recover' as const), mode: fc.constantFrom('within-lease' as const, 'short-lease' as const, 'forced' as const, 'lease-expired' as const), recursive: fc.boolean(), fault: faultArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('age' as const), ms: fc.integer({ min: 0, max: 2500 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('create' as const), leaseExpired: fc.boolean(), shortLease: fc.boolean(), fault: faultArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zombie' as const), what: fc.constantFrom('flush' as const, 'close' as const) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'external-abort' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('external-put' as const), size: fc.integer({ min: 0, max: 2000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('plant' as const), what: fc.constantFrom('foreign' as const, 'junk-manifest' as const, 'junk-next' as const, 'forged' as const) }) },
);
const bigWriteArb = fc.record({ op: fc.constant('write' as const), size: fc.integer({ min: 100 * 1024, max: 420 * 1024 }), fault: faultArb });
const flushArb = fc.record({ op: fc.constantFrom('hflush' as const, 'hsync' as const), fault: faultArb });
const recoverArb = fc.record({ op: fc.constant('recover' as const), mode: fc.constantFrom('within-lease' as const, 'short-lease' as const, 'forced' as const, 'lease-expired' as const), recursive: fc.boolean(), fault: faultArb });
const createArb = fc.record({ op: fc.constant('create' as const), leaseExpired: fc.boolean(), shortLease: fc.boolean(), fault: faultArb });
const outerArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: flushArb },
  { weight: 1, arbitrary: bigWriteArb },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('close' as const), fault: faultArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), fault: faultArb }) },
  { weight: 3, arbitrary: recoverArb },
  { weight: 2, arbitrary: createArb },
);
const innerArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: recoverArb },
  { weight: 4, arbitrary: createArb },
  { weight: 3, arbitrary: flushArb },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), fault: faultArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zombie' as const), what: fc.constantFrom('flush' as const, 'close' as const) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'external-abort' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('external-put' as const), size: fc.integer({ min: 0, max: 2000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('plant' as const), what: fc.constantFrom('foreign' as const, 'junk-manifest' as const, 'junk-next' as const, 'forged' as const) }) },
);
const atArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 6 }) });
// The hardest overlap of all, on purpose: a takeover between a flush's fencing read and the removal of its
// previous manifest (its third request), so that the flush returns beside the takeover.
const takeoverInsideFlushArb: fc.Arbitrary<Command> = fc.record({
  op: fc.constant('overlap' as const),
  outer: fc.constant<Command>({ op: 'hflush', fault: null }),
  at: fc.constantFrom(2, 3),
  inner: fc.record({ op: fc.constant('recover' as const), mode: fc.constantFrom('forced' as const, 'lease-expired' as const), recursive: fc.boolean(), fault: fc.constant(null) }),
});
const overlapArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('overlap' as const), outer: outerArb, at: atArb, inner: innerArb }) },
  { weight: 1, arbitrary: takeoverInsideFlushArb },
);
const stepArb: fc.Arbitrary<Command> = fc.oneof({ weight: 3, arbitrary: commandArb }, { weight: 1, arbitrary: overlapArb });
/**
 * Steps, and now and then a short scenario that sets up a hard case on purpose: a small flush, a durable writer with new
 * bytes whose flush is taken over between its fencing read and its removal of the previous manifest, or
 * junk and forgeries planted beside a live writer's manifests.
 */
const scenarioArb: fc.Arbitrary<Command[]> = fc.oneof(
  // A small flush (between one and two part minimums new): its part goes up beside its manifest, the
  // faults of the flush landing on either.
  fc.tuple(fc.integer({ min: 101 * 1024, max: 148 * 1024 }), faultArb).map(([size, fault]): Command[] => [
    { op: 'hflush', fault: null },
    { op: 'write', size, fault: null },
    { op: 'hflush', fault },
  ]),
  fc.tuple(fc.integer({ min: 1, max: 3000 }), takeoverInsideFlushArb).map(([size, overlap]): Command[] => [
    { op: 'hflush', fault: null },
    { op: 'write', size, fault: null },
    overlap,
  ]),
  // A flush, then a recover or create with a 2 s lease 0–3 s later on the store's clock: both sides of the edge.
  fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 3000 }), fc.boolean()).map(([size, ms, create]): Command[] => [
    { op: 'write', size, fault: null },
    { op: 'hflush', fault: null },
    { op: 'age', ms },
    create ? { op: 'create', leaseExpired: false, shortLease: true, fault: null } : { op: 'recover', mode: 'short-lease', fault: null },
  ]),
  fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('junk-next' as const, 'forged' as const)).map(([size, what]): Command[] => [
    { op: 'write', size, fault: null },
    { op: 'hflush', fault: null },
    { op: 'plant', what },
  ]),
);
const scheduleArb: fc.Arbitrary<Command[]> = fc
  .array(fc.oneof({ weight: 8, arbitrary: stepArb.map((c) => [c]) }, { weight: 1, arbitrary: scenarioArb }), { minLength: 1, maxLength: 12 })
  .map((steps) => steps.flat());

/** A counter of a stream's IOStatistics (0 until it is first counted). */
function counterOf(out: DurableOssOutputStream, name: string): number {
  return out.getIOStatistics().counters().get(name) ?? 0;
}

/** A content the target may hold: none, exactly these bytes, or a prefix of at least `min` bytes of a writer's bytes. */
type Outcome = { kind: 'absent' } | { kind: 'exact'; bytes: Buffer } | { kind: 'prefix'; writer: Writer; min: number };

interface Writer {
  name: string;
  /** The access key id its requests are signed with (its faults and holds aim at it). */
  actor: string;
  /** The store's clock (whole seconds) when its create began: uploads initiated since are its own. */
  since: number;
  fs: JindoOssFileSystem;
  out: DurableOssOutputStream;
  chunks: Buffer[];
  length: number;
  /** Bytes covered by the last flush that returned. */
  flushedOk: number;
  /** The store's clock when the last flush that returned began (its manifest is no older than this). */
  lastFlushBegan: number;
  /** A flush returned at least once (the stream has durable state). */
  durable: boolean;
  /** A flush was attempted: a manifest may exist. */
  staged: boolean;
  state: 'open' | 'close-failed' | 'closed' | 'aborted' | 'dead';
  fenced: 'no' | 'maybe' | 'yes';
  /** What recover must yield if the writer died now; undefined: nothing of this writer's counts. */
  obligation: Outcome[] | undefined;
  alive: boolean;
  /** The target was overwritten outside the protocol after this writer began: recover leaves that file (D7). */
  superseded: boolean;
  /** A close or abort returned: the writer left nothing behind. */
  endedCleanly: boolean;
  /**
   * Data layout: a close that failed after its commit (the data upload completed with everything written, the
   * copy to the target not yet done). Its content is fixed; a recover may finish the copy, and the close
   * tried again may then return — as a close that failed after its Complete does in the target layout.
   */
  committedClose?: boolean;
  /**
   * Another tool wrote the target while this writer's create ran (an overlap): before or after the create
   * read what it replaces — so that file may be what stays, whatever the writer flushes (D7).
   */
  maybeSupersededBy: Outcome[];
}

const written = (w: Writer) => Buffer.concat(w.chunks);

function matches(content: Buffer | undefined, outcome: Outcome): boolean {
  if (outcome.kind === 'absent') return content === undefined;
  if (content === undefined) return false;
  if (outcome.kind === 'exact') return content.equals(outcome.bytes);
  const all = written(outcome.writer);
  return content.length >= outcome.min && content.length <= all.length && content.equals(all.subarray(0, content.length));
}

function describeOutcome(o: Outcome): string {
  if (o.kind === 'absent') return 'absent';
  if (o.kind === 'exact') return `exactly ${o.bytes.length} bytes`;
  return `a prefix of ${o.writer.name}'s ${o.writer.length} bytes, at least ${o.min}`;
}

/**
 * Installs a command's fault. Two exceptions, outside what any OSS client can answer for, since OSS has no
 * conditional write that would fence them: a late or repeated PutObject of the target itself (a file closed
 * without any flush is one plain PutObject), and a late CompleteMultipartUpload of an existing target, would
 * land over whatever was written after them. Such requests are refused or lost in this test instead (a
 * duplicated Complete is harmless and stays in: its second application finds no upload).
 */
const isDelayed = (action: FaultAction) => action.type === 'late' || action.type === 'duplicate';

/** How withFault installs a command's faults: what the command is and where it runs decide what may be late. */
const faultPolicy = {
  /** Inside an overlap, a late request is never held (the held one of the overlap is the only one). */
  inOverlap: false,
  /** recover of a target that does not exist: its Complete is create-only, so it may land late too. */
  lateComplete: false,
  /** A held late request was cut from its client: the loop lets it land after the next command. */
  heldLateFired: false,
};

async function withFault<T>(faults: Fault, actor: string, body: () => Promise<T>): Promise<T> {
  const installed: Array<{ ids: number[]; delayed: boolean; held: boolean }> = [];
  const accessKeyIds = [actor];
  for (const fault of faults ?? []) {
    const ids: number[] = [];
    const held = fault.action.type === 'late' && fault.action.held === true && !faultPolicy.inOverlap;
    const action: FaultAction = fault.action.type === 'late' && fault.action.held && !held ? { type: 'late', ms: 20 } : fault.action;
    if (!isDelayed(action)) ids.push(server.faults.add({ accessKeyIds, nth: fault.nth, action }));
    else {
      const others = ['GetObject', 'HeadObject', 'DeleteObject', 'DeleteMultipleObjects', 'ListObjectsV2', 'InitiateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'AbortMultipartUpload', 'ListParts', 'ListMultipartUploads'];
      if (action.type === 'duplicate' || faultPolicy.lateComplete) others.push('CompleteMultipartUpload');
      ids.push(server.faults.add({ accessKeyIds, nth: fault.nth, apis: others, action }));
      ids.push(server.faults.add({ accessKeyIds, nth: fault.nth, apis: ['PutObject'], keyPattern: '^tmp/', action }));
    }
    installed.push({ ids, delayed: isDelayed(action), held });
  }
  try {
    return await body();
  } finally {
    const rules = server.faults.list();
    const fired = (ids: number[]) => rules.some((r) => ids.includes(r.id) && r.fired > 0);
    for (const { ids, delayed, held } of installed) {
      if (fired(ids)) coverage.hit(delayed ? 'delayed faults fired' : 'faults fired');
      if (fired(ids) && held) {
        coverage.hit('held late requests');
        faultPolicy.heldLateFired = true;
      }
      for (const id of ids) server.faults.remove(id);
    }
    if (installed.length > 1 && installed.every(({ ids }) => fired(ids))) coverage.hit('two faults in one command');
  }
}

async function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as Error }),
  );
}

/**
 * Where writers upload (object-store's UploadLayout): 'target' as on OSS, or 'data' as on a store whose
 * Complete must name every part (radosgw) — the server made to refuse such a Complete, and the store
 * declared to lack completeOmitsParts, so the same adversary runs against the other layout.
 */
const LAYOUT = (process.env['PROTOCOL_LAYOUT'] ?? 'target') as 'target' | 'data';
if (LAYOUT !== 'target' && LAYOUT !== 'data') throw new Error(`PROTOCOL_LAYOUT=${String(LAYOUT)}: target or data`);
const settings = {
  'fs.oss.multipart.part.size': PART_SIZE,
  'fs.oss.attempts.maximum': 2,
  'fs.oss.retry.interval': '1ms',
  'fs.oss.retry.interval.maximum': '5ms',
  // Small flushes send their part beside their manifest (off by default: twice the bytes for one round trip).
  'fs.jfs.cache.flush.overlap.size': '1m',
  ...(LAYOUT === 'data' ? { 'fs.oss.store.lacks': 'completeOmitsParts' } : {}),
};

describe(`durable flush protocol v2 (model-based property, ${LAYOUT} layout)`, () => {
  it('flushed bytes survive every fault schedule, recover only completes what writers wrote, and touches nothing else', async () => {
    await fc.assert(
      // The second argument: a version 1 writer (hadoopfs 0.1) left staging for the target ten minutes before.
      // The third: how many superseded manifests a writer removes at once (1: a removal beside every flush).
      fc.asyncProperty(replayed(RUN, scheduleArb, 0), replayed(RUN, fc.boolean(), 1), replayed(RUN, fc.constantFrom(1, 1, 3), 2), async (commands, v1Leftover, removalBatch) => {
        const bucket = `protocol-${++run}`;
        server.store.completeMustNameEveryPart = LAYOUT === 'data';
        server.store.clock.resume();
        await server.store.createBucket(bucket);
        server.faults.clear();
        const trace: string[] = [];
        const fail = (what: string): never => {
          throw new Error(`${what}\n  trace: ${trace.join(' | ')}`);
        };
        /** A held late request of an earlier command is still on its way. */
        let heldPending = false;
        let writersMade = 0;
        let recoverersMade = 0;
        const nextWriter = () => `writer-${writersMade++ % 64}`;
        const nextRecoverer = () => `recoverer-${recoverersMade++ % 64}`;
        const fsWith = (lease: string, actor?: string) =>
          jindoFs(server, bucket, { ...settings, 'fs.jfs.cache.flush.removal.batch': removalBatch, 'fs.jfs.cache.flush.lease': lease, ...(actor ? { 'fs.oss.accessKeyId': actor, 'fs.oss.accessKeySecret': secretOf(actor) } : {}) });
        const outside = { key: 'private/key.pem', bytes: randomBytes(64) };
        const admin = await fsWith('60s');
        await admin.client.put(outside.key, outside.bytes);
        const planted = new Map<string, Buffer>();
        let junkPlanted = false;
        let committed: Outcome[] = [{ kind: 'absent' }];
        const writers: Writer[] = [];
        let current: Writer | undefined;

        let delayedFaults = false;
        /** Junk or a forgery was planted among the live writer's manifests: its staging is the operator's now. */
        let untrusted = false;
        /** The writer whose command is held while another runs (no second command of its stream may run). */
        let busy: Writer | undefined;
        let busyOp: Command['op'] | undefined;
        /** A recover or create is held in the middle (an overlap's outer): it may have taken the writer over already. */
        let takeoverInFlight = false;
        /** Two writers became durable at the same moment (a first flush inside a create): either may end up the file. */
        let raced = false;
        const readTarget = async (fs: JindoOssFileSystem) => ((await fs.exists(`/${TARGET}`)) ? readAll(fs, `/${TARGET}`) : undefined);
        const createWriter = async (lease: string, fault: Fault, actor = nextWriter()): Promise<Writer | Error> => {
          const since = Math.floor(server.store.clock.now() / 1000) * 1000;
          const fs = await fsWith(lease, actor);
          const created = await withFault(fault, actor, () => outcome(fs.create(`/${TARGET}`)));
          if (!created.ok) {
            debug('create failed', created.error.message);
            await fs.close();
            return created.error;
          }
          const w: Writer = {
            name: `W${writers.length + 1}`,
            actor,
            since,
            fs,
            out: created.value as DurableOssOutputStream,
            chunks: [],
            length: 0,
            flushedOk: 0,
            lastFlushBegan: 0,
            durable: false,
            staged: false,
            state: 'open',
            fenced: 'no',
            obligation: undefined,
            alive: true,
            superseded: false,
            endedCleanly: false,
            maybeSupersededBy: [],
          };
          writers.push(w);
          return w;
        };
        const die = async (w: Writer) => {
          if (!w.alive) return;
          w.alive = false;
          // A request of it held at the server lands after its death: as a late request would.
          if (w === busy) delayedFaults = true;
          if (w.state === 'open' || w.state === 'close-failed') w.state = 'dead';
          await w.fs.close();
        };
        /**
         * After a takeover of `w` (recover or create) that ended without error: its flushed bytes are in the
         * target now. Read as the admin: a read as the taker would be the taker's next request, and an
         * overlap's hold aimed at it would stop the model's check instead of the command.
         */
        const tookOver = async (w: Writer | undefined) => {
          if (!w || !w.staged) return;
          // A writer closing or aborting at that moment (held inside an overlap) may have completed or ended
          // its upload already: what the takeover found is whatever that left.
          if (w === busy && (busyOp === 'abort' || busyOp === 'close')) return maybeTookOver(w);
          if (w.obligation === undefined && w === busy) {
            // A flush of the writer is in flight (held inside an overlap): its manifest, if it landed before
            // the claim, is what was completed — a prefix of what it wrote.
            const content = await readTarget(admin);
            const allowed: Outcome[] = [...committed, { kind: 'prefix', writer: w, min: 0 }];
            if (!allowed.some((o) => matches(content, o))) fail(`after taking over ${w.name} (a flush in flight) the target holds ${content?.length ?? 'nothing'}, not ${allowed.map(describeOutcome).join(' or ')}`);
            committed = [content === undefined ? { kind: 'absent' } : { kind: 'exact', bytes: content }];
          }
          if (w.obligation !== undefined) {
            const content = await readTarget(admin);
            if (!w.obligation.some((o) => matches(content, o))) {
              fail(`after taking over ${w.name} the target holds ${content?.length ?? 'nothing'}, not ${w.obligation.map(describeOutcome).join(' or ')}`);
            }
            committed = [content === undefined ? { kind: 'absent' } : { kind: 'exact', bytes: content }];
            // A manifest of a flush that failed may still land later, and a later recover finish it.
            if (!w.durable) committed.push({ kind: 'prefix', writer: w, min: 0 });
            w.obligation = undefined;
          }
          // A manifest that returned was surely there to be taken over; one whose flush failed may not have landed.
          if (w.durable && w.state !== 'closed' && w.state !== 'aborted' && !w.committedClose) w.fenced = 'yes';
          else if (w.fenced === 'no') w.fenced = 'maybe';
        };
        /** After a takeover attempt that may have stopped anywhere: the target is either as before or the writer's. */
        const maybeTookOver = (w: Writer | undefined) => {
          if (!w) return;
          // Even a writer that never flushed may have had its upload claimed (create and purge end unnamed uploads).
          if (w.fenced === 'no') w.fenced = 'maybe';
          if (!w.staged) return;
          if (w.obligation) committed = [...committed, ...w.obligation];
          else if (w === busy) committed = [...committed, { kind: 'prefix', writer: w, min: 0 }];
        };
        const errorsOf = (reports: RecoverReport[]) => reports.filter((r) => r.error && r.state !== 'corrupt-manifest');

        if (v1Leftover) {
          // Staged by a version 1 writer long dead: the first create recovers it into the target (lease
          // recovery), and from then on it is the file the writers replace.
          const tail = randomBytes(1 + (run % 3000));
          server.store.clock.advance(-600_000);
          const etag = await admin.client.put(`${FOLDER}tail-a`, tail);
          const v1 = { kind: MANIFEST_KIND, version: 1, bucket, target: TARGET, uploadId: null, partSize: PART_SIZE, parts: [], tail: { key: `${FOLDER}tail-a`, size: tail.length, etag, crc64: crc64(tail).toString() }, flushedLength: tail.length, writerId: 'v1-writer', sequence: 4, updated: 0 };
          await admin.client.put(`${FOLDER}manifest.json`, Buffer.from(JSON.stringify(v1)));
          server.store.clock.resume();
          committed = [{ kind: 'exact', bytes: tail }];
          coverage.hit('version 1 leftovers');
        }
        const first = await createWriter('60s', null);
        if (first instanceof Error) throw first;
        current = first;

        const describeCommand = (command: Command): string =>
          command.op === 'overlap'
            ? `overlap(${describeCommand(command.outer)} @${command.at} ⟂ ${describeCommand(command.inner)})`
            : `${command.op}${'mode' in command ? `:${command.mode}` : ''}${'what' in command ? `:${command.what}` : ''}${'fault' in command && command.fault ? `[${command.fault.map((f) => `${f.action.type}@${f.nth}`).join(',')}]` : ''}`;
        /** Runs one command and brings the model up to date with what it did. `overlapped`: another command ran inside it. */
        const execute = async (command: Command, overlapped: { inner: boolean }): Promise<void> => {
          if ('fault' in command && command.fault?.some((f) => isDelayed(f.action))) delayedFaults = true;
          const w = current;
          const usable = w !== undefined && w.alive && (w.state === 'open' || (w.state === 'close-failed' && (command.op === 'close' || command.op === 'abort')));
          switch (command.op) {
            case 'write': {
              if (!usable || w.state !== 'open') break;
              const chunk = bytes(command.size, run * 1000 + w.chunks.length);
              const r = await withFault(command.fault, w.actor, () => outcome(w.out.write(chunk)));

              if (r.ok) {
                w.chunks.push(chunk);
                w.length += chunk.length;
              } else if (r.error instanceof LeaseExpiredError) {
                if (w.fenced === 'no' && !takeoverInFlight) fail(`${w.name}: write refused as taken over, but nobody took it over: ${r.error.message}`);
                w.fenced = 'yes';
              }
              break;
            }
            case 'hflush':
            case 'hsync': {
              if (!usable || w.state !== 'open') break;
              w.staged = true;
              const fencedBefore = w.fenced;
              const flushing = w.length;
              const began = server.store.clock.now();
              const overlappedBefore = counterOf(w.out, DurableFlushStatisticNames.OVERLAPPED_FLUSHES);
              const r = await withFault(command.fault, w.actor, () => outcome(command.op === 'hflush' ? w.out.hflush() : w.out.hsync()));
              if (counterOf(w.out, DurableFlushStatisticNames.OVERLAPPED_FLUSHES) > overlappedBefore) {
                // A small flush: its part beside its manifest (the manifest naming only the parts before).
                coverage.hit('small flushes with the part beside the manifest');
                if (!r.ok) coverage.hit('small flushes beside their part that failed');
              }
              if (r.ok && w.fenced === 'yes' && fencedBefore !== 'yes') {
                // Taken over while this flush was in flight (another command overlapped it). A flush that returned
                // had its fencing read before the claim, so its manifest was there before it: the taker completed it.
                if (!w.superseded && w.maybeSupersededBy.length === 0) {
                  const taken = committed.find((o): o is Extract<Outcome, { kind: 'exact' }> => o.kind === 'exact');
                  if (!taken || taken.bytes.length < flushing || !taken.bytes.equals(written(w).subarray(0, taken.bytes.length))) {
                    fail(`${w.name}: a flush of ${flushing} bytes returned beside a takeover that completed ${taken?.bytes.length ?? 'nothing'} (D5: a flush that returned is in what recover completes)`);
                  }
                }
                coverage.hit('flushes that returned beside a takeover');
                w.flushedOk = flushing;
                break;
              }
              if (r.ok) {
                if (w.fenced === 'yes') fail(`${w.name}: a flush succeeded after the file was taken over (D5)`);
                // Only a flush with new bytes writes a manifest, and only a manifest renews the lease.
                if (!w.durable || flushing !== w.flushedOk) w.lastFlushBegan = began;
                w.flushedOk = w.length;
                w.durable = true;
                w.obligation = w.superseded ? undefined : [{ kind: 'prefix', writer: w, min: w.flushedOk }, ...w.maybeSupersededBy];
              } else if (r.error instanceof LeaseExpiredError) {
                if (w.fenced === 'no' && !takeoverInFlight) fail(`${w.name}: flush refused as taken over, but nobody took it over: ${r.error.message}`);
                w.fenced = 'yes';
                // Its manifest landed before its fencing read saw the claim of a takeover still at work: that
                // taker finds it when it lists the staging again, and may leave it to a recover (create does:
                // "that writer is fenced and its flushed bytes are kept for recover").
                if (takeoverInFlight && !w.superseded) committed = [...committed, { kind: 'prefix', writer: w, min: 0 }];
              } else if (!w.superseded) {
                // The manifest may have landed (answer lost) or land later: the file may hold more, never less.
                w.obligation = w.durable ? [{ kind: 'prefix', writer: w, min: w.flushedOk }, ...w.maybeSupersededBy] : [...committed, { kind: 'prefix', writer: w, min: 0 }];
              }
              break;
            }
            case 'close': {
              if (!usable) break;
              const fencedBefore = w.fenced;
              // A close tried again after a failed one: the first one's Complete may have been applied (its
              // answer lost), so the commit may be older than what another tool wrote since.
              const retried = w.state === 'close-failed';
              const r = await withFault(command.fault, w.actor, () => outcome(w.out.close()));
              if (r.ok) {
                if (fencedBefore === 'yes' && !w.committedClose) fail(`${w.name}: close succeeded after the file was taken over (D5)`);
                if (w.fenced === 'yes' && !w.superseded) {
                  // Taken over during the close: it may only say "closed" when the file holds exactly its bytes.
                  const now = await readTarget(admin);
                  if (!now?.equals(written(w))) fail(`${w.name}: close returned beside a takeover, but the target holds ${now?.length ?? 'nothing'}, not its ${w.length} bytes`);
                }
                w.state = 'closed';
                w.endedCleanly = true;
                coverage.hit('closes that returned');
                // Whatever the command inside it did may have landed before or after the commit.
                committed = overlapped.inner || (retried && w.superseded) ? [{ kind: 'exact', bytes: written(w) }, ...committed] : [{ kind: 'exact', bytes: written(w) }];
                w.obligation = undefined;
                const left = server.store.keysFrom(bucket, FOLDER, '', false);
                const ours = [...left].filter((o) => o.key.includes(w.out.writerId) && !planted.has(o.key) && parseStagingName(o.key.slice(FOLDER.length)));
                // D4. A duplicated or late manifest PutObject may land after close removed it (nothing a client
                // can fence): then the manifest is stale, and the final recover must tidy it, which is checked below.
                if (!delayedFaults && ours.length > 0) fail(`${w.name}: close returned but left ${ours.map((o) => o.key).join(', ')}`);
                // D4: nor an upload it started (its own, or a stray of an Initiate whose answer was lost).
                const strays = server.store.listUploads(bucket, TARGET).filter((u) => u.initiated >= w.since);
                // (Junk under a manifest's name might name a stray: it is left to the operator, D6.)
                if (!delayedFaults && !overlapped.inner && !raced && !junkPlanted && strays.length > 0) fail(`${w.name}: close returned but left ${strays.length} upload(s) it started`);
              } else if (r.error instanceof LeaseExpiredError) {
                if (w.fenced === 'no' && !takeoverInFlight) fail(`${w.name}: close refused as taken over, but nobody took it over: ${r.error.message}`);
                w.fenced = 'yes';
                w.state = 'closed';
                // In the data layout a close saves a manifest of all it wrote before it commits: a takeover
                // during it may build the file from that, a writer that never flushed too.
                if (LAYOUT === 'data' && !w.durable) committed = [...committed, { kind: 'prefix', writer: w, min: 0 }];
              } else if (w.durable) {
                // D1 wins over D4: the last flush stays recoverable, and close may be tried again.
                w.state = 'close-failed';
                const uploadId = await w.out.uploadId?.catch(() => undefined);
                const completed = uploadId !== undefined && !server.store.listUploads(bucket, TARGET).some((u) => u.id === uploadId) && (await readTarget(admin))?.equals(written(w)) === true;
                // Data layout: its data upload gone with no command beside it is its own Complete: committed.
                const dataCommitted =
                  LAYOUT === 'data' && uploadId !== undefined && w.fenced === 'no' && !server.store.listUploads(bucket, FOLDER).some((u) => u.id === uploadId);
                if (dataCommitted && !overlapped.inner) {
                  w.committedClose = true;
                  committed = [{ kind: 'exact', bytes: written(w) }];
                  w.obligation = undefined;
                  coverage.hit('closes that failed after their commit');
                } else if (completed && !overlapped.inner) {
                  // It failed after its Complete (removing its staging): the file is its, whole; nothing is owed.
                  w.committedClose = true;
                  committed = [{ kind: 'exact', bytes: written(w) }];
                  w.obligation = undefined;
                  coverage.hit('closes that failed after their commit');
                } else if (!w.superseded) w.obligation = [{ kind: 'prefix', writer: w, min: w.flushedOk }, ...w.maybeSupersededBy];
                else committed = [...committed, { kind: 'exact', bytes: written(w) }];
              } else {
                w.state = 'closed';
                committed = [...committed, { kind: 'prefix', writer: w, min: 0 }];
                w.obligation = undefined;
              }
              break;
            }
            case 'abort': {
              if (!usable) break;
              const r = await withFault(command.fault, w.actor, () => outcome(w.out.abort()));
              w.state = 'aborted';
              // A writer taken over (a lifecycle rule aborted its upload too) ends nothing on abort: a stray
              // of its own lost Initiate may stay, for a create past the lease or the purge to end.
              if (r.ok && w.fenced === 'no') w.endedCleanly = true;
              if (w.fenced === 'yes') break;
              if (r.ok) w.obligation = undefined;
              else w.obligation = [...(w.obligation ?? []), ...committed, { kind: 'prefix', writer: w, min: 0 }];
              break;
            }
            case 'crash':
              if (w?.alive && w.durable && (w.state === 'open' || w.state === 'close-failed')) coverage.hit('crashes after a returned flush');
              if (w) await die(w);
              break;
            case 'recover': {
              // A late request of an earlier command (held) may land while this recover runs (an overlap's end lets it go).
              const lateMayLand = heldPending;
              const lease = command.mode === 'lease-expired' ? '0s' : command.mode === 'short-lease' ? SHORT_LEASE : '60s';
              const actor = nextRecoverer();
              const recoverer = await fsWith(lease, actor);
              // The model's own reads go through another actor: a hold aimed at the recoverer holds only recover.
              const before = await readTarget(admin);
              if (command.mode !== 'within-lease' && w?.durable && w.alive && w.state === 'open') coverage.hit('live writers taken over');
              // The least time since the live writer's last flush began: under it, no takeover may happen.
              const surelyYoungerThan = w?.durable ? server.store.clock.now() - w.lastFlushBegan : Infinity;
              const uploadOfW = w?.durable ? await w.out.uploadId?.catch(() => undefined) : undefined;
              // Where there is no target, recover's Complete is create-only: it may be late too.
              faultPolicy.lateComplete = before === undefined;
              const r = await withFault(command.fault, actor, () =>
                outcome(recoverer.recoverAll(command.recursive ? '/data' : `/${TARGET}`, { ...(command.mode === 'forced' ? { force: true } : {}), ...(command.recursive ? { recursive: true } : {}) })),
              ).finally(() => {
                faultPolicy.lateComplete = false;
              });
              debug('recover', overlapped.inner, r.ok ? r.value.map((x) => `${x.state} ${x.action}`) : r.error.message);
              if (command.mode === 'short-lease' && r.ok && surelyYoungerThan < SHORT_LEASE_MS && !overlapped.inner) {
                const taken = r.value.filter((x) => x.state === 'recovered' && uploadOfW !== undefined && x.uploadId === uploadOfW);
                if (taken.length > 0) fail(`a recover with a ${SHORT_LEASE} lease took over ${w!.name}, whose flush began ${surelyYoungerThan} ms before (D5)`);
              }
              if (command.mode === 'short-lease' && w?.durable && surelyYoungerThan >= SHORT_LEASE_MS - 1000 && surelyYoungerThan <= SHORT_LEASE_MS + 2000) coverage.hit('recovers at the edge of a short lease');
              if (!command.recursive && command.mode !== 'within-lease') {
                // A recover of one path ends the key's uploads that nothing names once past its lease, as
                // create() does: a live writer that has not flushed yet, idle that long, may be fenced by it.
                for (const other of writers) if (other.alive && other.fenced === 'no' && !other.durable) other.fenced = 'maybe';
              }
              if (command.recursive && command.mode === 'forced') {
                // The forced purge ends every upload nothing names, a live writer's that never flushed too.
                for (const other of writers) if (other.alive && other.fenced === 'no') other.fenced = 'maybe';
                if (r.ok && errorsOf(r.value).length === 0 && command.fault === null && !overlapped.inner && !delayedFaults && !junkPlanted) {
                  const left = server.store.listUploads(bucket, TARGET);
                  if (left.length > 0) fail(`a forced recover -R left ${left.length} upload(s) of the target`);
                }
              }
              if (command.mode === 'within-lease') {
                // Every manifest here is younger than the lease: nothing may change but leftovers of a finished close.
                const after = await readTarget(admin);
                const changed = (before === undefined) !== (after === undefined) || (before !== undefined && after !== undefined && !before.equals(after));
                // (With a command inside it, that command may have changed the target.)
                if (changed && !overlapped.inner && !lateMayLand) fail('a recover within the lease changed the target');
                // (Stale manifests, whose upload is gone, may be tidied away: they block nobody.)
                if (r.ok && r.value.some((x) => x.state === 'recovered')) fail(`a recover within the lease acted: ${r.value.map((x) => x.state).join(',')}`);
              } else if (r.ok && errorsOf(r.value).length === 0 && !r.value.some((x) => x.state === 'corrupt-manifest') && command.fault === null && !overlapped.inner) {
                await tookOver(w);
              } else {
                maybeTookOver(w);
              }
              await recoverer.close();
              break;
            }
            case 'create': {
              const previous = current;
              const durableBefore = previous?.durable === true;
              const sinceFlush = previous?.durable ? server.store.clock.now() - previous.lastFlushBegan : Infinity;
              if (command.shortLease && sinceFlush >= SHORT_LEASE_MS - 1000 && sinceFlush <= SHORT_LEASE_MS + 2000) coverage.hit('creates at the edge of a short lease');
              const created = await createWriter(command.leaseExpired ? '0s' : command.shortLease ? SHORT_LEASE : '60s', command.fault);
              // The previous writer's first flush ran inside this create (an overlap): two writers at the same
              // moment, neither able to see the other (package README, "The adversary"). Either may end up the file.
              const racedNow = overlapped.inner && previous !== undefined && !durableBefore && previous.durable;
              if (!(created instanceof Error) && overlapped.inner) {
                // Whatever ran inside this create (another tool's write, the previous writer's close) may have
                // landed after it read what it replaces: those bytes may supersede the new writer (D7).
                created.maybeSupersededBy = [...committed, ...(previous ? [{ kind: 'prefix' as const, writer: previous, min: 0 }] : [])];
              }
              if (created instanceof Error) {
                if (created instanceof AlreadyBeingCreatedError) {
                  // Staging that cannot be trusted refuses whatever the lease; within it, so does any upload or
                  // manifest of another writer (a writer that died keeps its lease until it runs out).
                  // (A writer that flushed while this create ran is alive after all: refused too.)
                  // (A writer flushing while this create runs, held inside an overlap, is alive after all.)
                  const flushingBeside = busy === previous && (busyOp === 'hflush' || busyOp === 'hsync' || busyOp === 'write');
                  // (A late request of an earlier flush — its manifest PUT, applied after the flush failed — may
                  // land while this create ends the upload: the second listing finds a manifest naming it, and
                  // the create refuses, the safe answer. Found by seed 4104, on the code before issue 22's work too.)
                  if (command.leaseExpired && !junkPlanted && !overlapped.inner && !flushingBeside && !delayedFaults) fail(`create with an expired lease refused: ${created.message}`);
                  if (!command.leaseExpired && !junkPlanted && !delayedFaults && (!previous || previous.endedCleanly)) {
                    fail(`create refused though nobody else writes: ${created.message}`);
                  }
                }
                // Refused after its lease recovery of what had expired (untrusted staging refuses after that).
                if (command.leaseExpired || command.shortLease) maybeTookOver(previous);
                break;
              }
              // The previous writer was closing or aborting inside this create: its upload may be completed
              // or gone already, and its staging with it — a create may go on (and find what it finds).
              const ending = previous !== undefined && previous === busy && (busyOp === 'close' || busyOp === 'abort');
              if (ending) {
                maybeTookOver(previous);
                // Its close, held, commits after this create read the target (its PutObject or Complete lands
                // later): the new writer may be superseded by those bytes (D7).
                if (busyOp === 'close') created.maybeSupersededBy = [...created.maybeSupersededBy, { kind: 'prefix', writer: previous, min: 0 }];
              } else if (racedNow) {
                raced = true;
                coverage.hit('creates racing a first flush');
                committed = [...committed, ...(previous.obligation ?? []), { kind: 'prefix', writer: previous, min: 0 }];
                previous.obligation = undefined;
                if (previous.fenced === 'no') previous.fenced = 'maybe';
              } else {
                const leaseHeld = !command.shortLease || server.store.clock.now() - (previous?.lastFlushBegan ?? 0) < SHORT_LEASE_MS;
                if (!command.leaseExpired && leaseHeld && previous?.durable && previous.fenced === 'no' && previous.obligation !== undefined && previous.state !== 'closed' && previous.state !== 'aborted') {
                  fail(`create succeeded within the lease of ${previous.name}'s live staging`);
                }
                if (command.fault === null) await tookOver(previous);
                else maybeTookOver(previous);
              }
              // A writer that was not taken over has no staging anyone could see: it dies here, as a writer
              // whose successor started would.
              if (previous && previous.fenced !== 'yes') await die(previous);
              current = created;
              break;
            }
            case 'zombie': {
              const zombie = [...writers].reverse().find((z) => z !== busy && z.alive && z.fenced === 'yes' && z.state === 'open');
              if (!zombie) break;
              const r = command.what === 'flush' ? await outcome(zombie.out.write('late').then(() => zombie.out.hflush())) : await outcome(zombie.out.close());
              if (r.ok) fail(`${zombie.name}, taken over, still could ${command.what} (D5)`);
              else if (!(r.error instanceof LeaseExpiredError)) fail(`${zombie.name}: a taken-over writer's ${command.what} failed without LeaseExpiredError: ${r.error.message}`);
              coverage.hit('zombies refused');
              if (command.what === 'close') zombie.state = 'closed';
              break;
            }
            case 'age': {
              // At most 40 s in all: the 60 s lease of the other commands stays unexpired.
              if (aged + command.ms > 40_000) break;
              aged += command.ms;
              server.store.clock.advance(command.ms);
              break;
            }
            case 'overlap': {
              const { outer, inner } = command;
              if ((WRITER_OPS.has(outer.op) && WRITER_OPS.has(inner.op)) || (outer.op === 'create' && inner.op === 'create')) {
                // One actor's commands do not overlap (a stream's calls are sequential): one after the other.
                await execute(outer, overlapped);
                await execute(inner, overlapped);
                break;
              }
              const actor = WRITER_OPS.has(outer.op) ? (w?.actor ?? 'nobody') : outer.op === 'recover' ? `recoverer-${recoverersMade % 64}` : `writer-${writersMade % 64}`;
              faultPolicy.inOverlap = true;
              const hold = server.faults.add({ accessKeyIds: [actor], nth: command.at, action: { type: 'hold', ms: 30_000 } });
              let heldApi = '';
              const held = server.faults.whenHeld().then((api) => {
                heldApi = api;
                return true;
              });
              const outerFlags = { inner: false };
              if (WRITER_OPS.has(outer.op)) {
                busy = w;
                busyOp = outer.op;
              }
              const running = execute(outer, outerFlags);
              const reached = await Promise.race([held, running.then(() => false, () => false)]);
              server.faults.remove(hold);
              if (reached) {
                coverage.hit('overlaps reached');
                coverage.hit(`overlap ${WRITER_OPS.has(outer.op) ? 'writer' : outer.op} ⟂ ${WRITER_OPS.has(inner.op) ? 'writer' : inner.op}`);
                if (!WRITER_OPS.has(inner.op) && inner.op !== 'recover' && inner.op !== 'create') coverage.hit('overlaps with a zombie, a lifecycle abort, another tool or junk inside');
                // A flush whose fencing read has answered, its previous manifest's removal (off the flush's path) held:
                // the takeover inside must build the new manifest's bytes, whichever of the two it lists.
                if ((outer.op === 'hflush' || outer.op === 'hsync') && (inner.op === 'recover' || inner.op === 'create') && heldApi === 'DeleteMultipleObjects') {
                  coverage.hit('takeovers beside a returned flush\'s removal in flight');
                }
              }
              outerFlags.inner = reached;
              debug('overlap reached', reached);
              takeoverInFlight = reached && (outer.op === 'recover' || outer.op === 'create');
              try {
                await execute(inner, { inner: false });
              } finally {
                server.faults.releaseHeld();
                busy = undefined;
                busyOp = undefined;
                takeoverInFlight = false;
                faultPolicy.inOverlap = false;
              }
              await running;
              break;
            }
            case 'external-abort': {
              if (!w || !w.alive || w.state !== 'open' || !w.out.uploadId) break;
              // Only if known by now: the writer's Initiate may be the request an overlap holds.
              // (An already settled promise wins the race: its reaction is queued first.)
              const uploadId = await Promise.race([w.out.uploadId, Promise.resolve(undefined)]).catch(() => undefined);
              if (!uploadId || !server.store.listUploads(bucket, TARGET).some((u) => u.id === uploadId)) break;
              await server.store.abortUpload(bucket, TARGET, uploadId);
              // The adversary destroyed the parts: no promise about them is left, and the writer must notice.
              // Every later flush and close must fail (the writer notices), and nothing of it can be recovered.
              w.obligation = undefined;
              w.superseded = true;
              w.fenced = 'yes';
              break;
            }
            case 'external-put': {
              const content = randomBytes(command.size);
              await admin.client.put(TARGET, content);
              if (takeoverInFlight) {
                // Inside a recover or create at work: after its read of the target it cannot tell (OSS has no
                // conditional Complete), so what it completes may land over this — or this stays.
                committed = [{ kind: 'exact', bytes: content }, ...committed];
                for (const other of writers) {
                  if (other.obligation) other.obligation = [...other.obligation, { kind: 'exact', bytes: content }];
                  other.maybeSupersededBy = [...other.maybeSupersededBy, { kind: 'exact', bytes: content }];
                }
                break;
              }
              committed = [{ kind: 'exact', bytes: content }];
              for (const other of writers) {
                // Newer than any manifest: recover leaves it, whether the writer lives or died (D7).
                if (other.state === 'open' || other.state === 'close-failed' || other.obligation !== undefined) {
                  other.superseded = true;
                  other.obligation = undefined;
                }
              }
              break;
            }
            case 'plant': {
              if (command.what === 'foreign') {
                for (const key of [`${FOLDER}notes.txt`, `${FOLDER}flush.manifest`, 'tmp/data/other/flush.0123456789abcdef.manifest', 'tmp/data/events.log/nested/tail-a']) {
                  const content = randomBytes(32);
                  await admin.client.put(key, content);
                  planted.set(key, content);
                }
              } else if (command.what === 'junk-next' || command.what === 'forged') {
                // Aimed at the live writer: junk named as its next manifest, or a valid-looking copy of its
                // manifest under another writer id (two writers naming one upload: one is forged).
                if (!w || w.out.flushedLength === 0) break;
                if (command.what === 'junk-next') {
                  const key = `${FOLDER}flush.${w.out.writerId}.9999999999.manifest`;
                  const content = Buffer.from('{"kind":"hadoopfs-jindo-flush-manifest","version":2}\nnot a tail');
                  await admin.client.put(key, content);
                  planted.set(key, content);
                } else {
                  const own = [...server.store.keysFrom(bucket, FOLDER, '', false)].map((o) => o.key).filter((k) => k.includes(w.out.writerId) && k.endsWith('.manifest')).sort().pop();
                  const bytesOfOwn = own ? await admin.client.getBytes(own) : undefined;
                  if (!bytesOfOwn) break;
                  const newline = bytesOfOwn.indexOf(0x0a);
                  const forger = randomBytes(16).toString('hex');
                  const header = { ...(JSON.parse(bytesOfOwn.subarray(0, newline).toString('utf8')) as Record<string, unknown>), writerId: forger, sequence: 1 };
                  await admin.client.put(`${FOLDER}flush.${forger}.0000000001.manifest`, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bytesOfOwn.subarray(newline + 1)]));
                }
                junkPlanted = true;
                untrusted = true;
                coverage.hit('untrusted staging planted');
              } else {
                const key = `${FOLDER}flush.${randomBytes(16).toString('hex')}.0000000001.manifest`;
                const content = Buffer.from('{"kind":"hadoopfs-jindo-flush-manifest","version":2}\nnot a tail');
                await admin.client.put(key, content);
                planted.set(key, content);
                junkPlanted = true;
              }
              break;
            }
          }
        };

        let releaseAfter = -1;
        let aged = 0;
        for (const [i, command] of commands.entries()) {
          trace.push(describeCommand(command));
          faultPolicy.heldLateFired = false;
          await execute(command, { inner: false });
          debug('after', describeCommand(command), 'committed', committed.map(describeOutcome), writers.map((x) => `${x.name} fenced=${x.fenced} durable=${x.durable} obl=${x.obligation?.map(describeOutcome).join('|')}`));
          // A held late request may be let go by an overlap's end without anyone waiting for it to land.
          if (JSON.stringify(command).includes('"held":true')) heldPending = true;
          if (faultPolicy.heldLateFired) releaseAfter = i + 1;
          if (i === releaseAfter) {
            trace.push('(held late requests land)');
            server.faults.releaseHeld();
            await server.stats.idle();
            heldPending = false;
          }
        }

        // The end: every writer dies; once nothing is on its way any more, recover runs until it is done.
        server.faults.clear();
        server.faults.releaseHeld();
        for (const w of writers) await die(w);
        await server.stats.idle();
        if (DEBUG) {
          debug('writers', writers.map((w) => `${w.name}/${w.out.writerId.slice(0, 6)} len=${w.length} state=${w.state} fenced=${w.fenced}`));
          for (const o of server.store.keysFrom(bucket, '', '', false)) debug('key', o.key, o.size);
          for (const u of server.store.listUploads(bucket, '')) debug('upload', u.key, u.id, u.initiated);
        }
        // Past the lease and the purge age: the ages of what the writers left no longer matter.
        const recoverer = await jindoFs(server, bucket, { ...settings, 'fs.jfs.cache.flush.lease': '0s', 'fs.jfs.cache.flush.purge.age': '0s' });
        let reports: RecoverReport[] = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          reports = await recoverer.recoverAll('/data', { recursive: true });
          await server.stats.idle();
          if (errorsOf(reports).length === 0) break;
        }
        if (errorsOf(reports).length > 0) fail(`recover kept failing: ${errorsOf(reports).map((r) => `${r.state}: ${r.error!.message}`).join('; ')}`);
        const corrupt = reports.filter((r) => r.state === 'corrupt-manifest');
        if (corrupt.length > 0 && !junkPlanted) fail(`a manifest the protocol wrote was reported corrupt: ${corrupt.map((r) => r.error!.message).join('; ')}`);

        const content = await readTarget(recoverer);
        // Untrusted staging beside the live writer's is left for the operator, its flushes with it.
        const expected = untrusted || raced ? [...(current?.obligation ?? []), ...committed] : (current?.obligation ?? committed);
        if (!expected.some((o) => matches(content, o))) {
          fail(
            `D1/D2/D7: the target holds ${content === undefined ? 'nothing' : `${content.length} bytes`}, expected ${expected.map(describeOutcome).join(' or ')}; ` +
              `the last recover said: ${reports.map((r) => `${r.state} (${r.action})`).join('; ')}`,
          );
        }
        // D3: once more changes nothing.
        const again = await recoverer.recoverAll('/data', { recursive: true });
        const acted = again.filter((r) => r.state !== 'nothing-staged' && r.state !== 'corrupt-manifest');
        if (acted.length > 0) fail(`a second recover still acted: ${acted.map((r) => `${r.state} ${r.action}`).join('; ')}`);
        const contentAgain = await readTarget(recoverer);
        if ((content === undefined) !== (contentAgain === undefined) || (content && contentAgain && !content.equals(contentAgain))) fail('D3: a second recover changed the target');
        // Nothing of the protocol is left; nothing it did not write was touched (D6).
        const left = [...server.store.keysFrom(bucket, 'tmp/', '', false)].map((o) => o.key).filter((k) => !planted.has(k) && !(untrusted && k.startsWith(FOLDER)));
        if (left.length > 0) fail(`staging left behind: ${left.join(', ')}`);
        for (const [key, bytesPlanted] of [...planted, [outside.key, outside.bytes] as const]) {
          if (!(await readAll(recoverer, `/${key}`)).equals(bytesPlanted)) fail(`${key} (not ours) was changed`);
        }
        if (!junkPlanted) {
          const uploads = server.store.listUploads(bucket, '');
          if (uploads.length > 0) fail(`incomplete uploads left after recover -R: ${uploads.map((u) => u.key).join(', ')}`);
        }
        await recoverer.close();
        await admin.close();
        coverage.run();
      }),
      // PROTOCOL_SEED (+ PROTOCOL_PATH) replays a run exactly; PROTOCOL_REPLAY='<counterexample JSON>' one schedule.
      RUN.parameters,
    );
    coverage.expectFloors(
      {
        'overlaps reached': 0.2,
        'takeovers beside a returned flush\'s removal in flight': 0.006,
        'overlap writer ⟂ recover': 0.1,
        'overlap writer ⟂ create': 0.03,
        'overlap recover ⟂ writer': 0.01,
        'overlap create ⟂ writer': 0.01,
        'overlap recover ⟂ create': 0.015,
        'overlap create ⟂ recover': 0.008,
        'overlap recover ⟂ recover': 0.01,
        'overlaps with a zombie, a lifecycle abort, another tool or junk inside': 0.05,
        'small flushes with the part beside the manifest': 0.12, 'small flushes beside their part that failed': 0.007,
        'untrusted staging planted': 0.05, 'held late requests': 0.02, 'recovers at the edge of a short lease': 0.01, 'creates at the edge of a short lease': 0.01, 'version 1 leftovers': 0.2, 'faults fired': 0.5, 'delayed faults fired': 0.15, 'two faults in one command': 0.02, 'crashes after a returned flush': 0.02, 'live writers taken over': 0.03, 'closes that returned': 0.12, 'zombies refused': 0.004 },
      RUN,
    );
  }, LONG ? 3_600_000 : 300_000);
});
