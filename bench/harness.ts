import { writeFile } from 'node:fs/promises';

/** One comparison: the same work done by our code and by a baseline, in this process, on the same data. */
export interface BenchCase {
  suite: string;
  name: string;
  /** What the ratio should stay within: ours/baseline ≤ maxRatio (time), or ours/baseline ≥ minRatio (rate). */
  goal: { maxRatio?: number; minRatio?: number };
  /** 'time': ratio = our time / baseline time (lower is better); 'rate': ratio = our throughput / baseline throughput. */
  kind?: 'time' | 'rate';
  /** Run before each measured pair, not timed (e.g. make a fresh store). */
  prepare?: () => Promise<void>;
  baseline: () => Promise<number | void>;
  ours: () => Promise<number | void>;
  /** Untimed clean-up after each side. */
  cleanup?: () => Promise<void>;
  baselineLabel: string;
  rounds?: number;
  /** What the two sides return when they report their own measurement instead of being timed. */
  unit?: 'ms' | 'MiB';
}

export interface BenchResult {
  suite: string;
  name: string;
  baselineLabel: string;
  baselineMs: number;
  oursMs: number;
  ratio: number;
  goal: string;
  met: boolean;
  kind: 'time' | 'rate';
  unit: 'ms' | 'MiB';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(run: () => Promise<number | void>): Promise<number> {
  const start = process.hrtime.bigint();
  const reported = await run();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  return typeof reported === 'number' ? reported : elapsed;
}

/** Alternates baseline and ours (order flipped each round) and compares medians, so drift hits both alike. */
export async function runCase(c: BenchCase): Promise<BenchResult> {
  const rounds = c.rounds ?? 5;
  const base: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
    for (const side of order) {
      await c.prepare?.();
      globalThis.gc?.();
      const ms = await timed(side === 'baseline' ? c.baseline : c.ours);
      (side === 'baseline' ? base : ours).push(ms);
      await c.cleanup?.();
    }
  }
  const baselineMs = median(base);
  const oursMs = median(ours);
  // 'rate' cases compare throughput (same bytes, so rate ratio = baseline time / our time).
  const ratio = c.kind === 'rate' ? baselineMs / oursMs : oursMs / baselineMs;
  const goal = c.goal.maxRatio !== undefined ? `≤ ${+c.goal.maxRatio.toFixed(2)}×` : `≥ ${+(c.goal.minRatio ?? 0).toFixed(2)}×`;
  const met = c.goal.maxRatio !== undefined ? ratio <= c.goal.maxRatio : ratio >= (c.goal.minRatio ?? 0);
  return { suite: c.suite, name: c.name, baselineLabel: c.baselineLabel, baselineMs, oursMs, ratio, goal, met, kind: c.kind ?? 'time', unit: c.unit ?? 'ms' };
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.suite,
    r.name,
    r.baselineLabel,
    `${r.baselineMs.toFixed(1)}${r.unit === 'ms' ? '' : ` ${r.unit}`}`,
    `${r.oursMs.toFixed(1)}${r.unit === 'ms' ? '' : ` ${r.unit}`}`,
    `${r.ratio.toFixed(2)}×${r.kind === 'rate' ? ' rate' : ''}`,
    r.goal,
    r.met ? 'yes' : 'NO',
  ]);
  const header = ['suite', 'case', 'baseline', 'baseline (ms)', 'ours (ms)', 'ratio', 'goal', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export async function writeResults(file: string, results: BenchResult[], metrics: BenchMetric[] = []): Promise<void> {
  const machine = { node: process.version, platform: process.platform, arch: process.arch };
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine, results, metrics }, null, 2) + '\n');
}

/** A figure reported as it is (latency percentiles, requests per operation): no baseline, no goal. */
export interface BenchMetric {
  suite: string;
  name: string;
  value: number;
  unit: string;
}

export function printMetrics(metrics: BenchMetric[]): void {
  if (metrics.length === 0) return;
  const rows = metrics.map((m) => [m.suite, m.name, `${+m.value.toFixed(2)} ${m.unit}`]);
  const header = ['suite', 'figure', 'value'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
