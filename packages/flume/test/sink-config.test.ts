import { describe, expect, it } from 'vitest';
import { loadProperties, subContext } from '../src/properties.js';
import { FlumeConfigurationError, parseSinkConfig } from '../src/sink-config.js';

/** The source document's sample, with its three keys Flume would silently ignore. */
const SEED = String.raw`
# OSS sink
xxx.sinks.oss_sink.hdfs.path = oss://my-bucket/flume_dir/%Y-%m-%d/%H
xxx.sinks.oss_sink.hdfs.batchSize = 100000
xxx.sinks.oss_sink.hdfs.fileType = DataStream
xxx.sinks.oss_sink.hdfs.round = true
xxx.sinks.oss_sink.hdfs.roundValue = 15
xxx.sinks.oss_sink.hdfs.Unit = minute
xxx.sinks.oss_sink.hdfs.filePrefix = your_topic
xxx.sinks.oss_sink.rollSize = 3600
xxx.sinks.oss_sink.threadsPoolSize = 30
`;

describe('HDFS sink configuration', () => {
  it('reads the source document example and warns about the keys Flume ignores', () => {
    const { config, warnings } = parseSinkConfig(subContext(loadProperties({ text: SEED }), 'xxx.sinks.oss_sink'), 'oss_sink');
    expect(config).toMatchObject({
      path: 'oss://my-bucket/flume_dir/%Y-%m-%d/%H',
      batchSize: 100_000,
      round: true,
      roundValue: 15,
      roundUnit: 'second',
      filePrefix: 'your_topic',
      rollSize: 1024,
      threadsPoolSize: 10,
      inUseSuffix: '.tmp',
      rollIntervalMs: 30_000,
      rollCount: 10,
    });
    // Each warning says what is in effect instead and what that does to the files (issue 11, finding 5).
    expect(warnings).toEqual([
      "sinks.oss_sink.hdfs.Unit is not an HDFS sink property and is ignored; did you mean sinks.oss_sink.hdfs.roundUnit? In effect: hdfs.roundUnit = second (Flume's default): timestamps round down to 15 second(s)",
      "sinks.oss_sink.rollSize is ignored by the HDFS sink; did you mean sinks.oss_sink.hdfs.rollSize? In effect: hdfs.rollSize = 1024 (Flume's default): a file rolls every 1024 bytes",
      "sinks.oss_sink.threadsPoolSize is ignored by the HDFS sink; did you mean sinks.oss_sink.hdfs.threadsPoolSize? In effect: hdfs.threadsPoolSize = 10 (Flume's default; hadoopfs runs its calls without a thread pool)",
    ]);
  });

  it('parses Java properties syntax in full', () => {
    const props = loadProperties({
      text: 'a.b = one \\\n    two\n! bang comment\na.c:colon\na.d space separated\na.e = tab\\tand\\u00e9\n',
    });
    expect(Object.fromEntries(props)).toEqual({ 'a.b': 'one two', 'a.c': 'colon', 'a.d': 'space separated', 'a.e': 'tab\tandé' });
  });

  const base = (extra: Record<string, string>) =>
    new Map(Object.entries({ 'hdfs.path': '/p', 'hdfs.fileType': 'DataStream', ...extra }));
  const failure = (extra: Record<string, string>) => {
    try {
      parseSinkConfig(base(extra));
    } catch (error) {
      return error as FlumeConfigurationError;
    }
    throw new Error('expected a configuration error');
  };

  it('refuses invalid values before any event, naming the key', () => {
    expect(failure({ 'hdfs.roundValue': '0' }).key).toBe('hdfs.roundValue');
    expect(failure({ 'hdfs.roundValue': '61', 'hdfs.roundUnit': 'minute' }).message).toMatch(/between 1 and 60/);
    expect(failure({ 'hdfs.roundValue': '25', 'hdfs.roundUnit': 'hour' }).message).toMatch(/between 1 and 24/);
    expect(failure({ 'hdfs.fileType': 'Parquet' }).key).toBe('hdfs.fileType');
    expect(failure({ 'hdfs.timeZone': 'Mars/Olympus' }).message).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(failure({ 'hdfs.batchSize': '0' }).key).toBe('hdfs.batchSize');
    expect(failure({ 'hdfs.roundUnit': 'day' }).key).toBe('hdfs.roundUnit');
    expect(failure({ 'hdfs.round': 'yes' }).key).toBe('hdfs.round');
    expect(failure({ 'hdfs.fileType': 'CompressedStream' }).key).toBe('hdfs.codeC');
    expect(failure({ 'hdfs.codeC': 'snappy' }).message).toMatch(/hdfs.codeC: compression codec SnappyCodec is not available here/);
    // SequenceFile, Flume's default, is written now (sequence-file.test.ts).
    expect(parseSinkConfig(new Map([['hdfs.path', '/p']])).config).toMatchObject({ fileType: 'SequenceFile', writeFormat: 'Writable' });
    expect(() => parseSinkConfig(new Map())).toThrow(/hdfs\.path is required/);
  });

  it('applies emptyInUseSuffix and converts seconds', () => {
    const { config } = parseSinkConfig(base({ 'hdfs.emptyInUseSuffix': 'true', 'hdfs.rollInterval': '0', 'hdfs.idleTimeout': '5', 'hdfs.retryInterval': '2' }));
    expect(config).toMatchObject({ inUseSuffix: '', rollIntervalMs: 0, idleTimeoutMs: 5000, retryIntervalMs: 2000 });
  });

  it('examples/agent.properties (the seed use case, complete) reads without a warning', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../examples/agent.properties', import.meta.url), 'utf8');
    const props = loadProperties({ text: text.replace('${your_bucket}', 'my-bucket') });
    const { config, warnings } = parseSinkConfig(subContext(props, 'a1.sinks.oss_sink'), 'oss_sink');
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ fileType: 'SequenceFile', writeFormat: 'Text', roundUnit: 'minute', rollSize: 134_217_728, rollCount: 0, batchSize: 100_000 });
  });
});
