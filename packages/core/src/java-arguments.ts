import { FsPermission } from './file-status.js';
import { describeValue } from './glob.js';
import { Path } from './path.js';
import type { CreateOptions } from './file-system.js';

/**
 * Java's overloads read from a call's arguments: code ported line by line from Hadoop calls
 * `create(path, false)` or `create(path, true, 4096, 3, blockSize, progress)`, and a boolean or number
 * that fell into an options slot must not be ignored for a default. Each argument of the wrong kind is a
 * TypeError naming the call and the parameter.
 */

/** Hadoop's Progressable: called as the write makes progress. A function, or an object with progress(). */
export type Progressable = (() => void) | { progress(): void };

/** What create() takes after the path, Hadoop's overloads beside the options object. */
export type CreateArguments =
  | []
  | [options: CreateOptions | undefined]
  | [overwrite: boolean]
  | [progress: Progressable]
  | [replication: number, progress?: Progressable]
  | [overwrite: boolean, bufferSize: number, progress?: Progressable]
  | [overwrite: boolean, bufferSize: number, replication: number, blockSize: number, progress?: Progressable]
  | [permission: FsPermission, overwrite: boolean, bufferSize: number, replication: number, blockSize: number, progress?: Progressable];

const CREATE_OPTION_KINDS: Record<keyof CreateOptions, 'boolean' | 'number' | 'function' | 'permission' | 'signal'> = {
  overwrite: 'boolean',
  recursive: 'boolean',
  bufferSize: 'number',
  blockSize: 'number',
  replication: 'number',
  permission: 'permission',
  onProgress: 'function',
  signal: 'signal',
};

function isProgressable(value: unknown): value is Progressable {
  return typeof value === 'function' || (typeof value === 'object' && value !== null && !(value instanceof FsPermission) && typeof (value as { progress?: unknown }).progress === 'function');
}

function progressListener(progress: Progressable): (bytes: number) => void {
  return typeof progress === 'function' ? () => progress() : () => progress.progress();
}

function fail(call: string, parameter: string, expected: string, value: unknown): never {
  throw new TypeError(`${call}: ${parameter} must be ${expected}, got ${describeValue(value)}`);
}

function expectKind(call: string, parameter: string, value: unknown, kind: 'boolean' | 'number'): void {
  if (kind === 'number' ? typeof value !== 'number' || !Number.isFinite(value) : typeof value !== 'boolean') fail(call, parameter, `a ${kind}`, value);
}

/** create()'s options from any of Hadoop's overloads, or from the options object (its values checked). */
export function createOptionsOf(args: readonly unknown[]): CreateOptions {
  const call = 'create';
  const [first] = args;
  if (args.length === 0 || (args.length === 1 && first === undefined)) return {};
  if (typeof first === 'boolean') {
    // create(f, overwrite[, bufferSize[, progress | replication, blockSize[, progress]]])
    const options: CreateOptions = { overwrite: first };
    if (args.length === 1) return options;
    expectKind(call, 'bufferSize', args[1], 'number');
    options.bufferSize = args[1] as number;
    if (args.length === 2) return options;
    if (args.length === 3 && isProgressable(args[2])) return { ...options, onProgress: progressListener(args[2]) };
    if (args.length < 4) fail(call, 'blockSize', 'a number (after replication)', undefined);
    expectKind(call, 'replication', args[2], 'number');
    expectKind(call, 'blockSize', args[3], 'number');
    options.replication = args[2] as number;
    options.blockSize = args[3] as number;
    return withProgress(options, args, 4);
  }
  if (first instanceof FsPermission) {
    // create(f, permission, overwrite, bufferSize, replication, blockSize[, progress])
    const names = ['overwrite', 'bufferSize', 'replication', 'blockSize'] as const;
    names.forEach((name, i) => expectKind(call, name, args[i + 1], name === 'overwrite' ? 'boolean' : 'number'));
    const options: CreateOptions = { permission: first, overwrite: args[1] as boolean, bufferSize: args[2] as number, replication: args[3] as number, blockSize: args[4] as number };
    return withProgress(options, args, 5);
  }
  if (typeof first === 'number') {
    // create(f, replication[, progress])
    expectKind(call, 'replication', first, 'number');
    return withProgress({ replication: first }, args, 1);
  }
  if (isProgressable(first) && args.length === 1) return { onProgress: progressListener(first) };
  if (typeof first === 'object' && first !== null && !Array.isArray(first) && args.length === 1) return checkedCreateOptions(first as Record<string, unknown>);
  return fail(call, 'its second argument', 'an options object, overwrite (boolean), replication (number), a permission or a Progressable', first);
}

function withProgress(options: CreateOptions, args: readonly unknown[], at: number): CreateOptions {
  if (args.length > at + 1) fail('create', 'its arguments', `at most ${at + 2} (one more than Hadoop's overload takes here)`, args[at + 1]);
  if (args.length === at || args[at] === undefined) return options;
  if (!isProgressable(args[at])) fail('create', 'progress', 'a Progressable (a function, or an object with progress())', args[at]);
  return { ...options, onProgress: progressListener(args[at]) };
}

function checkedCreateOptions(options: Record<string, unknown>): CreateOptions {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const kind = CREATE_OPTION_KINDS[key as keyof CreateOptions];
    if (kind === undefined) throw new TypeError(`create: options.${key} is not an option of create (${Object.keys(CREATE_OPTION_KINDS).join(', ')})`);
    if (kind === 'permission' ? !(value instanceof FsPermission) : kind === 'signal' ? !(value instanceof AbortSignal) : typeof value !== kind) {
      fail('create', `options.${key}`, kind === 'permission' ? 'an FsPermission' : kind === 'signal' ? 'an AbortSignal' : `a ${kind}`, value);
    }
  }
  return options as CreateOptions;
}

/** A path argument: a string or a Path, else a TypeError naming the call and parameter. */
export function checkPathArgument(value: unknown, call: string, parameter = 'path'): asserts value is string | Path {
  if (typeof value !== 'string' && !(value instanceof Path)) fail(call, parameter, 'a Path or a string', value);
}
