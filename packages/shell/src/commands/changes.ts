import { FsPermission, statOrUndefined, Trash } from '@hadoopfs/core';
import { describeError, parseOptions, PathError, UsageError, type ShellCommand } from '../command.js';
import { childItems, type PathItem } from '../path-items.js';
import { forEachExistingItem } from '../shell.js';

export const mkdir: ShellCommand = {
  name: 'mkdir',
  usage: '[-p] <path> ...',
  description: 'Create a directory in specified location.\n-p  Do not fail if the directory already exists',
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['p'], min: 1 });
    for (const arg of args) {
      try {
        const item = await ctx.item(arg);
        if (item.status) {
          if (!item.status.isDirectory()) throw new PathError(item.display, 'Is not a directory');
          if (!flags.has('p')) throw new PathError(item.display, 'File exists');
          continue;
        }
        const parent = item.path.getParent();
        if (!flags.has('p') && parent && !(await statOrUndefined(item.fs, parent))?.isDirectory()) {
          throw new PathError(item.display, 'No such file or directory');
        }
        await item.fs.mkdirs(item.path);
      } catch (error) {
        ctx.error(error instanceof PathError ? error.message : `\`${arg}': ${(error as Error).message}`);
      }
    }
  },
};

export const rm: ShellCommand = {
  name: 'rm',
  usage: '[-f] [-r|-R] [-skipTrash] [-safely] <src> ...',
  description: `Delete all files that match the specified file pattern. Equivalent to the Unix command "rm <src>"
-f          If the file does not exist, do not display a diagnostic message or modify the exit status to reflect an error.
-[rR]       Recursively deletes directories.
-skipTrash  option bypasses trash, if enabled (fs.trash.interval > 0), and immediately deletes <src>.
-safely     option requires safety confirmation; not asked here.`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['f', 'r', 'R', 'skipTrash', 'safely'], min: minimumPaths(words) });
    const recursive = flags.has('r') || flags.has('R');
    for (const arg of args) {
      let items;
      try {
        items = await ctx.expand(arg);
      } catch (error) {
        if (!flags.has('f')) ctx.error(error instanceof PathError ? error.message : (error as Error).message);
        continue;
      }
      for (const item of items) {
        try {
          if (!item.status) {
            if (!flags.has('f')) throw new PathError(item.display, 'No such file or directory');
            continue;
          }
          // Hadoop's rm: a directory, even empty, needs -r.
          if (item.status.isDirectory() && !recursive) throw new PathError(item.display, 'Is a directory');
          if (!flags.has('skipTrash')) {
            const moved = await new Trash(item.fs).moveToTrash(item.path, (to) => {
              if (!ctx.json) ctx.io.out(`Moved: '${item.path.toString()}' to trash at: ${to.toString()}\n`);
            });
            if (moved) continue;
          }
          if (!(await item.fs.delete(item.path, recursive)) && !flags.has('f')) throw new PathError(item.display, 'No such file or directory');
          if (!ctx.json) ctx.io.out(`Deleted ${item.display}\n`);
        } catch (error) {
          ctx.error(error instanceof PathError ? error.message : `\`${item.display}': ${(error as Error).message}`);
        }
      }
    }
  },
};

/** -rm -f with no path is allowed (and does nothing); without -f a path is needed. */
function minimumPaths(words: readonly string[]): number {
  return words.includes('-f') ? 0 : 1;
}

export const rmdir: ShellCommand = {
  name: 'rmdir',
  usage: '[--ignore-fail-on-non-empty] <dir> ...',
  description: 'Removes the directory entry specified by each directory argument, provided it is empty.',
  async run(words, ctx) {
    const ignoreNonEmpty = words[0] === '--ignore-fail-on-non-empty';
    const { args } = parseOptions(ignoreNonEmpty ? words.slice(1) : words, { min: 1 });
    await forEachExistingItem(args, ctx, async (item) => {
      if (!item.status.isDirectory()) throw new PathError(item.display, 'Is not a directory');
      if ((await item.fs.listStatus(item.path)).length > 0) {
        if (ignoreNonEmpty) return;
        throw new PathError(item.display, 'Directory is not empty');
      }
      await item.fs.delete(item.path, false);
    });
  },
};

export const touchz: ShellCommand = {
  name: 'touchz',
  usage: '<path> ...',
  description: 'Creates a file of zero length at <path> with current time as the timestamp of that <path>. An error is returned if the file exists with non-zero length',
  async run(words, ctx) {
    const { args } = parseOptions(words, { min: 1 });
    for (const arg of args) {
      try {
        const item = await ctx.item(arg);
        if (item.status?.isDirectory()) throw new PathError(item.display, 'Is a directory');
        if (item.status && item.status.length > 0) throw new PathError(item.display, 'Not a zero-length file');
        const parent = item.path.getParent();
        if (parent && !(await statOrUndefined(item.fs, parent))?.isDirectory()) throw new PathError(item.display, 'No such file or directory');
        const out = await item.fs.create(item.path, { overwrite: true });
        await out.close();
      } catch (error) {
        ctx.error(error instanceof PathError ? error.message : `\`${arg}': ${(error as Error).message}`);
      }
    }
  },
};

/** A chmod mode applied to an old one: octal (`644`, `1755`) or symbolic (`u+x,go-w`, `a=r`), as FsShell's ChmodParser. */
export function applyMode(mode: string, old: number, isDirectory: boolean): number {
  if (/^[0-7]{1,4}$/.test(mode)) return Number.parseInt(mode, 8);
  let result = old & 0o7777;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxX]*)$/.exec(clause);
    if (!m) throw new UsageError(`chmod: ${mode} is not a valid mode`);
    const who = m[1] === '' || m[1]!.includes('a') ? 'ugo' : m[1]!;
    let bits = 0;
    for (const p of m[3]!) bits |= p === 'r' ? 4 : p === 'w' ? 2 : p === 'x' || (p === 'X' && (isDirectory || (old & 0o111) !== 0)) ? 1 : 0;
    for (const [w, shift] of [['u', 6], ['g', 3], ['o', 0]] as const) {
      if (!who.includes(w)) continue;
      const mask = 7 << shift;
      if (m[2] === '+') result |= bits << shift;
      else if (m[2] === '-') result &= ~(bits << shift);
      else result = (result & ~mask) | (bits << shift);
    }
  }
  return result;
}

export const chmod: ShellCommand = {
  name: 'chmod',
  usage: '[-R] <MODE[,MODE]... | OCTALMODE> PATH...',
  description: `Changes permissions of a file. This works similar to the shell's chmod command with a few exceptions.
-R  modifies the files recursively.
MODE  Mode is the same as mode used for the shell's command. The only letters recognized are 'rwxX'. E.g. a+r,g-w,+rwx,o=r.
OCTALMODE  Mode specifed in 3 or 4 digits.
(On a store without permissions, oss:// among them, it is refused.)`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['R'], min: 2 });
    const mode = args.shift()!;
    applyMode(mode, 0, false); // a bad mode is a usage error before any path is touched
    const change = async (item: PathItem): Promise<void> => {
      await item.fs.setPermission(item.path, new FsPermission(applyMode(mode, item.status!.permission.mode, item.status!.isDirectory())));
      if (flags.has('R') && item.status!.isDirectory()) for (const child of await childItems(item)) await change(child);
    };
    await forEachExistingItem(args, ctx, change);
  },
};

/** FsShellPermissions' characters for user and group names. */
const NAME = '[-_./@a-zA-Z0-9]';
const CHOWN_PATTERN = new RegExp(`^\\s*(${NAME}+)?(?::(${NAME}*))?\\s*$`);
const CHGRP_PATTERN = new RegExp(`^\\s*(${NAME}+)\\s*$`);

/** Sets what differs from the item's owner and group (FsShell's Chown), recursively with -R. */
function ownerChange(recursive: boolean, owner: string | undefined, group: string | undefined): (item: PathItem) => Promise<void> {
  const change = async (item: PathItem): Promise<void> => {
    const status = item.status!;
    const newOwner = owner === undefined || owner === status.owner ? undefined : owner;
    const newGroup = group === undefined || group === status.group ? undefined : group;
    if (newOwner !== undefined || newGroup !== undefined) await item.fs.setOwner(item.path, newOwner, newGroup);
    if (recursive && status.isDirectory()) for (const child of await childItems(item)) await change(child);
  };
  return change;
}

export const chown: ShellCommand = {
  name: 'chown',
  usage: '[-R] [OWNER][:[GROUP]] PATH...',
  description: `Changes owner and group of a file. This is similar to the shell's chown command with a few exceptions.
-R  modifies the files recursively.
If only the owner or group is specified, then only the owner or group is modified. The owner and group names may only consist of digits, alphabet, and any of [-_./@a-zA-Z0-9]. The names are case sensitive.
(On a store without owners, oss:// among them, it is refused.)`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['R'], min: 2 });
    const spec = args.shift()!;
    const m = CHOWN_PATTERN.exec(spec);
    const owner = m?.[1];
    const group = m?.[2] === '' ? undefined : m?.[2];
    if (!m || (owner === undefined && group === undefined)) throw new UsageError(`'${spec}' does not match expected pattern for [owner][:group].`);
    const change = ownerChange(flags.has('R'), owner, group);
    await forEachExistingItem(args, ctx, change);
  },
};

export const chgrp: ShellCommand = {
  name: 'chgrp',
  usage: '[-R] GROUP PATH...',
  description: `This is equivalent to -chown ... :GROUP ...
(On a store without owners, oss:// among them, it is refused.)`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['R'], min: 2 });
    const spec = args.shift()!;
    const m = CHGRP_PATTERN.exec(spec);
    if (!m) throw new UsageError(`'${spec}' does not match expected pattern for group`);
    const change = ownerChange(flags.has('R'), undefined, m[1]);
    await forEachExistingItem(args, ctx, change);
  },
};

export const setrep: ShellCommand = {
  name: 'setrep',
  usage: '[-R] [-w] <rep> <path> ...',
  description: `Set the replication level of a file. If <path> is a directory then the command recursively changes the replication factor of all files under the directory tree rooted at <path>. The EC files will be ignored here.
-w  It requests that the command waits for the replication to complete. This can potentially take a very long time.
-R  It is accepted for backwards compatibility. It has no effect.
(No hadoopfs store keeps replicas: each file is reported set, as Hadoop's local and object stores do.)`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['R', 'w'], min: 2 });
    const text = args.shift()!;
    const replication = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(replication >= 1)) throw new UsageError(`replication must be >= 1`);
    const waiting: PathItem[] = [];
    const apply = async (item: PathItem): Promise<void> => {
      if (item.status!.isDirectory()) {
        for (const child of await childItems(item)) await apply(child);
        return;
      }
      if (await item.fs.setReplication(item.path, replication)) {
        ctx.io.out(`Replication ${replication} set: ${item.display}\n`);
        if (flags.has('w')) waiting.push(item);
      } else ctx.error(`Could not set replication for: ${item.display}`);
    };
    await forEachExistingItem(args, ctx, apply);
    // Nothing to wait for: the files already have what a store without replicas can give them.
    for (const item of waiting) ctx.io.out(`Waiting for ${item.display} ... done\n`);
  },
};

export const concat: ShellCommand = {
  name: 'concat',
  usage: '<target path> <src path> <src path> ...',
  description: `Concatenate existing source files into the target file. Target file and source files should be in the same directory.`,
  async run(words, ctx) {
    const { args } = parseOptions(words, { min: 2 });
    const target = await ctx.item(args.shift()!);
    const sources = (await Promise.all(args.map((arg) => ctx.expand(arg)))).flat();
    for (const source of sources) {
      if (source.fs !== target.fs) throw new PathError(source.display, `is not on the target's filesystem ${target.fs.getUri()}`);
    }
    try {
      await target.fs.concat(target.path, sources.map((s) => s.path));
    } catch (error) {
      ctx.error(describeError(error, target.display));
    }
  },
};

export const truncate: ShellCommand = {
  name: 'truncate',
  usage: '[-w] <length> <path> ...',
  description: `Truncate all files that match the specified file pattern to the specified length.
-w  Requests that the command wait for block recovery to complete, if necessary. (Nothing to wait for here.)`,
  async run(words, ctx) {
    const { args } = parseOptions(words, { flags: ['w'], min: 2 });
    const length = Number(args.shift());
    if (!Number.isSafeInteger(length) || length < 0) throw new UsageError(`Illegal length ${length}`);
    await forEachExistingItem(args, ctx, async (item) => {
      if (item.status.isDirectory()) throw new PathError(item.display, 'Is a directory');
      if (item.status.length === length) return;
      await item.fs.truncate(item.path, length);
      ctx.io.out(`Truncated ${item.display} to length: ${length}\n`);
    });
  },
};

/** `-t` of -touch: yyyyMMdd:HHmmss (Touch's default format), in the local time zone. */
function touchTime(text: string): number {
  const m = /^(\d{4})(\d\d)(\d\d):(\d\d)(\d\d)(\d\d)$/.exec(text);
  if (!m) throw new UsageError(`Unable to parse the specified timestamp ${text} (yyyyMMdd:HHmmss)`);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
}

export const touch: ShellCommand = {
  name: 'touch',
  usage: '[-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ...',
  description: `Updates the access and modification times of the file specified by the <path> to the current time. If the file does not exist, then a zero length file is created at <path> with current time as the timestamp of that <path>.
-a Change only the access time
-m Change only the modification time
-t TIMESTAMP Use specified timestamp instead of current time
-c Do not create any files`,
  async run(words, ctx) {
    const { flags, values, args } = parseOptions(words, { flags: ['a', 'm', 'c'], values: ['t'], min: 1 });
    const time = values.has('t') ? touchTime(values.get('t')!) : Date.now();
    const both = !flags.has('a') && !flags.has('m');
    for (const arg of args) {
      try {
        const item = await ctx.item(arg);
        if (!item.status) {
          if (flags.has('c')) continue;
          const parent = item.path.getParent();
          if (parent && !(await statOrUndefined(item.fs, parent))?.isDirectory()) throw new PathError(item.display, 'No such file or directory');
          const out = await item.fs.create(item.path, { overwrite: false });
          await out.close();
          if (!values.has('t')) continue;
        }
        await item.fs.setTimes(item.path, both || flags.has('m') ? time : -1, both || flags.has('a') ? time : -1);
      } catch (error) {
        ctx.error(error instanceof PathError ? error.message : `\`${arg}': ${(error as Error).message}`);
      }
    }
  },
};

export const expunge: ShellCommand = {
  name: 'expunge',
  usage: '[-immediate] [-fs <path>]',
  description: `Delete files from the trash that are older than the retention threshold (fs.trash.interval), and
checkpoint the current trash. With -immediate, everything in the trash is deleted.`,
  async run(words, ctx) {
    const { flags, values } = parseOptions(words, { flags: ['immediate'], values: ['fs'], max: 0 });
    const item = await ctx.item(values.get('fs') ?? '/');
    const trash = new Trash(item.fs);
    if (!trash.isEnabled()) {
      ctx.io.out(`Trash is not enabled (fs.trash.interval is 0) on ${item.fs.getUri()}\n`);
      return;
    }
    await trash.checkpoint();
    const deleted = await trash.expunge(flags.has('immediate'));
    ctx.io.out(`Deleted ${deleted} trash checkpoint(s) of ${item.fs.getTrashRoot(item.path).toString()}\n`);
  },
};
