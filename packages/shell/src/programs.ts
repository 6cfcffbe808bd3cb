import { constants } from 'node:os';
import type { ShellCommand, ShellIo } from './command.js';
import { cat, checksum, head, tail, text } from './commands/content.js';
import { chgrp, chmod, chown, concat, expunge, mkdir, rm, rmdir, setrep, touch, touchz, truncate } from './commands/changes.js';
import { dus, lsr, moveToLocal, rmr } from './commands/deprecated.js';
import { count, df, du, find, ls, stat, test } from './commands/listing.js';
import { recover } from './commands/recover.js';
import { appendToFile, copyFromLocal, copyToLocal, cp, get, getmerge, moveFromLocal, mv, put } from './commands/transfer.js';
import { runShell } from './shell.js';

/** FsShell's commands that hadoopfs has. */
export const FS_COMMANDS: readonly ShellCommand[] = [
  appendToFile, cat, checksum, chgrp, chmod, chown, concat, copyFromLocal, copyToLocal, count, cp, df, du, dus, expunge, find, get, getmerge, head, ls, lsr, mkdir, moveFromLocal,
  moveToLocal, mv, put, rm, rmdir, rmr, setrep, stat, tail, test, text, touch, touchz, truncate,
];

const processIo: ShellIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdout: process.stdout,
  stdin: process.stdin,
  isTTY: Boolean(process.stderr.isTTY),
};

export interface RunOptions {
  /** Stops the command: see ShellOptions.signal. */
  signal?: AbortSignal;
}

/** `hadoopfs fs …`: Hadoop's `hadoop fs` on every hadoopfs scheme. */
export function runHadoopfs(argv: readonly string[], io: ShellIo = processIo, options: RunOptions = {}): Promise<number> {
  return runShell(argv, io, { program: 'hadoopfs fs', word: 'fs', commands: FS_COMMANDS, ...options });
}

/** `jindo jfs …`: the same shell, plus JindoSDK's -recover. */
export function runJindo(argv: readonly string[], io: ShellIo = processIo, options: RunOptions = {}): Promise<number> {
  return runShell(argv, io, { program: 'jindo jfs', word: 'jfs', commands: [...FS_COMMANDS, recover], ...options });
}

/**
 * A bin's whole life: a reader that goes away (`| head -1`) ends it quietly with 0, like a Unix tool.
 * SIGINT or SIGTERM stops the command cleanly — what it was writing is aborted (an object store's upload
 * included), not left half-done — and the exit code is 128 + the signal's number; a second signal ends the
 * process at once.
 */
export async function runProcess(run: (argv: readonly string[], io: ShellIo, options: RunOptions) => Promise<number>): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const exitCodeFor = (name: NodeJS.Signals) => 128 + (constants.signals[name] ?? 2);
  const onSignal = (name: NodeJS.Signals) => {
    if (received) process.exit(exitCodeFor(received));
    received = name;
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await run(process.argv.slice(2), processIo, { signal: controller.signal });
  // Interrupted: clean-up is done; nothing (a stdin still open for -put -) may keep the process alive.
  if (received) process.exit(exitCodeFor(received));
  process.exitCode = code;
}
