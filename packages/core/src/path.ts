import { InvalidPathError } from './errors.js';

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// C0 controls and DEL: no store keeps them safely, and they make paths unreadable in logs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface PathUri {
  /** Lower-case scheme (`oss`, `file`, `mem`), or undefined for a path without one. */
  readonly scheme: string | undefined;
  /** Authority (bucket, host); '' when the path has a scheme but no authority, undefined without a scheme. */
  readonly authority: string | undefined;
  /** The path part: '/'-separated, normalised, no trailing '/' except for the root. */
  readonly path: string;
}

/**
 * A Hadoop path: `[scheme:][//authority]path`. Paths are kept raw (never percent-encoded) and normalised on
 * construction as Hadoop's Path is (java.net.URI's normalize): repeated '/' collapse, a trailing '/' goes,
 * `.` elements go and `..` removes the element before it — `/a/../b` is `/b`, `./x` is `x`. A relative
 * path keeps the `..` it starts with (`../data.csv`: resolved against the working directory when
 * qualified); an absolute path that climbs above its root is an InvalidPathError naming it, so a resolved
 * path never escapes a configured root. `Path.of` (parts from a store's listing) still refuses `.` and
 * `..` elements: a key holding them is not silently read as another. Control characters are refused.
 */
export class Path implements PathUri {
  static readonly SEPARATOR = '/';
  readonly scheme: string | undefined;
  readonly authority: string | undefined;
  readonly path: string;

  constructor(path: string | Path);
  constructor(parent: string | Path, child: string | Path);
  constructor(a: string | Path, b?: string | Path) {
    const resolved = b === undefined ? toPath(a) : resolveChild(toPath(a), toPath(b));
    this.scheme = resolved.scheme;
    this.authority = resolved.authority;
    this.path = resolved.path;
  }

  /** Builds a path from parts that are already valid; the parts are still checked. */
  static of(scheme: string | undefined, authority: string | undefined, path: string): Path {
    const parts = validated(scheme, authority, normalisePath(path, path), path);
    return trusted(parts.scheme, parts.authority, parts.path);
  }

  /** The child named `name` (one element: no '/', not '.' or '..'); cheaper than new Path(parent, name). */
  child(name: string): Path {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || CONTROL.test(name)) {
      throw new InvalidPathError(`not a valid path element: ${JSON.stringify(name)} (under ${this.toString()})`, {
        path: this.toString(),
      });
    }
    return trusted(this.scheme, this.authority, this.path === '/' ? `/${name}` : `${this.path}/${name}`);
  }

  isAbsolute(): boolean {
    return this.path.startsWith('/');
  }

  isRoot(): boolean {
    return this.path === '/';
  }

  /** The last element; '' for the root. */
  getName(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /** The parent, keeping scheme and authority; null for the root and for a relative single element. */
  getParent(): Path | null {
    if (this.isRoot()) return null;
    const slash = this.path.lastIndexOf('/');
    if (slash < 0) return null;
    return trusted(this.scheme, this.authority, slash === 0 ? '/' : this.path.slice(0, slash));
  }

  /** This path with `suffix` appended to its last element (Hadoop's `Path.suffix`). */
  suffix(suffix: string): Path {
    if (this.isRoot()) throw new InvalidPathError(`cannot add a suffix to the root path ${this.toString()}`);
    return Path.of(this.scheme, this.authority, this.path + suffix);
  }

  /** Number of elements: 0 for the root, 2 for `/a/b`. */
  depth(): number {
    if (this.isRoot()) return 0;
    const rel = this.isAbsolute() ? this.path.slice(1) : this.path;
    return rel.split('/').length;
  }

  /** True if `other` is this path or lies below it (same scheme and authority). */
  contains(other: Path): boolean {
    if (this.scheme !== other.scheme || this.authority !== other.authority) return false;
    if (this.path === other.path || this.isRoot()) return this.isAbsolute() === other.isAbsolute();
    return other.path.startsWith(this.path + '/');
  }

  /**
   * Resolves a relative path against `workingDirectory` and fills in a missing scheme and authority, as
   * Hadoop's `makeQualified(defaultUri, workingDir)` does.
   */
  makeQualified(defaultUri: { scheme: string; authority: string }, workingDirectory: Path): Path {
    let p: Path = this;
    if (!p.isAbsolute()) p = new Path(workingDirectory, p);
    if (p.scheme !== undefined && p.authority !== undefined) return p;
    return trusted(p.scheme ?? defaultUri.scheme.toLowerCase(), p.authority ?? defaultUri.authority, p.path);
  }

  /** The same path without scheme and authority. */
  withoutSchemeAndAuthority(): Path {
    return this.scheme === undefined ? this : trusted(undefined, undefined, this.path);
  }

  toUri(): PathUri {
    return { scheme: this.scheme, authority: this.authority, path: this.path };
  }

  equals(other: unknown): boolean {
    return other instanceof Path && other.toString() === this.toString();
  }

  compareTo(other: Path): number {
    const a = this.toString();
    const b = other.toString();
    return a < b ? -1 : a > b ? 1 : 0;
  }

  toString(): string {
    if (this.scheme === undefined) return this.path;
    const path = this.path.startsWith('/') || this.path === '' ? this.path : `/${this.path}`;
    return `${this.scheme}://${this.authority ?? ''}${path}`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Path(${this.toString()})`;
  }
}

function toPath(p: string | Path): Path {
  if (p instanceof Path) return p;
  if (typeof p !== 'string') throw new TypeError(`a path must be a Path or a string, got ${p === null ? 'null' : typeof p}`);
  return parse(p);
}

/**
 * What makes a path need more than a split into scheme, authority and path: repeated or trailing '/',
 * `.` or `..` elements, control characters. Most paths have none: they skip the normalising passes.
 */
// eslint-disable-next-line no-control-regex
const NEEDS_NORMALISING = /\/\/|\/$|(?:^|\/)\.\.?(?:\/|$)|[\u0000-\u001f\u007f]/;

function parse(text: string): Path {
  if (text === '') throw new InvalidPathError('cannot make a Path from an empty string');
  // The common case, an absolute path without a scheme that needs no normalising: as it is.
  if (text.charCodeAt(0) === 47 && text.length > 1 && !NEEDS_NORMALISING.test(text)) return trusted(undefined, undefined, text);
  let rest = text;
  let scheme: string | undefined;
  let authority: string | undefined;
  const colon = rest.indexOf(':');
  const slash = rest.indexOf('/');
  if (colon > 0 && (slash < 0 || colon < slash) && SCHEME.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
    if (rest.startsWith('//')) {
      const end = rest.indexOf('/', 2);
      authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
      rest = end < 0 ? '/' : rest.slice(end);
    } else {
      authority = '';
    }
    if (rest === '') rest = '/';
    if (!rest.startsWith('/')) throw new InvalidPathError(`path with scheme must be absolute: "${text}"`, { path: text });
  }
  const parts = validated(scheme, authority, resolveDots(normalisePath(rest, text), text), text, false);
  return trusted(parts.scheme, parts.authority, parts.path);
}

/**
 * `.` and `..` resolved as java.net.URI's normalize does, but strict at the root: a relative path keeps
 * its leading `..` (and is `.` when nothing is left), an absolute path cannot climb above `/`.
 */
function resolveDots(path: string, original: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path;
  const absolute = path.startsWith('/');
  const kept: string[] = [];
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element !== '..') kept.push(element);
    else if (kept.length > 0 && kept[kept.length - 1] !== '..') kept.pop();
    else if (absolute) throw new InvalidPathError(`path climbs above the root with "..": "${original}"`, { path: original });
    else kept.push('..');
  }
  if (absolute) return `/${kept.join('/')}`;
  return kept.length === 0 ? '.' : kept.join('/');
}

/** A Path from parts already validated and normalised (parsing or deriving from a valid Path). */
function trusted(scheme: string | undefined, authority: string | undefined, path: string): Path {
  const p = Object.create(Path.prototype) as { -readonly [K in keyof PathUri]: PathUri[K] };
  p.scheme = scheme;
  p.authority = scheme === undefined ? undefined : (authority ?? '');
  p.path = path;
  return p as unknown as Path;
}

function normalisePath(raw: string, original: string): string {
  if (raw === '') throw new InvalidPathError(`empty path in "${original}"`, { path: original });
  let p = raw.replace(/\/{2,}/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

function validated(
  scheme: string | undefined,
  authority: string | undefined,
  path: string,
  original: string,
  refuseDots = true,
): PathUri {
  if (CONTROL.test(original)) {
    throw new InvalidPathError(`path contains a control character: ${JSON.stringify(original)}`, { path: original });
  }
  if (scheme !== undefined && !SCHEME.test(scheme)) {
    throw new InvalidPathError(`invalid scheme "${scheme}" in "${original}"`, { path: original });
  }
  if (refuseDots) for (const element of path.split('/')) {
    if (element === '.' || element === '..') {
      throw new InvalidPathError(`path element "${element}" is not allowed: "${original}"`, { path: original });
    }
  }
  return { scheme: scheme?.toLowerCase(), authority: scheme === undefined ? undefined : (authority ?? ''), path };
}

function resolveChild(parent: Path, child: Path): Path {
  if (child.scheme !== undefined) return child;
  if (child.isAbsolute()) return trusted(parent.scheme, parent.authority, child.path);
  const base = parent.path === '/' ? '' : parent.path;
  const joined = `${base}/${child.path}`;
  // A child starting with `..` (or `.`) steps up from the parent; `./x` under `.` stays relative.
  const path = child.path.startsWith('.') || parent.path.startsWith('.') ? resolveDots(parent.path === '.' ? child.path : joined, `${parent.toString()} + ${child.path}`) : joined;
  return trusted(parent.scheme, parent.authority, path);
}
