/** Hadoop's MeanStatistic: samples and their sum. */
export class MeanStatistic {
  constructor(
    public samples = 0,
    public sum = 0,
  ) {}

  get mean(): number {
    return this.samples === 0 ? 0 : this.sum / this.samples;
  }

  isEmpty(): boolean {
    return this.samples === 0;
  }

  add(other: MeanStatistic): void {
    this.samples += other.samples;
    this.sum += other.sum;
  }

  toString(): string {
    return `(samples=${this.samples}, sum=${this.sum}, mean=${this.mean.toFixed(4)})`;
  }
}

/** Hadoop's IOStatistics: named counters, gauges, minimums, maximums and means, read-only, live. */
export interface IOStatistics {
  counters(): ReadonlyMap<string, number>;
  gauges(): ReadonlyMap<string, number>;
  minimums(): ReadonlyMap<string, number>;
  maximums(): ReadonlyMap<string, number>;
  meanStatistics(): ReadonlyMap<string, MeanStatistic>;
}

/** Hadoop's IOStatisticsSource: what filesystems and streams implement. */
export interface IOStatisticsSource {
  getIOStatistics(): IOStatistics | undefined;
}

/** Hadoop's IOStatisticsSupport.retrieveIOStatistics: the statistics of anything that has them. */
export function retrieveIOStatistics(source: unknown): IOStatistics | undefined {
  const candidate = source as Partial<IOStatisticsSource> | null | undefined;
  return typeof candidate?.getIOStatistics === 'function' ? candidate.getIOStatistics() : undefined;
}

/**
 * The statistics a filesystem or stream keeps (Hadoop's IOStatisticsStore). A duration statistic
 * counts each call as `<name>` (a failed one also as `<name>.failures`) and keeps the milliseconds in
 * `<name>.min`, `.max` and `.mean` (`<name>.failures.min` … for failures), as Hadoop's DurationTracker.
 */
export class IOStatisticsStore implements IOStatistics {
  readonly #counters = new Map<string, number>();
  readonly #gauges = new Map<string, number>();
  readonly #minimums = new Map<string, number>();
  readonly #maximums = new Map<string, number>();
  readonly #means = new Map<string, MeanStatistic>();

  counters(): ReadonlyMap<string, number> {
    return this.#counters;
  }
  gauges(): ReadonlyMap<string, number> {
    return this.#gauges;
  }
  minimums(): ReadonlyMap<string, number> {
    return this.#minimums;
  }
  maximums(): ReadonlyMap<string, number> {
    return this.#maximums;
  }
  meanStatistics(): ReadonlyMap<string, MeanStatistic> {
    return this.#means;
  }

  incrementCounter(name: string, by = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + by);
  }

  setGauge(name: string, value: number): void {
    this.#gauges.set(name, value);
  }

  incrementGauge(name: string, by = 1): void {
    this.#gauges.set(name, (this.#gauges.get(name) ?? 0) + by);
  }

  addDuration(name: string, ms: number, failed = false): void {
    const key = failed ? `${name}.failures` : name;
    if (failed) this.incrementCounter(key);
    this.#minimums.set(`${key}.min`, Math.min(this.#minimums.get(`${key}.min`) ?? Infinity, ms));
    this.#maximums.set(`${key}.max`, Math.max(this.#maximums.get(`${key}.max`) ?? -Infinity, ms));
    const mean = this.#means.get(`${key}.mean`) ?? new MeanStatistic();
    mean.samples++;
    mean.sum += ms;
    this.#means.set(`${key}.mean`, mean);
  }

  /** Counts a call of `name` and times it (the promise's outcome is passed on untouched). */
  async trackDuration<T>(name: string, call: () => Promise<T>): Promise<T> {
    this.incrementCounter(name);
    const start = performance.now();
    try {
      const result = await call();
      this.addDuration(name, Math.round(performance.now() - start));
      return result;
    } catch (error) {
      this.addDuration(name, Math.round(performance.now() - start), true);
      throw error;
    }
  }

  /** Forgets every value (FileSystem.resetStatistics: a test's set-up not counted). */
  reset(): void {
    this.#counters.clear();
    this.#gauges.clear();
    this.#minimums.clear();
    this.#maximums.clear();
    this.#means.clear();
  }

  /** Adds another source's values: counters summed, minimums and maximums kept, means merged (IOStatisticsSnapshot.aggregate). */
  aggregate(other: IOStatistics | undefined): void {
    if (!other) return;
    for (const [k, v] of other.counters()) this.incrementCounter(k, v);
    for (const [k, v] of other.gauges()) this.incrementGauge(k, v);
    for (const [k, v] of other.minimums()) this.#minimums.set(k, Math.min(this.#minimums.get(k) ?? Infinity, v));
    for (const [k, v] of other.maximums()) this.#maximums.set(k, Math.max(this.#maximums.get(k) ?? -Infinity, v));
    for (const [k, v] of other.meanStatistics()) {
      const mean = this.#means.get(k) ?? new MeanStatistic();
      mean.add(v);
      this.#means.set(k, mean);
    }
  }

  /** A copy of the values now (Hadoop's IOStatisticsSnapshot), as plain JSON. */
  toJSON(): IOStatisticsJson {
    return {
      counters: Object.fromEntries(this.#counters),
      gauges: Object.fromEntries(this.#gauges),
      minimums: Object.fromEntries(this.#minimums),
      maximums: Object.fromEntries(this.#maximums),
      meanstatistics: Object.fromEntries([...this.#means].map(([k, m]) => [k, { samples: m.samples, sum: m.sum }])),
    };
  }

  toString(): string {
    return ioStatisticsToString(this);
  }
}

/** IOStatisticsSnapshot's JSON form (field names as Hadoop serialises it). */
export interface IOStatisticsJson {
  counters: Record<string, number>;
  gauges: Record<string, number>;
  minimums: Record<string, number>;
  maximums: Record<string, number>;
  meanstatistics: Record<string, { samples: number; sum: number }>;
}

/** A snapshot of any statistics (Hadoop's IOStatisticsSupport.snapshotIOStatistics). */
export function snapshotIOStatistics(statistics?: IOStatistics): IOStatisticsStore {
  const snapshot = new IOStatisticsStore();
  snapshot.aggregate(statistics);
  return snapshot;
}

function entries<E>(type: string, map: ReadonlyMap<string, E>, separator: string, skip: (value: E) => boolean, sort: boolean): string {
  const kept = [...map].filter(([, v]) => !skip(v));
  if (sort) kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${type}=(${kept.map(([k, v]) => `(${k}=${String(v)})`).join(separator)});\n`;
}

/** Hadoop's IOStatisticsLogging.ioStatisticsToString: every value, on one line per kind. */
export function ioStatisticsToString(statistics: IOStatistics | undefined): string {
  if (!statistics) return '';
  const none = () => false;
  return [
    entries('counters', statistics.counters(), ' ', none, false),
    entries('gauges', statistics.gauges(), ' ', none, false),
    entries('minimums', statistics.minimums(), ' ', none, false),
    entries('maximums', statistics.maximums(), ' ', none, false),
    entries('means', statistics.meanStatistics(), ' ', none, false),
  ].join('');
}

/** Hadoop's ioStatisticsToPrettyString: sorted, one entry a line, zero and unset values left out. */
export function ioStatisticsToPrettyString(statistics: IOStatistics | undefined): string {
  if (!statistics) return '';
  return [
    entries('counters', statistics.counters(), '\n', (v) => v === 0, true),
    entries('\ngauges', statistics.gauges(), '\n', (v) => v === 0, true),
    entries('\nminimums', statistics.minimums(), '\n', (v) => v < 0, true),
    entries('\nmaximums', statistics.maximums(), '\n', (v) => v < 0, true),
    entries('\nmeans', statistics.meanStatistics(), '\n', (v) => v.isEmpty(), true),
  ].join('');
}
