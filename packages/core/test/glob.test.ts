import { describe, expect, it } from 'vitest';
import { expandBraces, globElementToRegExp, hasGlob, InvalidPathError } from '@hadoopfs/core';

describe('glob syntax', () => {
  it('detects glob syntax', () => {
    expect(hasGlob('a*')).toBe(true);
    expect(hasGlob('a\\b')).toBe(true);
    expect(hasGlob('{a,b}')).toBe(true);
    expect(hasGlob('plain.txt')).toBe(false);
  });

  it('expands nested alternations in order', () => {
    expect(expandBraces('/a/{b,c{d,e}}/f')).toEqual(['/a/b/f', '/a/cd/f', '/a/ce/f']);
    expect(expandBraces('{x/y,z}')).toEqual(['x/y', 'z']);
    expect(expandBraces('\\{a,b\\}')).toEqual(['\\{a,b\\}']);
    expect(() => expandBraces('{a,b')).toThrow(InvalidPathError);
  });

  it('turns elements into anchored regular expressions', () => {
    expect(globElementToRegExp('*.log').test('a.log')).toBe(true);
    expect(globElementToRegExp('*.log').test('a.log.tmp')).toBe(false);
    expect(globElementToRegExp('?.txt').test('ab.txt')).toBe(false);
    expect(globElementToRegExp('[a-c]1').test('b1')).toBe(true);
    expect(globElementToRegExp('[!a-c]1').test('b1')).toBe(false);
    expect(globElementToRegExp('[^a-c]1').test('d1')).toBe(true);
    expect(globElementToRegExp('a.b(c)+').test('a.b(c)+')).toBe(true);
    expect(globElementToRegExp('a.b').test('axb')).toBe(false);
    expect(globElementToRegExp('\\*').test('*')).toBe(true);
    expect(globElementToRegExp('\\*').test('x')).toBe(false);
    expect(() => globElementToRegExp('[abc')).toThrow(/unclosed '\['/);
  });
});
