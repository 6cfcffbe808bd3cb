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

/** `hadoopfs fs …`: Hadoop's `hadoop fs` on every hadoopfs scheme. */
export function runHadoopfs(argv: readonly string[], io: ShellIo = processIo): Promise<number> {
  return runShell(argv, io, { program: 'hadoopfs fs', word: 'fs', commands: FS_COMMANDS });
}

/** `jindo jfs …`: the same shell, plus JindoSDK's -recover. */
export function runJindo(argv: readonly string[], io: ShellIo = processIo): Promise<number> {
  return runShell(argv, io, { program: 'jindo jfs', word: 'jfs', commands: [...FS_COMMANDS, recover] });
}

/** A bin's whole life: a reader that goes away (`| head -1`) ends it quietly with 0, like a Unix tool. */
export async function runProcess(run: (argv: readonly string[]) => Promise<number>): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.exitCode = await run(process.argv.slice(2));
}
