import { describe, expect, it } from 'vitest';
import { escapeString, MissingTimestampError, needsTimestamp, roundDown, staticPrefix, type EscapeOptions } from '../src/escapes.js';

// Thursday 2026-11-26 11:54:34.567 UTC
const TS = Date.UTC(2026, 10, 26, 11, 54, 34, 567);
const headers = { timestamp: String(TS), topic: 'orders', 'x.y-z': 'dotted' };
const utc: EscapeOptions = { timeZone: 'UTC', round: false, roundValue: 1, roundUnit: 'second', useLocalTimeStamp: false };

describe('Flume path escapes', () => {
  it('expands the whole time table', () => {
    const all = '%a|%A|%b|%B|%c|%d|%e|%D|%H|%I|%j|%k|%l|%m|%M|%n|%p|%s|%S|%t|%y|%Y|%z|%%';
    expect(escapeString(all, headers, utc).split('|')).toEqual([
      'Thu', 'Thursday', 'Nov', 'November', 'Thu Nov 26 11:54:34 2026', '26', '26', '11/26/26', '11', '11', '330', '11', '11',
      '11', '54', '11', 'am', String(Math.floor(TS / 1000)), '34', String(TS), '26', '2026', '+0000', '%',
    ]);
  });

  it('pads and unpads where Flume does', () => {
    const early = Date.UTC(2026, 0, 5, 3, 4, 5);
    expect(escapeString('%d %e %m %n %H %k %I %l %j %p', { timestamp: String(early) }, utc)).toBe('05 5 01 1 03 3 03 3 005 am');
    const evening = Date.UTC(2026, 0, 5, 21, 0, 0);
    expect(escapeString('%I %l %p', { timestamp: String(evening) }, utc)).toBe('09 9 pm');
  });

  it('uses the configured time zone, offset included', () => {
    const shanghai = { ...utc, timeZone: 'Asia/Shanghai' };
    expect(escapeString('%Y-%m-%d/%H:%M %z', headers, shanghai)).toBe('2026-11-26/19:54 +0800');
    const kathmandu = { ...utc, timeZone: 'Asia/Kathmandu' };
    expect(escapeString('%H:%M %z', headers, kathmandu)).toBe('17:39 +0545');
    expect(escapeString('%z', headers, { ...utc, timeZone: 'America/New_York' })).toBe('-0500');
  });

  it('rounds down like Flume: the unit field to a multiple, smaller fields to zero; %t stays exact', () => {
    const tenMinutes = { ...utc, round: true, roundValue: 10, roundUnit: 'minute' as const };
    expect(escapeString('/flume_dir/%Y-%m-%d/%H%M%S', headers, tenMinutes)).toBe('/flume_dir/2026-11-26/115000');
    expect(escapeString('%t', headers, tenMinutes)).toBe(String(TS));
    expect(escapeString('%H%M%S', headers, { ...utc, round: true, roundValue: 15, roundUnit: 'minute' })).toBe('114500');
    expect(escapeString('%H%M%S', headers, { ...utc, round: true, roundValue: 5, roundUnit: 'hour' })).toBe('100000');
    expect(escapeString('%H%M%S', headers, { ...utc, round: true, roundValue: 20, roundUnit: 'second' })).toBe('115420');
    expect(roundDown(TS, 10, 'minute', 'UTC')).toBe(Date.UTC(2026, 10, 26, 11, 50, 0, 0));
    // Rounding happens in the configured zone: 17:39 in Kathmandu rounds to 17:30 there.
    expect(escapeString('%H%M', headers, { ...utc, timeZone: 'Asia/Kathmandu', round: true, roundValue: 30, roundUnit: 'minute' })).toBe('1730');
  });

  it('expands headers, hosts, and unknown escapes to nothing', () => {
    expect(escapeString('/logs/%{topic}/%{x.y-z}/%{missing}x', headers, utc)).toBe('/logs/orders/dotted/x');
    expect(escapeString('%[localhost]', headers, utc)).not.toBe('');
    expect(escapeString('%[IP]', headers, utc)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(escapeString('a%Qb%[nothing]c', headers, utc)).toBe('abc');
  });

  it('needs a timestamp only for time escapes, and names what is missing', () => {
    expect(needsTimestamp('/logs/%{topic}')).toBe(false);
    expect(needsTimestamp('/logs/%Y')).toBe(true);
    expect(escapeString('/logs/%{topic}', { topic: 't' }, utc)).toBe('/logs/t');
    expect(() => escapeString('/logs/%Y', { topic: 't' }, utc)).toThrow(MissingTimestampError);
    expect(() => escapeString('/logs/%Y', { timestamp: 'soon' }, utc)).toThrow(/timestamp "soon"/);
    expect(escapeString('/logs/%Y', {}, { ...utc, useLocalTimeStamp: true, now: () => TS })).toBe('/logs/2026');
  });

  it('finds the static prefix of a path', () => {
    expect(staticPrefix('oss://b/flume_dir/%Y-%m-%d/%H')).toBe('oss://b/flume_dir');
    expect(staticPrefix('oss://b/logs/%{topic}/x')).toBe('oss://b/logs');
    expect(staticPrefix('/plain/path')).toBe('/plain/path');
  });
});
