import { parseOptions, PathError, type ShellCommand } from '../command.js';
import { statOrUndefined } from '../path-items.js';
import { forEachItem, mustExist } from '../shell.js';

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
-skipTrash  option bypasses trash, if enabled, and immediately deletes <src>. (There is no trash here yet: a delete is immediate.)
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
    await forEachItem(args, ctx, async (item) => {
      mustExist(item);
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
