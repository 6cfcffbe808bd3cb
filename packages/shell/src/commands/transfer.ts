import { copyStream, FileSystem, Path, statOrUndefined } from '@hadoopfs/core';
import { parseOptions, PathError, UsageError, type ShellCommand, type ShellContext } from '../command.js';
import { childItems, expandItems, literalItem, type PathItem } from '../path-items.js';
import { forEachExistingItem, mustExist } from '../shell.js';

/** On a terminal, how much of a long copy has been written (and, at the end, acknowledged). */
function progressMeter(ctx: ShellContext, label: string, total: number | undefined): (done: number) => void {
  let shown = 0;
  return (done) => {
    if (!ctx.io.isTTY) return;
    if (done - shown >= 8 * 1024 * 1024 || (done === total && shown > 0 && shown !== done)) {
      shown = done;
      const percent = total ? ` (${Math.floor((done / total) * 100)}%)` : '';
      ctx.io.err(`\r${label}: ${(done / 1024 / 1024).toFixed(0)} MiB${percent}${done === total ? '\n' : ''}`);
    }
  };
}

interface Target {
  fs: FileSystem;
  path: Path;
  display: string;
}

/**
 * Writes `source` to `target` as CommandWithDestination does: through `target._COPYING_` renamed into
 * place once whole (unless `direct`, the -d flag), an existing file only with -f. The bytes go through
 * core's copyStream (no verification pass: every backend checks its own transfers end to end).
 */
async function writeTarget(ctx: ShellContext, source: () => Promise<AsyncIterable<Uint8Array>>, target: Target, options: { overwrite: boolean; direct: boolean; size?: number }): Promise<void> {
  const existing = await statOrUndefined(target.fs, target.path);
  if (existing?.isDirectory()) throw new PathError(target.display, 'Is a directory');
  if (existing && !options.overwrite) throw new PathError(target.display, 'File exists');
  const meter = progressMeter(ctx, target.display, options.size);
  const bytes = await source();
  try {
    await copyStream(bytes, target.fs, target.path, { overwrite: true, verify: false, temporary: options.direct ? 'never' : 'always', onProgress: meter });
  } finally {
    // An opened file is closed here (stdin is not ours to close).
    await (bytes as Partial<AsyncDisposable>)[Symbol.asyncDispose]?.();
  }
}

/** Copies a file or a directory tree (CommandWithDestination.copyFileToTarget / recursePath). */
async function copyTree(ctx: ShellContext, source: PathItem, target: Target, options: { overwrite: boolean; direct: boolean }): Promise<void> {
  mustExist(source);
  if (source.status.isDirectory()) {
    const existing = await statOrUndefined(target.fs, target.path);
    if (existing && !existing.isDirectory()) throw new PathError(target.display, 'Is not a directory');
    if (!existing) await target.fs.mkdirs(target.path);
    for (const child of await childItems(source)) {
      const name = child.path.getName();
      await copyTree(ctx, child, { fs: target.fs, path: target.path.child(name), display: `${target.display}/${name}` }, options);
    }
    return;
  }
  const open = async () => source.fs.openFile(source.path).withFileStatus(source.status).opt('fs.option.openfile.read.policy', 'whole-file').build();
  await writeTarget(ctx, open, target, { ...options, size: source.status.length });
}

/**
 * Where each source goes (CommandWithDestination): into `dst` when it is a directory (several sources
 * need one), else to `dst` itself.
 */
async function targetFor(source: PathItem, destination: PathItem, many: boolean): Promise<Target> {
  if (destination.status?.isDirectory()) {
    const name = source.path.getName();
    return { fs: destination.fs, path: destination.path.child(name), display: `${destination.display === '.' ? '' : `${destination.display.replace(/\/$/, '')}/`}${name}` };
  }
  if (many) throw new PathError(destination.display, destination.status ? 'Is not a directory' : 'No such file or directory');
  const parent = destination.path.getParent();
  if (parent && !(await statOrUndefined(destination.fs, parent))?.isDirectory()) throw new PathError(destination.display, 'No such file or directory');
  return destination;
}

/**
 * CommandWithDestination's loop: every source argument expanded (a pattern that matches nothing is
 * reported, the others go on), then each source with its target (into `destination` when it is a
 * directory, which several sources need), failures worded as FsShell does.
 */
async function eachSource(
  ctx: ShellContext,
  args: readonly string[],
  expand: (arg: string) => Promise<PathItem[]>,
  destination: PathItem,
  action: (source: PathItem & { status: NonNullable<PathItem['status']> }, target: Target) => Promise<void>,
): Promise<void> {
  const sources: PathItem[] = [];
  for (const arg of args) {
    try {
      sources.push(...(await expand(arg)));
    } catch (error) {
      ctx.error((error as Error).message);
    }
  }
  for (const source of sources) {
    try {
      mustExist(source);
      await action(source, await targetFor(source, destination, sources.length > 1));
    } catch (error) {
      ctx.error(error instanceof PathError ? error.message : `\`${source.display}': ${(error as Error).message}`);
    }
  }
}

function localFsFor(ctx: ShellContext): (path: Path) => Promise<FileSystem> {
  return (path) => FileSystem.get(path.scheme === undefined ? new Path('file:///') : path, ctx.conf);
}

async function stdinReadable(ctx: ShellContext): Promise<AsyncIterable<Uint8Array>> {
  if (!ctx.io.stdin) throw new UsageError('no standard input to read');
  return ctx.io.stdin as unknown as AsyncIterable<Uint8Array>;
}

/** -put/-copyFromLocal/-moveFromLocal: local sources (or - for stdin) to a destination. */
function fromLocal(name: string, usage: string, description: string, move: boolean): ShellCommand {
  return {
    name,
    usage,
    description,
    async run(words, ctx) {
      const { flags, args } = parseOptions(words, { flags: ['f', 'p', 'l', 'd'], values: ['t', 'q'], min: 1 });
      if (args.length < 2) args.push('.');
      const destination = await ctx.item(args.pop()!);
      const options = { overwrite: flags.has('f'), direct: flags.has('d') };
      if (args.length === 1 && args[0] === '-') {
        if (destination.status?.isDirectory()) throw new PathError(destination.display, 'Is a directory');
        await writeTarget(ctx, () => stdinReadable(ctx), destination, options);
        return;
      }
      const local = localFsFor(ctx);
      await eachSource(ctx, args, (arg) => expandItems(arg, local), destination, async (source, target) => {
        await copyTree(ctx, source, target, options);
        if (move) await source.fs.delete(source.path, true);
      });
    },
  };
}

const PUT_USAGE = '[-f] [-p] [-l] [-d] [-t <thread count>] [-q <threadPool queue size>] <localsrc> ... <dst>';
const PUT_TEXT = `Copy files from the local file system into fs. Copying fails if the file already exists, unless the -f flag is given.
Flags:
  -f  Overwrites the destination if it already exists.
  -d  Skip creation of temporary file(<dst>._COPYING_).
  -p, -l, -t, -q  Accepted for compatibility (no effect here).
A source of - reads standard input.`;
export const put = fromLocal('put', PUT_USAGE, PUT_TEXT, false);
export const copyFromLocal = fromLocal('copyFromLocal', PUT_USAGE, 'Identical to the -put command.', false);
export const moveFromLocal = fromLocal('moveFromLocal', '[-f] [-p] [-l] [-d] <localsrc> ... <dst>', 'Same as -put, except that the source is deleted after it\'s copied.', true);

/** -get/-copyToLocal: sources (glob-expanded) to a local destination. */
function toLocal(name: string, description: string): ShellCommand {
  return {
    name,
    usage: '[-f] [-p] [-crc] [-ignoreCrc] [-t <thread count>] [-q <threadPool queue size>] <src> ... <localdst>',
    description,
    async run(words, ctx) {
      const { flags, args } = parseOptions(words, { flags: ['f', 'p', 'crc', 'ignoreCrc'], values: ['t', 'q'], min: 1 });
      if (args.length < 2) args.push('.');
      const destination = await literalItem(args.pop()!, localFsFor(ctx));
      await eachSource(ctx, args, (arg) => ctx.expand(arg), destination, (source, target) =>
        copyTree(ctx, source, target, { overwrite: flags.has('f'), direct: false }),
      );
    },
  };
}

export const get = toLocal(
  'get',
  `Copy files that match the file pattern <src> to the local name.  <src> is kept.
When copying multiple files, the destination must be a directory.
Flags:
  -f  Overwrites the destination if it already exists.
  -p, -crc, -ignoreCrc, -t, -q  Accepted for compatibility (no effect here).`,
);
export const copyToLocal = toLocal('copyToLocal', 'Identical to the -get command.');

export const cp: ShellCommand = {
  name: 'cp',
  usage: '[-f] [-p | -p[topax]] [-d] [-t <thread count>] [-q <threadPool queue size>] <src> ... <dst>',
  description: `Copy files that match the file pattern <src> to a destination.  When copying multiple files, the destination must be a directory.
Flags:
  -f  Overwrites the destination if it already exists.
  -d  Skip creation of temporary file(<dst>._COPYING_).`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['f', 'p', 'd'], values: ['t', 'q'], min: 2 });
    const destination = await ctx.item(args.pop()!);
    await eachSource(ctx, args, (arg) => ctx.expand(arg), destination, async (source, target) => {
      if (target.fs === source.fs && (target.path.equals(source.path) || source.path.contains(target.path))) {
        throw new PathError(target.display, `is a subdirectory of itself, or the same as the source (${source.display})`);
      }
      await copyTree(ctx, source, target, { overwrite: flags.has('f'), direct: flags.has('d') });
    });
  },
};

export const mv: ShellCommand = {
  name: 'mv',
  usage: '<src> ... <dst>',
  description: 'Move files that match the specified file pattern <src> to a destination <dst>.  When moving multiple files, the destination must be a directory.',
  async run(words, ctx) {
    const { args } = parseOptions(words, { min: 2 });
    const destination = await ctx.item(args.pop()!);
    await eachSource(ctx, args, (arg) => ctx.expand(arg), destination, async (source, target) => {
      if (target.fs.getUri() !== source.fs.getUri()) throw new PathError(source.display, 'Does not match target filesystem');
      if (await statOrUndefined(target.fs, target.path)) throw new PathError(target.display, 'File exists');
      if (!(await source.fs.rename(source.path, target.path))) throw new PathError(source.display, `could not be renamed to ${target.display}`);
    });
  },
};

export const getmerge: ShellCommand = {
  name: 'getmerge',
  usage: '[-nl] [-skip-empty-file] <src> <localdst>',
  description: `Get all the files in the directories that match the source file pattern and merge and sort them to only one file on local fs. <src> is kept.
  -nl   Add a newline character at the end of each file.
  -skip-empty-file   Do not add new line character for empty file.`,
  async run(words, ctx) {
    const { flags, args } = parseOptions(words, { flags: ['nl', 'skip-empty-file'], min: 2 });
    const destination = await literalItem(args.pop()!, localFsFor(ctx));
    const files: PathItem[] = [];
    await forEachExistingItem(args, ctx, async (item) => {
      if (item.status.isDirectory()) files.push(...(await childItems(item)).filter((c) => c.status!.isFile()));
      else files.push(item);
    });
    const target = await targetFor(files[0] ?? destination, destination, false);
    const parts = async function* () {
      for (const file of files) {
        if (flags.has('skip-empty-file') && file.status!.length === 0) continue;
        await using input = await file.fs.open(file.path);
        for await (const chunk of input) yield chunk;
        if (flags.has('nl')) yield Buffer.from('\n');
      }
    };
    await writeTarget(ctx, async () => parts(), target, { overwrite: true, direct: false });
  },
};

export const appendToFile: ShellCommand = {
  name: 'appendToFile',
  usage: '<localsrc> ... <dst>',
  description: `Appends the contents of all the given local files to the given dst file. The dst file will be created if it does not exist. If <localSrc> is -, then the input is read from stdin.
(On a store without append, oss:// among them, an existing dst is refused.)`,
  async run(words, ctx) {
    const { args } = parseOptions(words, { min: 2 });
    const destination = await ctx.item(args.pop()!);
    if (destination.status?.isDirectory()) throw new PathError(destination.display, 'Is a directory');
    const out = destination.status ? await destination.fs.append(destination.path) : await destination.fs.create(destination.path, { overwrite: false });
    try {
      for (const arg of args) {
        if (arg === '-') {
          for await (const chunk of await stdinReadable(ctx)) await out.write(chunk as Uint8Array);
          continue;
        }
        for (const source of await expandItems(arg, localFsFor(ctx))) {
          mustExist(source);
          await using input = await source.fs.open(source.path);
          for await (const chunk of input) await out.write(chunk);
        }
      }
      await out.close();
    } catch (error) {
      await out.abort().catch(() => undefined);
      throw error;
    }
  },
};
