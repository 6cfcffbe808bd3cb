import { createServer, type Server } from 'node:http';
import type { Configuration } from '@hadoopfs/core';
import { HdfsEventSink } from './hdfs-sink.js';
import { FileChannel } from './file-channel.js';
import type { Channel } from './channel.js';
import { MemoryChannel } from './memory-channel.js';
import { names, subContext } from './properties.js';
import { FlumeConfigurationError, parseSinkConfig } from './sink-config.js';
import { HttpSource, StdinSource, TailSource, timestampInterceptor, type Interceptor, type Source } from './sources.js';

export interface AgentOptions {
  /** Hadoop configuration for the sinks' filesystems (core-site.xml). */
  conf: Configuration;
  log?: (line: string) => void;
  /** Called after every committed transaction with the running total of committed events. */
  onCommit?: (eventsCommitted: number) => void;
  /** Serve the metrics as JSON on this port (0 picks one). */
  metricsPort?: number;
  stdin?: NodeJS.ReadableStream;
}

export interface AgentMetrics {
  eventsTaken: number;
  eventsCommitted: number;
  batchesRolledBack: number;
  eventsDeadLettered: number;
  filesOpen: number;
  filesClosed: number;
  bytesFlushed: number;
  leftoversRecovered: number;
  channelSize: number;
}

/**
 * One Flume agent: sources → memory channel → HDFS sink, wired from a Flume properties file as Flume
 * reads it (`<agent>.sources`, `<agent>.channels`, `<agent>.sinks`). One channel and one sink; sources
 * `stdin` and `http` (JSON handler), with Flume's `timestamp` interceptor.
 */
export class Agent {
  readonly channel: Channel;
  readonly sink: HdfsEventSink;
  readonly sources: Source[];
  readonly warnings: string[];
  readonly #options: AgentOptions;
  #running = false;
  readonly #names: { channel: string; sink: string; sources: string[] };
  #startTime = 0;
  #stopTime = 0;
  #loop: Promise<void> | undefined;
  #metricsServer: Server | undefined;
  #wake: (() => void) | undefined;

  constructor(properties: ReadonlyMap<string, string>, agentName: string, options: AgentOptions) {
    this.#options = options;
    const agent = subContext(properties, agentName);
    if (agent.size === 0) throw new FlumeConfigurationError(`no properties for agent "${agentName}" (keys start with "${agentName}.")`, agentName);
    const channelNames = names(agent.get('channels'));
    const sinkNames = names(agent.get('sinks'));
    const sourceNames = names(agent.get('sources'));
    if (channelNames.length !== 1) throw new FlumeConfigurationError(`${agentName}.channels must name exactly one channel`, `${agentName}.channels`);
    if (sinkNames.length !== 1) throw new FlumeConfigurationError(`${agentName}.sinks must name exactly one sink`, `${agentName}.sinks`);
    const channelName = channelNames[0]!;
    this.#names = { channel: channelName, sink: sinkNames[0]!, sources: sourceNames };
    const channelContext = subContext(agent, `channels.${channelName}`);
    const channelType = channelContext.get('type') ?? 'memory';
    if (channelType !== 'memory' && channelType !== 'file') {
      throw new FlumeConfigurationError(`channel ${channelName}: type "${channelType}" is not supported (memory, file)`, `${agentName}.channels.${channelName}.type`);
    }
    const int = (value: string | undefined, dflt: number, key: string, min = 1) => {
      if (value === undefined) return dflt;
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < min) throw new FlumeConfigurationError(`${key}: "${value}" is not a whole number of at least ${min}`, key);
      return n;
    };
    const sinkName = sinkNames[0]!;
    const sinkContext = subContext(agent, `sinks.${sinkName}`);
    const sinkType = sinkContext.get('type') ?? 'hdfs';
    if (sinkType !== 'hdfs') throw new FlumeConfigurationError(`sink ${sinkName}: type "${sinkType}" is not supported (hdfs)`, `sinks.${sinkName}.type`);
    const { config, warnings } = parseSinkConfig(sinkContext, sinkName);

    // Flume's defaults (capacity and transactionCapacity 100) cannot carry the large batches the
    // seed's configuration asks for: left unset, they grow to the sink's batch (and say so); set, they stand.
    const channelKey = (key: string) => `channels.${channelName}.${key}`;
    const transactionCapacitySet = channelContext.get('transactionCapacity');
    const capacitySet = channelContext.get('capacity');
    // Flume's defaults per type: memory 100 / 100, file 1 000 000 / 10 000.
    const [defaultCapacity, defaultTransaction] = channelType === 'file' ? [1_000_000, 10_000] : [100, 100];
    const transactionCapacity = int(transactionCapacitySet, Math.max(defaultTransaction, config.batchSize), channelKey('transactionCapacity'));
    const capacity = int(capacitySet, Math.max(defaultCapacity, transactionCapacity), channelKey('capacity'));
    if (transactionCapacitySet === undefined && transactionCapacity > defaultTransaction) {
      warnings.push(`${channelKey('transactionCapacity')} is unset: Flume's default ${defaultTransaction} is below sinks.${sinkName}.hdfs.batchSize ${config.batchSize}; using ${transactionCapacity}`);
    }
    if (capacitySet === undefined && capacity > defaultCapacity) {
      warnings.push(`${channelKey('capacity')} is unset: Flume's default ${defaultCapacity} cannot hold one transaction of ${transactionCapacity}; using ${capacity}`);
    }
    if (channelType === 'file') {
      const checkpointDir = channelContext.get('checkpointDir')?.trim();
      const dataDirs = (channelContext.get('dataDirs') ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '');
      if (!checkpointDir) throw new FlumeConfigurationError(`${channelKey('checkpointDir')} is required for a file channel`, channelKey('checkpointDir'));
      if (dataDirs.length === 0) throw new FlumeConfigurationError(`${channelKey('dataDirs')} is required for a file channel`, channelKey('dataDirs'));
      this.channel = new FileChannel({
        checkpointDir,
        dataDirs,
        capacity,
        transactionCapacity: Math.min(capacity, transactionCapacity),
        checkpointInterval: int(channelContext.get('checkpointInterval'), 30_000, channelKey('checkpointInterval')),
        minimumRequiredSpace: int(channelContext.get('minimumRequiredSpace'), 524_288_000, channelKey('minimumRequiredSpace'), 0),
        maxFileSize: int(channelContext.get('maxFileSize'), 256 * 1024 * 1024, channelKey('maxFileSize'), 1024),
      });
    } else {
      this.channel = new MemoryChannel(capacity, Math.min(capacity, transactionCapacity));
    }
    if (config.batchSize > this.channel.transactionCapacity) {
      throw new FlumeConfigurationError(
        `sinks.${sinkName}.hdfs.batchSize (${config.batchSize}) exceeds channels.${channelName}.transactionCapacity (${this.channel.transactionCapacity})`,
        `sinks.${sinkName}.hdfs.batchSize`,
      );
    }
    this.warnings = warnings;
    this.sink = new HdfsEventSink(config, { conf: options.conf, ...(options.log ? { log: options.log } : {}) });

    this.sources = sourceNames.map((name) => {
      const ctx = subContext(agent, `sources.${name}`);
      const interceptors: Interceptor[] = names(ctx.get('interceptors')).map((i) => {
        const type = ctx.get(`interceptors.${i}.type`);
        if (type !== 'timestamp' && type !== 'org.apache.flume.interceptor.TimestampInterceptor$Builder') {
          throw new FlumeConfigurationError(`source ${name}: interceptor type "${type}" is not supported (timestamp)`, `sources.${name}.interceptors.${i}.type`);
        }
        return timestampInterceptor(/^true$/i.test(ctx.get(`interceptors.${i}.preserveExisting`) ?? 'false'));
      });
      switch (ctx.get('type')) {
        case 'stdin':
          return new StdinSource(this.channel, interceptors, options.stdin);
        case 'tail':
          return new TailSource(
            this.channel,
            interceptors,
            ctx.get('file') ?? '',
            int(ctx.get('offset'), 0, `sources.${name}.offset`, 0),
            int(ctx.get('pollInterval'), 200, `sources.${name}.pollInterval`),
            ctx.get('positionFile')?.trim() || undefined,
            int(ctx.get('writePosInterval'), 3000, `sources.${name}.writePosInterval`, 0),
          );
        case 'http':
          return new HttpSource(
            this.channel,
            interceptors,
            ctx.get('bind') ?? '127.0.0.1',
            int(ctx.get('port'), 5140, `sources.${name}.port`, 0),
            int(ctx.get('maxBodySize'), 16 * 1024 * 1024, `sources.${name}.maxBodySize`, 1),
          );
        default:
          throw new FlumeConfigurationError(`source ${name}: type "${ctx.get('type')}" is not supported (stdin, tail, http)`, `sources.${name}.type`);
      }
    });
    this.channel.onPut = () => this.#wake?.();
  }

  metrics(): AgentMetrics {
    const m = this.sink.metrics;
    return {
      eventsTaken: m.eventsTaken,
      eventsCommitted: m.eventsCommitted,
      batchesRolledBack: m.batchesRolledBack,
      eventsDeadLettered: m.eventsDeadLettered,
      filesOpen: this.sink.openFiles,
      filesClosed: m.filesClosed,
      bytesFlushed: m.bytesFlushed,
      leftoversRecovered: m.leftoversRecovered,
      channelSize: this.channel.size,
    };
  }

  /**
   * The counters under Flume's monitoring names and layout (`-Dflume.monitoring.type=http` serves them at
   * /metrics): one object per component, `CHANNEL.c1`, `SINK.k1`, `SOURCE.s1`, every value a string.
   */
  flumeMetrics(): Record<string, Record<string, string>> {
    const m = this.sink.metrics;
    const received = this.sources.reduce((n, s) => n + s.counters.received, 0);
    const accepted = this.sources.reduce((n, s) => n + s.counters.accepted, 0);
    const times = { StartTime: String(this.#startTime), StopTime: String(this.#stopTime) };
    const out: Record<string, Record<string, string>> = {
      [`CHANNEL.${this.#names.channel}`]: {
        Type: 'CHANNEL',
        ChannelCapacity: String(this.channel.capacity),
        ChannelSize: String(this.channel.size),
        ChannelFillPercentage: String((this.channel.size * 100) / this.channel.capacity),
        EventPutAttemptCount: String(received),
        EventPutSuccessCount: String(accepted),
        EventTakeAttemptCount: String(m.eventsTaken),
        EventTakeSuccessCount: String(m.eventsCommitted),
        ...times,
      },
      [`SINK.${this.#names.sink}`]: {
        Type: 'SINK',
        EventDrainAttemptCount: String(m.eventsTaken),
        EventDrainSuccessCount: String(m.eventsCommitted),
        BatchCompleteCount: String(m.batchesComplete),
        BatchUnderflowCount: String(m.batchesUnderflow),
        BatchEmptyCount: String(m.batchesEmpty),
        ConnectionCreatedCount: String(m.filesOpened),
        ConnectionClosedCount: String(m.filesClosed),
        ConnectionFailedCount: String(m.batchesRolledBack),
        ...times,
      },
    };
    for (const [i, name] of this.#names.sources.entries()) {
      const counters = this.sources[i]!.counters;
      out[`SOURCE.${name}`] = { Type: 'SOURCE', EventReceivedCount: String(counters.received), EventAcceptedCount: String(counters.accepted), ...times };
    }
    return out;
  }

  /** Tidies leftovers of a dead agent, starts the sink loop, then the sources. */
  async start(): Promise<void> {
    for (const w of this.warnings) this.#options.log?.(`warning: ${w}`);
    const replayed = await this.channel.open?.();
    if (replayed) this.#options.log?.(`file channel: ${replayed} event(s) replayed from the log`);
    const recovered = await this.sink.start();
    if (recovered > 0) this.#options.log?.(`made ${recovered} leftover in-use file(s) final`);
    this.#running = true;
    this.#startTime = Date.now();
    this.#loop = this.#runSink();
    if (this.#options.metricsPort !== undefined) {
      this.#metricsServer = createServer((req, res) => {
        // Flume's own JSON at /metrics (its HTTPMetricsServer's path); hadoopfs's summary elsewhere.
        const body = JSON.stringify((req.url ?? '/').split('?')[0] === '/metrics' ? this.flumeMetrics() : this.metrics());
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      await new Promise<void>((resolve) => this.#metricsServer!.listen(this.#options.metricsPort, '127.0.0.1', () => resolve()));
    }
    for (const [i, source] of this.sources.entries()) {
      if (source instanceof TailSource) source.onError = (error) => this.#options.log?.(`source ${this.#names.sources[i]}: the channel refused a put (${error.message}); trying again`);
      await source.start();
    }
  }

  get metricsPort(): number | undefined {
    return (this.#metricsServer?.address() as { port: number } | null)?.port;
  }

  async #runSink(): Promise<void> {
    let backoff = 0;
    while (this.#running || this.channel.size > 0) {
      const before = this.sink.metrics.batchesRolledBack;
      const result = await this.sink.process(this.channel);
      if (result === 'READY') {
        backoff = 0;
        this.#options.onCommit?.(this.sink.metrics.eventsCommitted);
        continue;
      }
      if (this.sink.metrics.batchesRolledBack > before) {
        // A failed transaction: back off like Flume's sink runner (doubling up to 5 s), then try again.
        backoff = Math.min(5000, Math.max(250, backoff * 2));
        await new Promise((resolve) => setTimeout(resolve, backoff));
        continue;
      }
      if (!this.#running) break;
      // Empty channel: sleep until a source puts something, or stop() wakes us.
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        if (this.channel.size > 0 || !this.#running) resolve();
      });
      this.#wake = undefined;
    }
  }

  /** Stops the sources, drains the channel through the sink, closes every file. */
  async stop(): Promise<void> {
    for (const source of this.sources) await source.stop();
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await this.sink.stop();
    await this.channel.close?.();
    this.#stopTime = Date.now();
    await new Promise<void>((resolve) => (this.#metricsServer ? this.#metricsServer.close(() => resolve()) : resolve()));
  }
}
