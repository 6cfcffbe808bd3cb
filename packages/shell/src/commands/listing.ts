import { expandBraces, globElementToRegExp, type FileStatus } from '@hadoopfs/core';
import { parseOptions, SilentFailure, UsageError, type ShellCommand } from '../command.js';
import { formatSize, lsDate, statDate, table } from '../formats.js';
import { childItems, type PathItem } from '../path-items.js';
import { forEachExistingItem, forEachItem } from '../shell.js';

const sortBy = (flags: Set<string>) => {
  const time = (s: FileStatus) => (flags.has('u') ? s.accessTime : s.modificationTime);
  let compare = (a: PathItem, b: PathItem) => a.path.compareTo(b.path);
  if (flags.has('t')) compare = (a, b) => time(b.status!) - time(a.status!) || a.path.compareTo(b.path);
  else if (flags.has('S')) compare = (a, b) => b.status!.length - a.status!.length || a.path.compareTo(b.path);
  return flags.has('r') ? (a: PathItem, b: PathItem) => compare(b, a) : compare;
};

export const ls: ShellCommand = {
  name: 'ls',
  usage: '[-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]',
  description: `List the contents that match the specified file pattern. If path is not specified, the contents of the current directory are listed. For a directory a list of its direct children is returned (unless -d is used). Directory entries are of the form:
	permissions - userId groupId sizeOfDirectory(in bytes) modificationDate(yyyy-MM-dd HH:mm) directoryName
and file entries are of the form:
	permissions numberOfReplicas userId groupId sizeOfFile(in bytes) modificationDate(yyyy-MM-dd HH:mm) fileName
-C  Display the paths of files and directories only.
-d  Directories are listed as plain files.
-h  Formats the sizes of files in a human-readable fashion rather than a number of bytes.
-q  Print ? instead of non-printable characters.
-R  Recursively list the contents of directories.
-t  Sort files by modification time (most recent first).
-S  Sort files by size.
-r  Reverse the order of the sort.
-u  Use time of last access instead of modification for display and sorting.
-e  Display the erasure coding policy of files and directories (Replicated: no store here erasure-codes).`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['C', 'd', 'h', 'q', 'R', 't', 'S', 'r', 'u', 'e'] });
    // Ls -e: a column after the replication, as wide as its widest value, with one more space before it.
    const ecColumn = flags.has('e') ? ` ${ERASURE_CODING_POLICY} ` : '';
    if (args.length === 0) args.push('.');
    const compare = sortBy(flags);
    // FsShell's Ls: the column widths are fields that only grow over a run, widened by each listing before
    // its lines are printed — and a recursive run prints a directory's tree before its next sibling, so a
    // wide entry deep in one directory widens the siblings printed after it.
    const widths = { repl: 3, len: 10, owner: 0, group: 0 };
    const printable = (text: string) => (flags.has('q') ? text.replace(/[\p{Cc}\p{Cf}]/gu, '?') : text);
    const adjustWidths = (items: PathItem[]) => {
      for (const { status } of items) {
        widths.repl = Math.max(widths.repl, String(status!.replication).length);
        widths.len = Math.max(widths.len, formatSize(status!.length, flags.has('h')).length);
        widths.owner = Math.max(widths.owner, status!.owner.length);
        widths.group = Math.max(widths.group, status!.group.length);
      }
    };
    const line = (item: PathItem) => {
      const s = item.status!;
      if (ctx.json) return ctx.io.out(`${JSON.stringify(s.toJSON())}\n`);
      if (flags.has('C')) return ctx.io.out(`${printable(item.display)}\n`);
      const owner = widths.owner > 0 ? `${s.owner.padEnd(widths.owner)} ` : s.owner;
      const group = widths.group > 0 ? `${s.group.padEnd(widths.group)} ` : s.group;
      const replication = (s.isFile() ? String(s.replication) : '-').padStart(widths.repl);
      const size = formatSize(s.length, flags.has('h')).padStart(widths.len);
      const time = lsDate(flags.has('u') ? s.accessTime : s.modificationTime);
      ctx.io.out(`${s.isDirectory() ? 'd' : '-'}${s.permission.toString()} ${replication} ${ecColumn}${owner}${group}${size} ${time} ${printable(item.display)}\n`);
    };
    // Ls.processPaths: "Found N items" and the sort for a directory's non-empty listing when not recursive
    // (a recursive listing keeps the store's order, name order here); each item, then (-R) its tree.
    const processPaths = async (items: PathItem[], listing: boolean): Promise<void> => {
      if (listing && !flags.has('R') && items.length > 0) {
        if (!flags.has('C') && !ctx.json) ctx.io.out(`Found ${items.length} items\n`);
        items.sort(compare);
      }
      if (!flags.has('C')) adjustWidths(items);
      for (const item of items) {
        line(item);
        if (flags.has('R') && item.status!.isDirectory()) await processPaths(await childItems(item), true);
      }
    };
    await forEachExistingItem(args, ctx, async (item) => {
      if (item.status.isDirectory() && !flags.has('d')) await processPaths(await childItems(item), true);
      else await processPaths([item], false);
    });
  },
};

export const du: ShellCommand = {
  name: 'du',
  usage: '[-s] [-h] [-v] [-x] <path> ...',
  description: `Show the amount of space, in bytes, used by the files that match the specified file pattern. The following flags are optional:
-s: Rather than showing the size of each individual file that matches the pattern, shows the total (summary) size.
-h: Formats the sizes of files in a human-readable fashion rather than a number of bytes.
-v: option displays a header line.
-x: Excludes snapshots from being counted.

Note that, even without the -s option, this only shows size summaries one level deep into a directory.

The output is in the form 
	size	disk space consumed	name(full path)`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['s', 'h', 'v', 'x'] });
    if (args.length === 0) args.push('.');
    const rows: string[][] = flags.has('v') ? [['SIZE', 'DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS', 'FULL_PATH_NAME']] : [];
    const add = async (item: PathItem) => {
      const s = item.status!;
      const length = s.isDirectory() ? (await item.fs.getContentSummary(item.path)).length : s.length;
      // No replicas on these stores: the space consumed is the length (HDFS multiplies it by the replication).
      if (ctx.json) ctx.io.out(`${JSON.stringify({ path: item.display, length })}\n`);
      else rows.push([formatSize(length, flags.has('h')), formatSize(length, flags.has('h')), item.display]);
    };
    await forEachExistingItem(args, ctx, async (item) => {
      if (!flags.has('s') && item.status.isDirectory()) for (const child of await childItems(item)) await add(child);
      else await add(item);
    });
    if (rows.length > (flags.has('v') ? 1 : 0)) for (const line of table(rows)) ctx.io.out(`${line}\n`);
  },
};

/** What HDFS's ContentSummary names a store without erasure coding. */
const ERASURE_CODING_POLICY = 'Replicated';
const COUNT_HEADER = `${'DIR_COUNT'.padStart(12)} ${'FILE_COUNT'.padStart(12)} ${'CONTENT_SIZE'.padStart(18)} `;
const QUOTA_HEADER = `${'QUOTA'.padStart(12)} ${'REM_QUOTA'.padStart(15)} ${'SPACE_QUOTA'.padStart(15)} ${'REM_SPACE_QUOTA'.padStart(15)} `;

export const count: ShellCommand = {
  name: 'count',
  usage: '[-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] <path> ...',
  description: `Count the number of directories, files and bytes under the paths
that match the specified file pattern.  The output columns are:
DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME
or, with the -q option:
QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA
      DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME
The -h option shows file sizes in human readable format.
The -v option displays a header line.
The -x option excludes snapshots from being calculated.
The -t option displays quota by storage types (none is kept here: refused).
The -u option shows the quota and the usage against the quota without the detailed content summary.
The -e option shows the erasure coding policy.
(No store here has quotas: they show as none and inf.)`,
  async run(words, ctx) {
    const { flags, values, args } = parseOptions(words, { flags: ['q', 'h', 'v', 'u', 'x', 'e'], values: ['t'] });
    if (args.length === 0) args.push('.');
    const quotas = flags.has('q') || flags.has('u');
    if (quotas && values.has('t')) throw new UsageError('-t: no hadoopfs store keeps quotas by storage type');
    if (quotas && flags.has('x')) ctx.io.out('q or u option is given, the -x option is ignored.\n');
    const ec = flags.has('e') ? 'ERASURECODING_POLICY ' : '';
    if (flags.has('v')) ctx.io.out(`${flags.has('u') ? QUOTA_HEADER : `${flags.has('q') ? QUOTA_HEADER : ''}${COUNT_HEADER}`}${ec}PATHNAME\n`);
    const noQuota = `${'none'.padStart(12)} ${'inf'.padStart(15)} ${'none'.padStart(15)} ${'inf'.padStart(15)} `;
    await forEachExistingItem(args, ctx, async (item) => {
      const policy = flags.has('e') ? `${ERASURE_CODING_POLICY} ` : '';
      if (flags.has('u')) {
        ctx.io.out(`${noQuota}${policy}${item.display}\n`);
        return;
      }
      const summary = item.status.isDirectory() ? await item.fs.getContentSummary(item.path) : { directoryCount: 0, fileCount: 1, length: item.status.length };
      const size = formatSize(summary.length, flags.has('h'));
      const quota = flags.has('q') ? noQuota : '';
      ctx.io.out(`${quota}${String(summary.directoryCount).padStart(12)} ${String(summary.fileCount).padStart(12)} ${size.padStart(18)} ${policy}${item.display}\n`);
    });
  },
};

/** Stat's format characters. */
function statLine(format: string, item: PathItem): string {
  const s = item.status!;
  return format.replace(/%(.)/g, (whole, c: string) => {
    switch (c) {
      case 'a':
        return s.permission.toOctal();
      case 'A':
        return s.permission.toString();
      case 'b':
        return String(s.length);
      case 'F':
        return s.isDirectory() ? 'directory' : s.isFile() ? 'regular file' : 'symlink';
      case 'g':
        return s.group;
      case 'n':
        return s.path.getName();
      case 'o':
        return String(s.blockSize);
      case 'r':
        return String(s.replication);
      case 'u':
        return s.owner;
      case 'x':
        return statDate(s.accessTime);
      case 'X':
        return String(s.accessTime);
      case 'y':
        return statDate(s.modificationTime);
      case 'Y':
        return String(s.modificationTime);
      default:
        return whole;
    }
  });
}

export const stat: ShellCommand = {
  name: 'stat',
  usage: '[-R] [format] <path> ...',
  description: `Print statistics about the file/directory at <path>
in the specified format. Format accepts permissions in
octal (%a) and symbolic (%A), filesize in
bytes (%b), type (%F), group name of owner (%g),
name (%n), block size (%o), replication (%r), user name
of owner (%u), access date (%x, %X).
modification date (%y, %Y).
%x and %y show UTC date as "yyyy-MM-dd HH:mm:ss" and
%X and %Y show milliseconds since January 1, 1970 UTC.
If the format is not specified, %y is used by default.
-R  Recursively print the statistics of everything under a directory.`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['R'], min: 1 });
    const format = args.length > 1 && args[0]!.includes('%') ? args.shift()! : '%y';
    const show = async (item: PathItem & { status: FileStatus }): Promise<void> => {
      ctx.io.out(ctx.json ? `${JSON.stringify(item.status.toJSON())}\n` : `${statLine(format, item)}\n`);
      if (flags.has('R') && item.status.isDirectory()) for (const child of await childItems(item)) await show(child as PathItem & { status: FileStatus });
    };
    await forEachExistingItem(args, ctx, show);
  },
};

export const test: ShellCommand = {
  name: 'test',
  usage: '-[defswrz] <path>',
  description: `Answer various questions about <path>, with result via exit status.
  -d  return 0 if <path> is a directory.
  -e  return 0 if <path> exists.
  -f  return 0 if <path> is a file.
  -s  return 0 if file <path> is greater than zero bytes in size.
  -z  return 0 if file <path> is zero bytes in size, else return 1.
  -r  return 0 if <path> exists and read permission is granted.
  -w  return 0 if <path> exists and write permission is granted.`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['d', 'e', 'f', 's', 'z', 'r', 'w'], min: 1, max: 1 });
    if (flags.size !== 1) throw new UsageError('No test flag given');
    const [flag] = [...flags];
    const item = await ctx.item(args[0]!);
    const s = item.status;
    const allowed = async (mode: string) => s !== undefined && (await item.fs.access(item.path, mode).then(() => true, () => false));
    const answer =
      flag === 'r' || flag === 'w' ? await allowed(flag)
      : flag === 'e' ? s !== undefined
      : flag === 'd' ? s?.isDirectory() === true
      : flag === 'f' ? s?.isFile() === true
      : flag === 's' ? (s?.length ?? 0) > 0
      : s !== undefined && s.length === 0;
    // A false answer is exit code 1, without a message (as test(1)).
    if (!answer) throw new SilentFailure();
  },
};

export const df: ShellCommand = {
  name: 'df',
  usage: '[-h] [<path> ...]',
  description: `Shows the capacity, free and used space of the filesystem. If the filesystem has multiple partitions, and no path to a particular partition is specified, then the status of the root partitions will be shown.
-h  Formats the sizes of files in a human-readable fashion rather than a number of bytes.
(An object store has no known bound: its size and available space show as the largest safe number.)`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['h'] });
    if (args.length === 0) args.push('/');
    const rows: string[][] = [['Filesystem', 'Size', 'Used', 'Available', 'Use%']];
    const human = flags.has('h');
    await forEachItem(args, ctx, async (item) => {
      const status = await item.fs.getStatus(item.path);
      const percent = status.capacity > 0 ? `${Math.round((status.used / status.capacity) * 100)}%` : '0%';
      rows.push([item.fs.getUri(), formatSize(status.capacity, human), formatSize(status.used, human), formatSize(status.remaining, human), percent]);
    });
    if (rows.length > 1) for (const line of table(rows, new Set([1, 2, 3, 4]))) ctx.io.out(`${line}\n`);
  },
};

export const find: ShellCommand = {
  name: 'find',
  usage: '<path> ... <expression> ...',
  description: `Finds all files that match the specified expression and applies selected actions to them. If no <path> is specified then defaults to the current working directory. If no expression is specified then defaults to -print.
The following primary expressions are recognised:
  -name pattern
  -iname pattern
    Evaluates as true if the basename of the file matches the pattern using standard file system globbing. If -iname is used then the match is case insensitive.
  -print
  -print0
    Always evaluates to true. Causes the current pathname to be written to standard output followed by a newline. If the -print0 expression is used then an ASCII NULL character is appended rather than a newline.
The following operators are recognised:
  expression -a expression
  expression -and expression
  expression expression
    Logical AND operator for joining two expressions.`,
  async run(words, ctx) {
    const paths: string[] = [];
    let at = 0;
    while (at < words.length && !words[at]!.startsWith('-')) paths.push(words[at++]!);
    if (paths.length === 0) paths.push('.');
    const tests: Array<(item: PathItem) => boolean> = [];
    let terminator: string | undefined;
    for (; at < words.length; at++) {
      const word = words[at]!;
      if (word === '-a' || word === '-and') continue;
      if (word === '-print' || word === '-print0') {
        terminator = word === '-print' ? '\n' : '\0';
        continue;
      }
      if (word === '-name' || word === '-iname') {
        const pattern = words[++at];
        if (pattern === undefined) throw new UsageError(`${word} needs a pattern`);
        const regexps = expandBraces(pattern).map((p) => globElementToRegExp(word === '-iname' ? p.toLowerCase() : p));
        tests.push((item) => {
          const name = word === '-iname' ? item.path.getName().toLowerCase() : item.path.getName();
          return regexps.some((r) => r.test(name));
        });
        continue;
      }
      throw new UsageError(`Unexpected argument: ${word}`);
    }
    const end = terminator ?? '\n';
    const visit = async (item: PathItem): Promise<void> => {
      if (tests.every((t) => t(item))) ctx.io.out(`${item.display}${end}`);
      if (item.status!.isDirectory()) for (const child of await childItems(item)) await visit(child);
    };
    await forEachExistingItem(paths, ctx, visit);
  },
};
