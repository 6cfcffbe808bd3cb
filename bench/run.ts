/**
 * `pnpm bench`: every benchmark, each a ratio against a baseline run in this process on the same data.
 * Prints a table and writes bench/results.json. `--quick` shrinks the data (a smoke run, not a measurement);
 * `--only=TEXT` runs the cases whose suite and name contain TEXT; `--suites=a,b` sets up only those suites
 * (filesystems, oss-server, oss-backend, jindo, flume, s3a: a suite's set-up may start servers or a cluster).
 */
import { fileURLToPath } from 'node:url';
import { printMetrics, printTable, runCase, writeResults, type BenchCase, type BenchMetric, type BenchResult } from './harness.js';
import { filesystemCases } from './suites/filesystems.js';
import { flumeCases } from './suites/flume.js';
import { jindoCases } from './suites/jindo.js';
import { ossBackendCases } from './suites/oss-backend.js';
import { ossServerCases } from './suites/oss-server.js';
import { s3aCases } from './suites/s3a.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const chosen = process.argv.find((a) => a.startsWith('--suites='))?.slice('--suites='.length).split(',');

const results: BenchResult[] = [];
const metrics: BenchMetric[] = [];
type Suite = (quick: boolean) => Promise<{ cases: BenchCase[]; close: () => Promise<void>; metrics?: (only: string | undefined) => Promise<BenchMetric[]> }>;
const suites: Record<string, Suite> = { filesystems: filesystemCases, 'oss-server': ossServerCases, 'oss-backend': ossBackendCases, jindo: jindoCases, flume: flumeCases, s3a: s3aCases };
for (const name of chosen ?? []) if (!(name in suites)) throw new Error(`--suites: no suite ${name} (${Object.keys(suites).join(', ')})`);
for (const [name, makeSuite] of Object.entries(suites)) {
  if (chosen && !chosen.includes(name)) continue;
  const { cases, close, metrics: measure } = await makeSuite(quick);
  try {
    for (const c of cases) {
      if (only && !`${c.suite} ${c.name}`.includes(only)) continue;
      const result = await runCase({ ...c, rounds: quick ? 1 : c.rounds });
      results.push(result);
      console.error(`  ${result.suite}: ${result.name}: ${result.ratio.toFixed(2)}×`);
    }
    // After the cases: a suite may report what it saw while they ran (CPU per event, for one).
    if (measure) metrics.push(...(await measure(only)));
  } finally {
    await close();
  }
}

printTable(results);
printMetrics(metrics);
// A partial (--only, --suites) or quick run must not replace the full figures.
const out = fileURLToPath(new URL(quick ? './results.quick.json' : only || chosen ? './results.only.json' : './results.json', import.meta.url));
await writeResults(out, results, metrics);
console.log(`\nwritten ${out}`);
