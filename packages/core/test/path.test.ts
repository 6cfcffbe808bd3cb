import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { describe, expect, it } from 'vitest';
import { InvalidPathError, Path } from '@hadoopfs/core';

describe('Path', () => {
  it('parses scheme, authority and path', () => {
    const p = new Path('oss://bucket/dir1/file1');
    expect(p.toUri()).toEqual({ scheme: 'oss', authority: 'bucket', path: '/dir1/file1' });
    expect(p.toString()).toBe('oss://bucket/dir1/file1');
    expect(new Path('file:///tmp/x').toUri()).toEqual({ scheme: 'file', authority: '', path: '/tmp/x' });
    expect(new Path('OSS://b').toString()).toBe('oss://b/');
  });

  it('normalises repeated and trailing slashes', () => {
    expect(new Path('/a//b///c/').toString()).toBe('/a/b/c');
    expect(new Path('mem://x//a/').toString()).toBe('mem://x/a');
    expect(new Path('/').toString()).toBe('/');
  });

  it('knows names, parents and depth', () => {
    const p = new Path('oss://b/a/b/c.txt');
    expect(p.getName()).toBe('c.txt');
    expect(p.getParent()!.toString()).toBe('oss://b/a/b');
    expect(p.depth()).toBe(3);
    expect(new Path('/').getParent()).toBeNull();
    expect(new Path('/').getName()).toBe('');
    expect(new Path('/a').getParent()!.toString()).toBe('/');
    expect(new Path('a').getParent()).toBeNull();
    expect(new Path('a/b').isAbsolute()).toBe(false);
  });

  it('resolves children against parents', () => {
    expect(new Path('oss://b/dir', 'file').toString()).toBe('oss://b/dir/file');
    expect(new Path('oss://b/dir/', 'sub/file').toString()).toBe('oss://b/dir/sub/file');
    expect(new Path('oss://b/dir', '/abs').toString()).toBe('oss://b/abs');
    expect(new Path('oss://b/dir', 'mem://m/x').toString()).toBe('mem://m/x');
    expect(new Path('/', 'x').toString()).toBe('/x');
    expect(new Path(new Path('rel'), 'x').toString()).toBe('rel/x');
  });

  it('appends suffixes to the last element', () => {
    expect(new Path('/flume/FlumeData.1').suffix('.tmp').toString()).toBe('/flume/FlumeData.1.tmp');
    expect(() => new Path('/').suffix('.tmp')).toThrow(InvalidPathError);
  });

  it('normalises . and .. as Hadoop’s Path does (java.net.URI normalize)', () => {
    const cases: Array<[string, string]> = [
      ['/a/../b', '/b'],
      ['/a/./b', '/a/b'],
      ['/a/b/..', '/a'],
      ['/a/..', '/'],
      ['oss://b/x/..', 'oss://b/'],
      ['oss://b/x/../y/./z', 'oss://b/y/z'],
      ['./x', 'x'],
      ['.', '.'],
      ['a/..', '.'],
      ['../data.csv', '../data.csv'],
      ['a/../../x', '../x'],
      ['../../x/./y/..', '../../x'],
      ['/a/.hidden/..b/...', '/a/.hidden/..b/...'],
    ];
    for (const [text, normalised] of cases) expect(new Path(text).toString(), text).toBe(normalised);
    // Relative paths with .. resolve against their parent (the working directory when qualified).
    expect(new Path('/user/me/work', '../data.csv').toString()).toBe('/user/me/data.csv');
    expect(new Path('mem://m/a/b', '../../c').toString()).toBe('mem://m/c');
    expect(new Path('/a', '.').toString()).toBe('/a');
    expect(new Path('.', 'x').toString()).toBe('x');
    expect(new Path('..', 'x').toString()).toBe('../x');
    expect(new Path('../data.csv').makeQualified({ scheme: 'file', authority: '' }, new Path('file:///home/me/in')).toString()).toBe('file:///home/me/data.csv');
  });

  it.each(['/..', '/a/../..', 'oss://b/..', 'oss://b/x/../../y'])('refuses %j, which climbs above the root, with InvalidPathError naming it', (text) => {
    expect(() => new Path(text)).toThrow(InvalidPathError);
    expect(() => new Path(text)).toThrow(`"${text}"`);
  });

  it('refuses a relative .. that climbs above the root when resolved against a parent, naming both', () => {
    expect(() => new Path('/a', '../../b')).toThrow(InvalidPathError);
    expect(() => new Path('/a', '../../b')).toThrow('/a + ../../b');
    expect(() => new Path('x/y').makeQualified({ scheme: 'mem', authority: 'm' }, new Path('mem://m/'))).not.toThrow();
    expect(() => new Path('../y').makeQualified({ scheme: 'mem', authority: 'm' }, new Path('mem://m/'))).toThrow(InvalidPathError);
  });

  it('Path.of (parts from a store listing) still refuses . and .. elements: a key holding them is not read as another', () => {
    expect(() => Path.of('oss', 'b', '/a/../b')).toThrow(InvalidPathError);
    expect(() => Path.of('oss', 'b', '/a/./b')).toThrow(InvalidPathError);
  });

  it.each(['', '/a\u0000b', '/line\nbreak', '/del\u007f'])(
    'refuses %j with InvalidPathError naming the path',
    (text) => {
      let error: unknown;
      try {
        new Path(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidPathError);
      expect((error as InvalidPathError).code).toBe('EINVAL');
      if (text !== '') expect((error as Error).message).toContain(JSON.stringify(text).slice(1, 4));
    },
  );

  it('treats a colon after the first slash as part of the name', () => {
    expect(new Path('/a:b/c').toUri().scheme).toBeUndefined();
    expect(new Path('/a:b/c').getParent()!.getName()).toBe('a:b');
  });

  it('qualifies relative paths', () => {
    const q = new Path('x/y').makeQualified({ scheme: 'mem', authority: 'm' }, new Path('mem://m/work'));
    expect(q.toString()).toBe('mem://m/work/x/y');
    expect(new Path('/z').makeQualified({ scheme: 'mem', authority: 'm' }, new Path('/')).toString()).toBe('mem://m/z');
  });

  it('knows containment', () => {
    expect(new Path('/a').contains(new Path('/a/b'))).toBe(true);
    expect(new Path('/a').contains(new Path('/ab'))).toBe(false);
    expect(new Path('/').contains(new Path('/x'))).toBe(true);
    expect(new Path('oss://b/a').contains(new Path('oss://c/a/b'))).toBe(false);
  });

  // Elements without '/', control characters, '.', '..', or ':' (which would read as a scheme).
  const element = fc
    .string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(...'abcXYZ019 _-.%#?*~€日'.split('')) })
    .filter((s) => s !== '.' && s !== '..');
  const absolutePath = fc.array(element, { minLength: 0, maxLength: 6 }).map((els) => '/' + els.join('/'));
  const qualified = fc.tuple(fc.constantFrom('oss', 'mem', 'file'), fc.constantFrom('', 'bucket', 'b-1'), absolutePath);

  it('property: printing then parsing gives the same path', () => {
    fc.assert(
      fc.property(qualified, ([scheme, authority, path]) => {
        const p = new Path(`${scheme}://${authority}${path}`);
        expect(new Path(p.toString()).equals(p)).toBe(true);
        expect(p.path).toBe(path);
      }),
      propertyRun('path-round-trip', { runs: 500, longRuns: 5000 }).parameters,
    );
  });

  it('property: a child of its parent is the path itself', () => {
    fc.assert(
      fc.property(qualified, ([scheme, authority, path]) => {
        const p = new Path(`${scheme}://${authority}${path}`);
        const parent = p.getParent();
        if (parent === null) {
          expect(p.isRoot()).toBe(true);
          return;
        }
        expect(new Path(parent, p.getName()).equals(p)).toBe(true);
        expect(parent.depth()).toBe(p.depth() - 1);
        expect(parent.contains(p)).toBe(true);
      }),
      propertyRun('path-parent', { runs: 500, longRuns: 5000 }).parameters,
    );
  });

  it('property: child resolution adds exactly one level per element', () => {
    fc.assert(
      fc.property(qualified, fc.array(element, { minLength: 1, maxLength: 4 }), ([scheme, authority, path], children) => {
        const parent = new Path(`${scheme}://${authority}${path}`);
        const child = new Path(parent, children.join('/'));
        expect(child.depth()).toBe(parent.depth() + children.length);
        expect(child.getName()).toBe(children[children.length - 1]);
        expect(parent.contains(child)).toBe(true);
      }),
      propertyRun('path-children', { runs: 500, longRuns: 5000 }).parameters,
    );
  });
});
