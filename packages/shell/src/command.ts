import type { Configuration, FileSystem, Path } from '@hadoopfs/core';
import type { PathItem } from './path-items.js';

/** Where a shell writes: text to stdout and stderr, and raw bytes (-cat, -text) to stdout. */
export interface ShellIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Raw bytes for -cat, -text, -head, -tail. */
  stdout: NodeJS.WritableStream;
  /** -put - reads it. */
  stdin?: NodeJS.ReadableStream;
  /** Progress on stderr only on a terminal. */
  isTTY: boolean;
}

/** A command line the command cannot take: FsShell prints the message and the command's usage, and exits -1 (255). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a command runs with. */
export interface ShellContext {
  readonly conf: Configuration;
  readonly io: ShellIo;
  /** `-json` (hadoopfs's generic option): machine-readable lines where a command has them. */
  readonly json: boolean;
  fsFor(path: Path): Promise<FileSystem>;
  /** A path argument as FsShell's PathData: glob-expanded, statted, named as the user wrote it. */
  expand(arg: string): Promise<PathItem[]>;
  /** The item for an argument taken literally (a destination, a path to create). */
  item(arg: string): Promise<PathItem>;
  /** Reports a failure of one path the way FsShell does (`ls: message`) and counts it. */
  error(message: string): void;
}

/** One of FsShell's commands: its name without the dash, usage, description, and how it runs. */
export interface ShellCommand {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  /** Runs with the arguments after the command name; failures of single paths go through ctx.error. */
  run(args: string[], ctx: ShellContext): Promise<void>;
}

export interface ParsedOptions {
  flags: Set<string>;
  values: Map<string, string>;
  args: string[];
}

/**
 * Hadoop's CommandFormat: options first, each its own word (`-R`, not `-Rh`), `--` ends them, `-` alone
 * is an argument (stdin); an unknown option, or too few or too many arguments, is a usage error.
 */
export function parseOptions(
  words: readonly string[],
  spec: { flags?: readonly string[]; values?: readonly string[]; min?: number; max?: number },
): ParsedOptions {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const args = [...words];
  while (args.length > 0) {
    const word = args[0]!;
    if (word === '--') {
      args.shift();
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    const name = word.slice(1);
    if (spec.flags?.includes(name)) flags.add(name);
    else if (spec.values?.includes(name)) {
      const value = args[1];
      if (value === undefined) throw new UsageError(`Illegal option ${word}: a value is needed`);
      values.set(name, value);
      args.shift();
    } else throw new UsageError(`Illegal option ${word}`);
    args.shift();
  }
  const min = spec.min ?? 0;
  const max = spec.max ?? Infinity;
  if (args.length < min) throw new UsageError(`Not enough arguments: expected ${min} but got ${args.length}`);
  if (args.length > max) throw new UsageError(`Too many arguments: expected ${max} but got ${args.length}`);
  return { flags, values, args };
}

/** FsShell's wording for the errors every backend raises, by their Node code. */
export function describeError(error: unknown, display: string): string {
  const code = (error as { code?: string }).code;
  const quoted = `\`${display}'`;
  switch (code) {
    case 'ENOENT':
      return `${quoted}: No such file or directory`;
    case 'EEXIST':
      return `${quoted}: File exists`;
    case 'EISDIR':
      return `${quoted}: Is a directory`;
    case 'ENOTDIR':
      return `${quoted}: Is not a directory`;
    case 'ENOTEMPTY':
      return `${quoted}: Directory is not empty`;
    case 'EACCES':
    case 'EPERM':
      // The store's own words name the cause (a wrong secret, a policy): kept.
      return `${quoted}: Permission denied: ${(error as Error).message}`;
    default:
      return `${quoted}: ${(error as Error).message}`;
  }
}

/** An error already worded for the user (FsShell's PathIOException and friends). */
export class PathError extends Error {
  override name = 'PathError';
  constructor(display: string, what: string) {
    super(`\`${display}': ${what}`);
  }
}

/** A failure with nothing to say: `-test` answering false (exit code 1, as test(1)). */
export class SilentFailure extends Error {
  override name = 'SilentFailure';
}
