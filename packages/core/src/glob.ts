import { FileNotFoundError, InvalidPathError } from './errors.js';
import type { FileStatus } from './file-status.js';
import { Path } from './path.js';
import { statOrUndefined } from './stat-or-undefined.js';

/**
 * Accepts or rejects a path in listings and globs (Hadoop's PathFilter): a function, or an object with
 * `accept(path)` as Java code writes one.
 */
export type PathFilter = ((path: Path) => boolean) | { accept(path: Path): boolean };

/** The filter as a function; a TypeError naming `parameter` for anything that is not a PathFilter. */
export function pathFilterFunction(filter: PathFilter, parameter: string): (path: Path) => boolean {
  if (typeof filter === 'function') return filter;
  if (filter !== null && typeof filter === 'object' && typeof (filter as { accept?: unknown }).accept === 'function') {
    return (path) => filter.accept(path);
  }
  throw new TypeError(`${parameter}: expected a PathFilter (a function, or an object with accept(path)), got ${describeValue(filter)}`);
}

/** What a value is, for a TypeError (never the value itself: it may hold a secret). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return `a ${typeof value}`;
}

const META = /[*?[{\\]/;

/** True if `text` holds glob syntax: `* ? [..] {..}` or a `\` escape. */
export function hasGlob(text: string): boolean {
  return META.test(text);
}

/**
 * Expands `{a,b}` alternations into separate patterns, outermost first, keeping `\` escapes intact.
 * Hadoop's GlobExpander does this for braces that span '/', which a per-element matcher cannot.
 */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        commas.push(i);
        const pieces: string[] = [];
        let start = open + 1;
        for (const at of commas) {
          pieces.push(pattern.slice(start, at));
          start = at + 1;
        }
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        return pieces.flatMap((piece) => expandBraces(head + piece + tail));
      }
    } else if (ch === ',' && depth === 1) {
      commas.push(i);
    }
  }
  if (depth !== 0) throw new InvalidPathError(`unclosed '{' in glob pattern "${pattern}"`);
  return [pattern];
}

/** A regular expression for one path element written in Hadoop's glob syntax (no '/' and no braces left). */
export function globElementToRegExp(element: string): RegExp {
  let re = '';
  for (let i = 0; i < element.length; i++) {
    const ch = element[i]!;
    if (ch === '\\') {
      i++;
      if (i >= element.length) throw new InvalidPathError(`glob pattern "${element}" ends with a lone '\\'`);
      re += escapeRegExp(element[i]!);
    } else if (ch === '*') {
      re += '[^/]*';
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '[') {
      const end = element.indexOf(']', i + 2);
      if (end < 0) throw new InvalidPathError(`unclosed '[' in glob pattern "${element}"`);
      let body = element.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else {
      re += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${re}$`, 'su');
}

function unescapeGlob(element: string): string {
  return element.replace(/\\(.)/gsu, '$1');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The operations a glob walk needs; FileSystem provides them. */
export interface GlobTarget {
  getFileStatus(path: Path): Promise<FileStatus>;
  listStatus(path: Path): Promise<FileStatus[]>;
}

interface Candidate {
  path: Path;
  status?: FileStatus;
}

/**
 * Hadoop's globStatus over `fs`: the statuses of existing paths that match `pattern` (already qualified),
 * sorted by path, without duplicates. A pattern without glob syntax gives its own status or nothing.
 */
export async function globStatuses(fs: GlobTarget, pattern: Path, filter?: (path: Path) => boolean): Promise<FileStatus[]> {
  const found = new Map<string, FileStatus>();
  for (const expanded of expandBraces(pattern.path)) {
    const elements = expanded.split('/').filter((e) => e !== '');
    let candidates: Candidate[] = [{ path: Path.of(pattern.scheme, pattern.authority, '/') }];
    for (let i = 0; i < elements.length && candidates.length > 0; i++) {
      const element = elements[i]!;
      if (!hasGlob(element)) {
        const name = element;
        candidates = candidates.map((c) => ({ path: new Path(c.path, name) }));
        continue;
      }
      const literal = unescapeGlob(element);
      if (!/[*?[]/.test(element.replace(/\\./gsu, ''))) {
        candidates = candidates.map((c) => ({ path: new Path(c.path, literal) }));
        continue;
      }
      const matcher = globElementToRegExp(element);
      const next: Candidate[] = [];
      for (const candidate of candidates) {
        for (const child of await listDirectory(fs, candidate)) {
          if (matcher.test(child.path.getName())) next.push({ path: child.path, status: child });
        }
      }
      candidates = next;
    }
    for (const candidate of candidates) {
      const status = candidate.status ?? (await statOrUndefined(fs, candidate.path));
      if (status && (!filter || filter(status.path))) found.set(status.path.toString(), status);
    }
  }
  return [...found.values()].sort((a, b) => a.path.compareTo(b.path));
}

async function listDirectory(fs: GlobTarget, candidate: Candidate): Promise<FileStatus[]> {
  if (candidate.status?.isFile()) return [];
  try {
    const children = await fs.listStatus(candidate.path);
    // listStatus of a file answers the file itself: a file has no children to match.
    if (children.length === 1 && children[0]!.isFile() && children[0]!.path.path === candidate.path.path) return [];
    return children;
  } catch (error) {
    if (error instanceof FileNotFoundError) return [];
    throw error;
  }
}
