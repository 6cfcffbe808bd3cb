import { compressionCodecFor, type CompressionCodec } from '@hadoopfs/core';
import type { SequenceFileWriteFormat } from './sequence-file.js';
import { isKnownTimeZone } from './time-zones.js';
import type { RoundUnit } from './escapes.js';

/** A configuration problem found before any event is taken, naming the key. */
export class FlumeConfigurationError extends Error {
  override name = 'FlumeConfigurationError';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

export type FileType = 'SequenceFile' | 'DataStream' | 'CompressedStream';
export type SerializerKind = 'TEXT' | 'HEADER_AND_TEXT';

/** Flume's HDFS sink settings, names and defaults as in Flume 1.9–1.11 (times in ms here). */
export interface HdfsSinkConfig {
  path: string;
  filePrefix: string;
  fileSuffix: string;
  inUsePrefix: string;
  inUseSuffix: string;
  emptyInUseSuffix: boolean;
  rollIntervalMs: number;
  rollSize: number;
  rollCount: number;
  idleTimeoutMs: number;
  batchSize: number;
  /** hdfs.codeC: SequenceFile is then BLOCK-compressed (as Flume makes it), CompressedStream one codec stream per flush. */
  codec: CompressionCodec | undefined;
  fileType: FileType;
  /** hdfs.writeFormat for SequenceFile: Writable (BytesWritable values, Flume's default) or Text. */
  writeFormat: SequenceFileWriteFormat;
  maxOpenFiles: number;
  callTimeoutMs: number;
  threadsPoolSize: number;
  round: boolean;
  roundValue: number;
  roundUnit: RoundUnit;
  timeZone: string | undefined;
  useLocalTimeStamp: boolean;
  closeTries: number;
  retryIntervalMs: number;
  serializer: SerializerKind;
  appendNewline: boolean;
  /** hadoopfs: where events that cannot be placed (no timestamp for a time escape) go instead of blocking the sink. */
  deadLetterPath: string | undefined;
  /**
   * hdfs.acceptLossOnCrash (hadoopfs's key, default false): commit transactions even where the store's
   * flush does not survive a crash (plain oss:// without durable flush). Without it such a sink refuses
   * to start.
   */
  acceptLossOnCrash: boolean;
}

const HDFS_KEYS = [
  'path', 'filePrefix', 'fileSuffix', 'inUsePrefix', 'inUseSuffix', 'emptyInUseSuffix', 'rollInterval', 'rollSize', 'rollCount',
  'idleTimeout', 'batchSize', 'codeC', 'fileType', 'maxOpenFiles', 'minBlockReplicas', 'writeFormat', 'callTimeout', 'threadsPoolSize',
  'rollTimerPoolSize', 'kerberosPrincipal', 'kerberosKeytab', 'proxyUser', 'round', 'roundValue', 'roundUnit', 'timeZone',
  'useLocalTimeStamp', 'closeTries', 'retryInterval', 'deadLetterPath',
  // hadoopfs's own: the operator's consent to commit on a flush that does not survive a crash.
  'acceptLossOnCrash',
];
const OTHER_KEYS = ['type', 'channel', 'serializer', 'serializer.appendNewline'];

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
  }
  return d[x.length]![y.length]!;
}

function closest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(key, c);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  // A key that merely resembles something is still worth a hint; suffix matches (Unit ~ roundUnit) too.
  const suffix = candidates.find((c) => c.toLowerCase().endsWith(key.toLowerCase()) && key.length >= 4);
  return suffix ?? (bestScore <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined);
}

/**
 * Reads a sink's context (keys after `agent.sinks.NAME.`). Invalid values are errors naming the key;
 * keys Flume would silently ignore come back as warnings naming the key Flume would have read.
 */
export function parseSinkConfig(context: ReadonlyMap<string, string>, sinkName = 'sink'): { config: HdfsSinkConfig; warnings: string[] } {
  const warnings: string[] = [];
  const where = (key: string) => `sinks.${sinkName}.${key}`;
  // Keys Flume would ignore, with the key meant: completed below with the value in effect instead.
  const ignored: Array<{ message: string; hint: string | undefined }> = [];
  for (const key of context.keys()) {
    if (key.startsWith('hdfs.')) {
      const name = key.slice(5);
      if (!HDFS_KEYS.includes(name)) {
        const hint = closest(name, HDFS_KEYS);
        ignored.push({ message: `${where(key)} is not an HDFS sink property and is ignored${hint ? `; did you mean ${where(`hdfs.${hint}`)}?` : ''}`, hint });
      }
    } else if (!OTHER_KEYS.includes(key) && !key.startsWith('serializer.')) {
      const hint = HDFS_KEYS.includes(key) ? key : closest(key, HDFS_KEYS);
      ignored.push({ message: `${where(key)} is ignored by the HDFS sink${hint ? `; did you mean ${where(`hdfs.${hint}`)}?` : ''}`, hint });
    }
  }
  const get = (key: string) => context.get(`hdfs.${key}`)?.trim();
  const text = (key: string, dflt: string) => context.get(`hdfs.${key}`) ?? dflt;
  const bool = (key: string, dflt: boolean) => {
    const v = get(key);
    if (v === undefined) return dflt;
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw new FlumeConfigurationError(`${where(`hdfs.${key}`)}: "${v}" is not true or false`, `hdfs.${key}`);
  };
  const int = (key: string, dflt: number, { min = -Infinity, max = Infinity } = {}) => {
    const v = get(key);
    if (v === undefined) return dflt;
    const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
      throw new FlumeConfigurationError(`${where(`hdfs.${key}`)}: "${v}" is not a whole number ${range}`, `hdfs.${key}`);
    }
    return n;
  };

  const path = get('path');
  if (!path) throw new FlumeConfigurationError(`${where('hdfs.path')} is required`, 'hdfs.path');
  const fileTypeText = get('fileType') ?? 'SequenceFile';
  if (fileTypeText !== 'SequenceFile' && fileTypeText !== 'DataStream' && fileTypeText !== 'CompressedStream') {
    throw new FlumeConfigurationError(`${where('hdfs.fileType')}: unknown file type "${fileTypeText}" (SequenceFile, DataStream, CompressedStream)`, 'hdfs.fileType');
  }
  const writeFormat = get('writeFormat') ?? 'Writable';
  if (writeFormat !== 'Writable' && writeFormat !== 'Text') {
    throw new FlumeConfigurationError(`${where('hdfs.writeFormat')}: "${writeFormat}" is not Writable or Text`, 'hdfs.writeFormat');
  }
  const codecText = get('codeC');
  let codec: CompressionCodec | undefined;
  if (codecText !== undefined) {
    try {
      codec = compressionCodecFor(codecText);
    } catch (error) {
      throw new FlumeConfigurationError(`${where('hdfs.codeC')}: ${(error as Error).message}`, 'hdfs.codeC');
    }
    if (!codec) throw new FlumeConfigurationError(`${where('hdfs.codeC')}: unknown codec "${codecText}" (gzip, deflate, default)`, 'hdfs.codeC');
  }
  if (fileTypeText === 'DataStream' && codec) {
    // Flume's own refusal: a DataStream file is not compressed, and would be named .gz or .deflate.
    throw new FlumeConfigurationError(
      `${where('hdfs.codeC')}: hdfs.fileType = DataStream does not support compressed output; unset hdfs.codeC or use CompressedStream or SequenceFile`,
      'hdfs.codeC',
    );
  }
  if (fileTypeText === 'CompressedStream' && !codec) {
    throw new FlumeConfigurationError(`${where('hdfs.codeC')} is required with hdfs.fileType = CompressedStream`, 'hdfs.codeC');
  }
  const roundUnitText = (get('roundUnit') ?? 'second').toLowerCase();
  if (roundUnitText !== 'second' && roundUnitText !== 'minute' && roundUnitText !== 'hour') {
    throw new FlumeConfigurationError(`${where('hdfs.roundUnit')}: "${get('roundUnit')}" is not second, minute or hour`, 'hdfs.roundUnit');
  }
  const roundUnit = roundUnitText as RoundUnit;
  const roundValue = int('roundValue', 1, { min: 1, max: roundUnit === 'hour' ? 24 : 60 });
  const timeZone = get('timeZone');
  if (timeZone !== undefined && !isKnownTimeZone(timeZone)) {
    throw new FlumeConfigurationError(`${where('hdfs.timeZone')}: unknown time zone "${timeZone}"`, 'hdfs.timeZone');
  }
  const serializerText = (context.get('serializer') ?? 'TEXT').trim();
  if (serializerText !== 'TEXT' && serializerText !== 'HEADER_AND_TEXT') {
    throw new FlumeConfigurationError(`${where('serializer')}: "${serializerText}" is not supported (TEXT, HEADER_AND_TEXT)`, 'serializer');
  }
  const appendNewlineText = context.get('serializer.appendNewline')?.trim() ?? 'true';
  const config: HdfsSinkConfig = {
    path,
    filePrefix: text('filePrefix', 'FlumeData'),
    fileSuffix: text('fileSuffix', ''),
    inUsePrefix: text('inUsePrefix', ''),
    inUseSuffix: text('inUseSuffix', '.tmp'),
    emptyInUseSuffix: bool('emptyInUseSuffix', false),
    rollIntervalMs: int('rollInterval', 30, { min: 0 }) * 1000,
    rollSize: int('rollSize', 1024, { min: 0 }),
    rollCount: int('rollCount', 10, { min: 0 }),
    idleTimeoutMs: int('idleTimeout', 0, { min: 0 }) * 1000,
    batchSize: int('batchSize', 100, { min: 1 }),
    codec,
    fileType: fileTypeText,
    writeFormat,
    maxOpenFiles: int('maxOpenFiles', 5000, { min: 1 }),
    callTimeoutMs: int('callTimeout', 30_000, { min: 0 }),
    threadsPoolSize: int('threadsPoolSize', 10, { min: 1 }),
    round: bool('round', false),
    roundValue,
    roundUnit,
    timeZone,
    useLocalTimeStamp: bool('useLocalTimeStamp', false),
    closeTries: int('closeTries', 0, { min: 0 }),
    retryIntervalMs: int('retryInterval', 180, { min: 0 }) * 1000,
    serializer: serializerText,
    appendNewline: /^true$/i.test(appendNewlineText),
    deadLetterPath: get('deadLetterPath'),
    acceptLossOnCrash: bool('acceptLossOnCrash', false),
  };
  if (config.emptyInUseSuffix) config.inUseSuffix = '';
  for (const { message, hint } of ignored) {
    const effect = hint && !context.has(`hdfs.${hint}`) ? inEffect(hint, config) : undefined;
    warnings.push(effect ? `${message} In effect: hdfs.${hint} = ${effect}` : message);
  }
  return { config, warnings };
}

/** The value a key has when it is not set, and what that means for the files written. */
function inEffect(key: string, config: HdfsSinkConfig): string | undefined {
  switch (key) {
    case 'rollSize':
      return config.rollSize > 0 ? `${config.rollSize} (Flume's default): a file rolls every ${config.rollSize} bytes` : '0: no roll by size';
    case 'rollCount':
      return config.rollCount > 0 ? `${config.rollCount} (Flume's default): a file rolls every ${config.rollCount} events` : '0: no roll by count';
    case 'rollInterval':
      return config.rollIntervalMs > 0 ? `${config.rollIntervalMs / 1000} (Flume's default): a file rolls every ${config.rollIntervalMs / 1000} s` : '0: no roll by time';
    case 'roundUnit':
      return config.round ? `${config.roundUnit} (Flume's default): timestamps round down to ${config.roundValue} ${config.roundUnit}(s)` : `${config.roundUnit} (unused: hdfs.round is false)`;
    case 'batchSize':
      return `${config.batchSize} (Flume's default): a transaction, and a flush, every ${config.batchSize} events`;
    case 'threadsPoolSize':
      return `${config.threadsPoolSize} (Flume's default; hadoopfs runs its calls without a thread pool)`;
    default:
      return undefined;
  }
}
