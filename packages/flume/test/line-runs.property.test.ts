import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/memory';
import { HdfsEventSink, MemoryChannel, parseSinkConfig, type Channel } from '@hadoopfs/flume';
import { LineBatch } from '../src/event.js';
import { Coverage, propertyRun, replayed } from '../../../test/fixtures/property-run.js';

/**
 * The adversary: a source's lines taken as runs (no event made per line) must leave exactly the files an
 * event-by-event take leaves — the same bytes in the same files, rolled and flushed at the same events —
 * whatever the roll count, roll size and batch size cut through a run, with runs of several buckets, lines
 * without a timestamp (dead letters), plain events between runs, and commits that fail (the transaction
 * rolled back, its events delivered again).
 */
const RUN = propertyRun('line runs', { runs: 200, longRuns: 2000 });
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 8, 3);
const conf = new Configuration({ loadDefaults: false });
let authority = 0;

type Put = { kind: 'lines'; lengths: number[]; stamp: number | undefined } | { kind: 'events'; lengths: number[]; stamp: number };
interface Case {
  puts: Put[];
  batchSize: number;
  rollCount: number;
  rollSize: number;
  serializer: 'TEXT' | 'HEADER_AND_TEXT';
  appendNewline: boolean;
  /** process() calls whose commit fails (counted from 0). */
  failCommits: number[];
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  puts: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('lines' as const), lengths: fc.array(fc.nat(30), { minLength: 1, maxLength: 40 }), stamp: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 8, nil: undefined }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('events' as const), lengths: fc.array(fc.nat(30), { minLength: 1, maxLength: 4 }), stamp: fc.integer({ min: 0, max: 2 }) }) },
    ),
    { minLength: 1, maxLength: 8 },
  ),
  batchSize: fc.integer({ min: 1, max: 50 }),
  rollCount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
  rollSize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 })),
  serializer: fc.constantFrom('TEXT' as const, 'HEADER_AND_TEXT' as const),
  appendNewline: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  failCommits: fc.array(fc.nat(12), { maxLength: 2 }),
});

/** The lines of every put, each line `L<id>:` and x's up to its length: ids tell where a file's lines came from. */
function linesOf(puts: Put[]): string[][] {
  let id = 0;
  return puts.map((put) => put.lengths.map((n) => `L${id++}:`.padEnd(4 + n, 'x')));
}

async function putAll(channel: MemoryChannel, puts: Put[], lines: string[][]): Promise<void> {
  for (const [i, put] of puts.entries()) {
    const headers: Record<string, string> = put.stamp === undefined ? {} : { timestamp: String(T0 + put.stamp * HOUR) };
    if (put.kind === 'events') {
      await channel.put(lines[i]!.map((body) => ({ headers: { ...headers }, body: Buffer.from(body) })));
      continue;
    }
    const block = Buffer.from(lines[i]!.map((l) => `${l}\n`).join(''));
    const newlines: number[] = [];
    for (let at = block.indexOf(10); at >= 0; at = block.indexOf(10, at + 1)) newlines.push(at);
    await channel.putLines(new LineBatch(block, newlines, headers));
  }
}

/** The channel as the sink sees it: without takeLines (every event taken one by one), and with commits that fail. */
function asSinkSees(channel: MemoryChannel, runs: boolean, failing: Set<number>, taken: { runs: number }): Channel {
  let calls = 0;
  return {
    get capacity() {
      return channel.capacity;
    },
    get transactionCapacity() {
      return channel.transactionCapacity;
    },
    get size() {
      return channel.size;
    },
    onPut: undefined,
    put: (events) => channel.put(events),
    getTransaction: () => {
      const tx = channel.getTransaction();
      const call = calls++;
      return {
        take: () => tx.take(),
        ...(runs
          ? {
              takeLines: (most: number) => {
                const run = tx.takeLines!(most);
                if (run && run.length > 1) taken.runs++;
                return run;
              },
            }
          : {}),
        commit: () => {
          if (failing.has(call)) throw new Error(`commit ${call} fails`);
          return tx.commit();
        },
        rollback: () => tx.rollback(),
      };
    },
  };
}

/** Every file under `base` (dead letters included), its counter replaced by its rank in its folder and prefix. */
async function filesOf(base: string): Promise<Record<string, string>> {
  const fs = await FileSystem.get(base, conf);
  const found: Array<{ path: string; text: string }> = [];
  if (await fs.exists('/')) {
    for await (const status of fs.listFiles('/', true)) {
      await using input = await fs.open(status.path);
      const chunks: Buffer[] = [];
      for await (const c of input) chunks.push(Buffer.from(c));
      // (a dead letter's reason names the sink's path, whose authority differs between the two sinks)
      found.push({ path: status.path.path, text: Buffer.concat(chunks).toString('latin1').replaceAll(base, 'BASE') });
    }
  }
  const counter = (path: string) => /^(.*)\.(\d+)([^/\d]*)$/.exec(path);
  found.sort((a, b) => {
    const [ma, mb] = [counter(a.path), counter(b.path)];
    return ma && mb && ma[1] === mb[1] ? Number(ma[2]) - Number(mb[2]) : a.path < b.path ? -1 : 1;
  });
  const ranks = new Map<string, number>();
  const out: Record<string, string> = {};
  for (const { path, text } of found) {
    const m = counter(path);
    if (!m) {
      out[path] = text;
      continue;
    }
    const rank = ranks.get(m[1]!) ?? 0;
    ranks.set(m[1]!, rank + 1);
    out[`${m[1]}.#${rank}${m[3]}`] = text;
  }
  return out;
}

async function runSink(c: Case, runs: boolean, taken: { runs: number }): Promise<{ files: Record<string, string>; metrics: HdfsEventSink['metrics'] }> {
  const base = `mem://line-runs-${++authority}`;
  const context = new Map(
    Object.entries({
      'hdfs.path': `${base}/flume/%Y-%m-%d/%H`,
      'hdfs.fileType': 'DataStream',
      'hdfs.batchSize': String(c.batchSize),
      'hdfs.rollInterval': '0',
      'hdfs.rollCount': String(c.rollCount),
      'hdfs.rollSize': String(c.rollSize),
      'hdfs.idleTimeout': '0',
      serializer: c.serializer,
      'serializer.appendNewline': String(c.appendNewline),
    }),
  );
  const { config } = parseSinkConfig(context);
  const sink = new HdfsEventSink(config, { conf, log: () => {} });
  const channel = new MemoryChannel(10_000, 50);
  await putAll(channel, c.puts, linesOf(c.puts));
  const seen = asSinkSees(channel, runs, new Set(c.failCommits), taken);
  for (let guard = 0; channel.size > 0; guard++) {
    if (guard > 1000) throw new Error('the sink does not empty the channel');
    await sink.process(seen);
  }
  await sink.stop();
  return { files: await filesOf(base), metrics: { ...sink.metrics } };
}

afterEach(async () => {
  await FileSystem.closeAll();
});

describe('runs of lines through the HDFS sink', () => {
  it(`leave the files an event-by-event take leaves, whatever rolls, flushes and failed commits cut them (${RUN.numRuns} cases)`, async () => {
    const coverage = new Coverage(RUN.name);
    await fc.assert(
      fc.asyncProperty(replayed(RUN, caseArb), async (c) => {
        const taken = { runs: 0 };
        const byRuns = await runSink(c, true, taken);
        const byEvents = await runSink(c, false, { runs: 0 });
        expect(byRuns.files).toEqual(byEvents.files);
        expect(byRuns.metrics).toEqual(byEvents.metrics);
        if (taken.runs > 0) coverage.hit('runs of lines taken');
        if (byRuns.metrics.batchesRolledBack > 0) coverage.hit('commits failed and redelivered');
        if (byRuns.metrics.eventsDeadLettered > 0) coverage.hit('lines without a timestamp dead-lettered');
        // A roll inside a run: a file ends with a line whose put goes on in the next file of that folder.
        const lineIds = (text: string) => [...text.matchAll(/L(\d+):/g)].map((m) => Number(m[1]));
        const putOf = new Map(linesOf(c.puts).flatMap((lines, p) => lines.map((l) => [Number(/L(\d+):/.exec(l)![1]), p] as const)));
        const paths = Object.keys(byRuns.files).filter((p) => /\.#\d+/.test(p));
        for (const [i, path] of paths.entries()) {
          const next = paths[i + 1];
          if (!next || next.replace(/\.#\d+.*$/, '') !== path.replace(/\.#\d+.*$/, '')) continue;
          const last = lineIds(byRuns.files[path]!).at(-1);
          const first = lineIds(byRuns.files[next]!)[0];
          if (last !== undefined && first === last + 1 && putOf.get(last) === putOf.get(first) && c.puts[putOf.get(last)!]!.kind === 'lines') {
            coverage.hit('a roll inside a run of lines');
            break;
          }
        }
        coverage.run();
      }),
      RUN.parameters,
    );
    coverage.expectFloors({ 'runs of lines taken': 0.7, 'a roll inside a run of lines': 0.2, 'commits failed and redelivered': 0.1, 'lines without a timestamp dead-lettered': 0.1 }, RUN);
  }, 300_000);
});
