import { abortErrorFor, abortIn, Configuration, FileSystem, Path, runCancellable } from '@hadoopfs/core';
import '@hadoopfs/local';
import '@hadoopfs/memory';
import '@hadoopfs/jindo';
import '@hadoopfs/s3';
import { describeError, PathError, SilentFailure, UsageError, type ShellCommand, type ShellContext, type ShellIo } from './command.js';
import { expandItems, literalItem, type PathItem } from './path-items.js';

export interface ShellOptions {
  /** How usage lines name the program: `hadoopfs fs`, `jindo jfs`. */
  program: string;
  /** The word after the program name (`fs`, `jfs`). */
  word: string;
  commands: readonly ShellCommand[];
  /**
   * Stops the command (the bin's SIGINT and SIGTERM): every request is cut and every stream it was writing
   * aborted, so an interrupted -put or -cp publishes nothing and leaves no upload; the exit code is then
   * EXIT_INTERRUPTED.
   */
  signal?: AbortSignal;
}

const GENERIC_HELP = `Generic options supported are:
-conf <configuration file>        specify an application configuration file
-D <property=value>               define a value for a given property
-fs <file:///|hdfs://namenode:port|oss://bucket|mem://name> specify default filesystem URL to use, overrides 'fs.defaultFS' property from configurations.
-json                             (hadoopfs) one JSON object per line where a command has them`;

/** Words that ask a bin for its usage (answered on stdout, exit 0). */
const HELP_WORDS: ReadonlySet<string> = new Set(['--help', '-help', '-h', 'help', '--usage', '-usage']);

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

/** FsShell's exit codes: 0, 1 when any path failed, -1 (255 to the shell) for a command line it cannot take. */
export const EXIT_USAGE = 255;
/** A command stopped by its signal: 128 + SIGINT, as a shell reports a process interrupted by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/**
 * Hadoop's FsShell over hadoopfs: generic options (-conf, -D, -fs), then one command. Failures of single
 * paths are reported as `cmd: message` and make the exit code 1, the other paths go on.
 */
export async function runShell(argv: readonly string[], io: ShellIo, options: ShellOptions): Promise<number> {
  const byName = new Map(options.commands.map((c) => [c.name, c]));
  const usageLine = (c: ShellCommand) => `-${c.name}${c.usage ? ` ${c.usage}` : ''}`;
  const summary = () =>
    [`Usage: ${options.program} [generic options]`, ...[...byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map((c) => `\t[${usageLine(c)}]`)].join('\n');
  const args = [...argv];
  const bin = options.program.split(' ')[0];
  // A request for help is answered on stdout with exit 0 (`hadoopfs --help`, `hadoopfs fs -help`).
  if (HELP_WORDS.has(args[0] ?? '')) {
    io.out(`${summary()}\n\n${GENERIC_HELP}\n`);
    return 0;
  }
  if (args.shift() !== options.word) {
    io.err(`${bin}: the first word must be "${options.word}"\n${summary()}\n`);
    return EXIT_USAGE;
  }
  let conf: Configuration;
  try {
    conf = new Configuration();
  } catch (error) {
    // A malformed $HADOOP_CONF_DIR/core-site.xml: what is wrong and where, on one line (no stack, no usage).
    io.err(`${bin}: ${oneLine(error)}\n`);
    return 1;
  }
  let json = false;
  try {
    for (;;) {
      const a = args[0];
      if (a === '-conf') {
        args.shift();
        const file = args.shift();
        if (!file) throw new UsageError('-conf needs a file');
        conf.addResource(file);
      } else if (a === '-D' || (a?.startsWith('-D') && a.length > 2)) {
        args.shift();
        const pair = a === '-D' ? (args.shift() ?? '') : a.slice(2);
        const eq = pair.indexOf('=');
        // Name only what looks like a key: a value after a mistyped separator may be a secret.
        if (eq <= 0) throw new UsageError(`-D takes key=value, got "${/^[\w.-]*/.exec(pair)![0]}…" without "="`);
        conf.set(pair.slice(0, eq), pair.slice(eq + 1), '-D');
      } else if (a === '-fs') {
        args.shift();
        const uri = args.shift();
        if (!uri) throw new UsageError('-fs needs a filesystem URI');
        conf.set('fs.defaultFS', uri, '-fs');
      } else if (a === '-json') {
        args.shift();
        json = true;
      } else break;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) {
      // -conf naming a file that is missing or malformed: a configuration error, not a usage one.
      io.err(`${bin}: ${oneLine(error)}\n`);
      return 1;
    }
    io.err(`${error.message}\n${summary()}\n\n${GENERIC_HELP}\n`);
    return EXIT_USAGE;
  }
  const word = args.shift();
  if (word === undefined) {
    io.err(`${summary()}\n\n${GENERIC_HELP}\n`);
    return EXIT_USAGE;
  }
  if (word === '-help' || word === '--help' || word === '-usage') {
    const wanted = args.length > 0 ? args.map((n) => n.replace(/^-/, '')) : [...byName.keys()].sort();
    const unknown = wanted.filter((n) => !byName.has(n));
    if (unknown.length > 0) {
      io.err(`${word}: No such command: ${unknown.join(' ')}\n`);
      return EXIT_USAGE;
    }
    if (word === '-usage') {
      io.out(args.length > 0 ? `${wanted.map((n) => `Usage: ${options.program} [generic options] ${usageLine(byName.get(n)!)}`).join('\n')}\n` : `${summary()}\n`);
      return 0;
    }
    const details = wanted.map((n) => {
      const c = byName.get(n)!;
      return `${usageLine(c)} :\n${c.description.replace(/^/gm, '  ')}\n`;
    });
    io.out(`${args.length > 0 ? '' : `${summary()}\n\n`}${details.join('\n')}${args.length > 0 ? '' : `\n${GENERIC_HELP}\n`}`);
    return 0;
  }
  const command = word.startsWith('-') ? byName.get(word.slice(1)) : undefined;
  if (!command) {
    io.err(`${word}: Unknown command\n${summary()}\n`);
    return EXIT_USAGE;
  }
  let failures = 0;
  const fsFor = (path: Path) => FileSystem.get(path, conf);
  const ctx: ShellContext = {
    conf,
    io,
    json,
    fsFor,
    expand: (arg) => expandItems(arg, fsFor),
    item: (arg) => literalItem(arg, fsFor),
    error: (message) => {
      // Interrupted: a failure now is the interruption's; the command stops instead of reporting each path.
      if (options.signal?.aborted) throw abortErrorFor(options.signal, command.name);
      failures++;
      io.err(`${command.name}: ${message}\n`);
    },
  };
  try {
    await runCancellable(options.signal, command.name, undefined, () => command.run(args, ctx));
  } catch (error) {
    if (abortIn(error)) {
      const reason: unknown = options.signal?.reason;
      io.err(`${command.name}: ${reason instanceof Error ? reason.message : 'interrupted'}\n`);
      return EXIT_INTERRUPTED;
    }
    if (error instanceof UsageError) {
      io.err(`-${command.name}: ${error.message}\nUsage: ${options.program} [generic options] ${usageLine(command)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof SilentFailure) failures++;
    else ctx.error(error instanceof PathError ? error.message : (error as Error).message);
  } finally {
    await FileSystem.closeAll().catch(() => undefined);
  }
  if (options.signal?.aborted) return EXIT_INTERRUPTED;
  return failures > 0 ? 1 : 0;
}

/**
 * Runs `action` for every item of every argument (glob-expanded); a failure is reported in FsShell's
 * words and counted, and the other paths go on.
 */
export async function forEachItem(
  args: readonly string[],
  ctx: ShellContext,
  action: (item: PathItem) => Promise<void>,
): Promise<void> {
  for (const arg of args) {
    let items;
    try {
      items = await ctx.expand(arg);
    } catch (error) {
      if (abortIn(error)) throw error;
      ctx.error(error instanceof PathError ? error.message : describeError(error, arg));
      continue;
    }
    for (const item of items) {
      try {
        await action(item);
      } catch (error) {
        // Interrupted: the command stops here, not at every path still to come.
        if (abortIn(error)) throw error;
        ctx.error(error instanceof PathError ? error.message : describeError(error, item.display));
      }
    }
  }
}

/** An item that exists: its status is known. */
export type ExistingItem = PathItem & { status: NonNullable<PathItem['status']> };

/**
 * forEachItem for a command whose every path must exist (FsShell's default: a missing path is reported as
 * `No such file or directory` and the others go on).
 */
export function forEachExistingItem(args: readonly string[], ctx: ShellContext, action: (item: ExistingItem) => Promise<void>): Promise<void> {
  return forEachItem(args, ctx, (item) => {
    mustExist(item);
    return action(item);
  });
}

/** The item must exist: FsShell's PathNotFoundException otherwise. */
export function mustExist<T extends { status: unknown; display: string }>(item: T): asserts item is T & { status: NonNullable<T['status']> } {
  if (item.status === undefined) throw new PathError(item.display, 'No such file or directory');
}
