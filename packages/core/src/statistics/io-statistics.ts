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
  // Made on first use (a map asked for is made then too, so that it stays live): a stream per small file
  // must not allocate four empty maps it never fills.
  #gauges: Map<string, number> | undefined;
  #minimums: Map<string, number> | undefined;
  #maximums: Map<string, number> | undefined;
  #means: Map<string, MeanStatistic> | undefined;

  counters(): ReadonlyMap<string, number> {
    return this.#counters;
  }
  gauges(): ReadonlyMap<string, number> {
    return (this.#gauges ??= new Map());
  }
  minimums(): ReadonlyMap<string, number> {
    return (this.#minimums ??= new Map());
  }
  maximums(): ReadonlyMap<string, number> {
    return (this.#maximums ??= new Map());
  }
  meanStatistics(): ReadonlyMap<string, MeanStatistic> {
    return (this.#means ??= new Map());
  }

  incrementCounter(name: string, by = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + by);
  }

  setGauge(name: string, value: number): void {
    (this.#gauges ??= new Map()).set(name, value);
  }

  incrementGauge(name: string, by = 1): void {
    const gauges = (this.#gauges ??= new Map());
    gauges.set(name, (gauges.get(name) ?? 0) + by);
  }

  addDuration(name: string, ms: number, failed = false): void {
    const key = failed ? `${name}.failures` : name;
    if (failed) this.incrementCounter(key);
    const minimums = (this.#minimums ??= new Map());
    const maximums = (this.#maximums ??= new Map());
    const means = (this.#means ??= new Map());
    minimums.set(`${key}.min`, Math.min(minimums.get(`${key}.min`) ?? Infinity, ms));
    maximums.set(`${key}.max`, Math.max(maximums.get(`${key}.max`) ?? -Infinity, ms));
    const mean = means.get(`${key}.mean`) ?? new MeanStatistic();
    mean.samples++;
    mean.sum += ms;
    means.set(`${key}.mean`, mean);
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
    this.#gauges?.clear();
    this.#minimums?.clear();
    this.#maximums?.clear();
    this.#means?.clear();
  }

  /** Adds another source's values: counters summed, minimums and maximums kept, means merged (IOStatisticsSnapshot.aggregate). */
  aggregate(other: IOStatistics | undefined): void {
    if (!other) return;
    for (const [k, v] of other.counters()) this.incrementCounter(k, v);
    if (other instanceof IOStatisticsStore) {
      // Maps the other store never made are empty: nothing to walk (nor to make).
      if (other.#gauges) for (const [k, v] of other.#gauges) this.incrementGauge(k, v);
      if (other.#minimums) for (const [k, v] of other.#minimums) this.#setMinimum(k, v);
      if (other.#maximums) for (const [k, v] of other.#maximums) this.#setMaximum(k, v);
      if (other.#means) for (const [k, v] of other.#means) this.#addMean(k, v);
      return;
    }
    for (const [k, v] of other.gauges()) this.incrementGauge(k, v);
    for (const [k, v] of other.minimums()) this.#setMinimum(k, v);
    for (const [k, v] of other.maximums()) this.#setMaximum(k, v);
    for (const [k, v] of other.meanStatistics()) this.#addMean(k, v);
  }

  #setMinimum(k: string, v: number): void {
    const minimums = (this.#minimums ??= new Map());
    minimums.set(k, Math.min(minimums.get(k) ?? Infinity, v));
  }

  #setMaximum(k: string, v: number): void {
    const maximums = (this.#maximums ??= new Map());
    maximums.set(k, Math.max(maximums.get(k) ?? -Infinity, v));
  }

  #addMean(k: string, v: MeanStatistic): void {
    const means = (this.#means ??= new Map());
    const mean = means.get(k) ?? new MeanStatistic();
    mean.add(v);
    means.set(k, mean);
  }

  /** A copy of the values now (Hadoop's IOStatisticsSnapshot), as plain JSON. */
  toJSON(): IOStatisticsJson {
    return {
      counters: Object.fromEntries(this.#counters),
      gauges: Object.fromEntries(this.gauges()),
      minimums: Object.fromEntries(this.minimums()),
      maximums: Object.fromEntries(this.maximums()),
      meanstatistics: Object.fromEntries([...this.meanStatistics()].map(([k, m]) => [k, { samples: m.samples, sum: m.sum }])),
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
