import { FileNotFoundError, hasGlob, Path, statOrUndefined, type FileStatus, type FileSystem } from '@hadoopfs/core';
import { PathError } from './command.js';

/**
 * FsShell's PathData: a path argument resolved to its filesystem, qualified, statted (undefined when
 * nothing is there), and named for output as the user wrote it — `oss://b/x` stays qualified, `/x`
 * stays without scheme, a relative path stays relative (and its children too).
 */
export interface PathItem {
  fs: FileSystem;
  path: Path;
  status: FileStatus | undefined;
  display: string;
}

type FsFor = (path: Path) => Promise<FileSystem>;

/** How an argument was written, so that what it matches is named the same way. */
type Form = 'qualified' | 'absolute' | 'relative';

/** `.` and `./x` (which Path refuses as elements) name the working directory and what is below it. */
function isDotted(arg: string): boolean {
  return arg === '.' || arg.startsWith('./');
}

/** The argument's filesystem and qualified path. */
async function resolveArg(arg: string, fsFor: FsFor): Promise<{ fs: FileSystem; path: Path }> {
  if (isDotted(arg)) {
    const fs = await fsFor(new Path('/'));
    const rest = arg.slice(2).replace(/^\/+/, '');
    return { fs, path: rest === '' ? fs.getWorkingDirectory() : new Path(fs.getWorkingDirectory(), rest) };
  }
  const raw = new Path(arg);
  const fs = await fsFor(raw);
  return { fs, path: fs.makeQualified(raw) };
}

function formOf(arg: string): Form {
  if (isDotted(arg)) return 'relative';
  const p = new Path(arg);
  return p.scheme !== undefined ? 'qualified' : p.isAbsolute() ? 'absolute' : 'relative';
}

function displayOf(form: Form, qualified: Path, fs: FileSystem, dotted: boolean): string {
  if (form === 'qualified') return qualified.toString();
  if (form === 'absolute') return qualified.path;
  const cwd = fs.getWorkingDirectory().path;
  const prefix = cwd.endsWith('/') ? cwd : `${cwd}/`;
  const relative = qualified.path === cwd ? '.' : qualified.path.startsWith(prefix) ? qualified.path.slice(prefix.length) : qualified.path;
  return dotted && relative !== '.' ? `./${relative}` : relative;
}

/** An argument taken literally (no glob expansion): a destination, a path to create. */
export async function literalItem(arg: string, fsFor: FsFor): Promise<PathItem> {
  const { fs, path } = await resolveArg(arg, fsFor);
  const status = await statOrUndefined(fs, path);
  // The argument as typed, without trailing slashes (FsShell normalises them away too).
  const display = arg.length > 1 ? arg.replace(/\/+$/, '') || '/' : arg;
  return { fs, path, status, display };
}

/**
 * An argument glob-expanded (`*`, `?`, `[…]`, `{a,b}`) against its filesystem, matches in order. A
 * pattern that matches nothing is FsShell's error; a plain path that does not exist comes back unstatted,
 * for the command to decide.
 */
export async function expandItems(arg: string, fsFor: FsFor): Promise<PathItem[]> {
  if (!hasGlob(arg)) return [await literalItem(arg, fsFor)];
  const { fs, path } = await resolveArg(arg, fsFor);
  const form = formOf(arg);
  const matches = await fs.globStatus(path).catch((error: unknown) => {
    if (error instanceof FileNotFoundError) return [];
    throw error;
  });
  if (matches.length === 0) throw new PathError(arg, 'No such file or directory');
  return matches.map((status) => ({ fs, path: status.path, status, display: displayOf(form, status.path, fs, arg.startsWith('./')) }));
}

/** A directory's entries as items, named under the directory's own name (PathData.getStringForChildPath). */
export async function childItems(parent: PathItem): Promise<PathItem[]> {
  const entries = await parent.fs.listStatus(parent.path);
  entries.sort((a, b) => a.path.compareTo(b.path));
  return entries.map((status) => ({
    fs: parent.fs,
    path: status.path,
    status,
    display: parent.display === '.' ? status.path.getName() : `${parent.display.replace(/\/$/, '')}/${status.path.getName()}`,
  }));
}
