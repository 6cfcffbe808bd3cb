/**
 * `pnpm bench`: every benchmark, each a ratio against a baseline run in this process on the same data.
 * Prints a table and writes bench/results.json. `--quick` shrinks the data (a smoke run, not a measurement).
 */
import { fileURLToPath } from 'node:url';
import { printTable, runCase, writeResults, type BenchResult } from './harness.js';
import { filesystemCases } from './suites/filesystems.js';
import { ossBackendCases } from './suites/oss-backend.js';
import { ossServerCases } from './suites/oss-server.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const results: BenchResult[] = [];
const suites = [filesystemCases, ossServerCases, ossBackendCases];
for (const makeSuite of suites) {
  const { cases, close } = await makeSuite(quick);
  try {
    for (const c of cases) {
      if (only && !`${c.suite} ${c.name}`.includes(only)) continue;
      const result = await runCase({ ...c, rounds: quick ? 1 : c.rounds });
      results.push(result);
      console.error(`  ${result.suite}: ${result.name}: ${result.ratio.toFixed(2)}×`);
    }
  } finally {
    await close();
  }
}

printTable(results);
const out = fileURLToPath(new URL(quick ? './results.quick.json' : './results.json', import.meta.url));
await writeResults(out, results);
console.log(`\nwritten ${out}`);
