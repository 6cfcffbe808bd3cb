import { hostname, networkInterfaces } from 'node:os';
import { zonedTime, type ZonedTime } from './time-zones.js';

/** Flume's BucketPath escape syntax: `%x`, `%%`, `%{header}`, `%[localhost|IP|FQDN]`. */
const ESCAPE = /%(\w|%)|%\{([\w.-]+)\}|%\[(\w+)\]/g;
const TIME_ESCAPES = new Set('aAbBcdeDHIjklmMnpsStyYz'.split(''));

export type RoundUnit = 'second' | 'minute' | 'hour';

export interface EscapeOptions {
  timeZone: string | undefined;
  round: boolean;
  roundValue: number;
  roundUnit: RoundUnit;
  useLocalTimeStamp: boolean;
  /** The clock for useLocalTimeStamp (tests pass a fixed one). */
  now?: () => number;
}

/** An event whose path needs a time escape but has no usable `timestamp` header. */
export class MissingTimestampError extends Error {
  override name = 'MissingTimestampError';
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** True if the text uses any escape that needs the event's time. */
export function needsTimestamp(text: string): boolean {
  for (const m of text.matchAll(ESCAPE)) if (m[1] && TIME_ESCAPES.has(m[1])) return true;
  return false;
}

/** The static part of a path before its first escape (where leftover in-use files can be searched). */
export function staticPrefix(text: string): string {
  const at = text.search(/%[\w%{[]/);
  if (at < 0) return text;
  const slash = text.lastIndexOf('/', at);
  return slash < 0 ? '' : text.slice(0, slash);
}

/**
 * Flume's rounding: the field of `unit` becomes v − v % value, every smaller field zero
 * (11:54:34 rounded to 10 minutes is 11:50:00), computed in the configured time zone.
 */
export function roundDown(timestamp: number, value: number, unit: RoundUnit, timeZone: string | undefined): number {
  const t = zonedTime(timestamp, timeZone);
  const ms = t.millisecond;
  switch (unit) {
    case 'second':
      return timestamp - ((t.second % value) * 1000 + ms);
    case 'minute':
      return timestamp - ((t.minute % value) * 60_000 + t.second * 1000 + ms);
    case 'hour':
      return timestamp - ((t.hour % value) * 3_600_000 + t.minute * 60_000 + t.second * 1000 + ms);
  }
}

function timeEscape(c: string, t: ZonedTime, raw: number): string {
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  switch (c) {
    case 'a':
      return DAYS[t.weekday]!.slice(0, 3);
    case 'A':
      return DAYS[t.weekday]!;
    case 'b':
      return MONTHS[t.month - 1]!.slice(0, 3);
    case 'B':
      return MONTHS[t.month - 1]!;
    case 'c':
      return `${DAYS[t.weekday]!.slice(0, 3)} ${MONTHS[t.month - 1]!.slice(0, 3)} ${t.day} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${t.year}`;
    case 'd':
      return pad(t.day);
    case 'e':
      return String(t.day);
    case 'D':
      return `${pad(t.month)}/${pad(t.day)}/${pad(t.year % 100)}`;
    case 'H':
      return pad(t.hour);
    case 'I':
      return pad(hour12);
    case 'j': {
      const start = Date.UTC(t.year, 0, 1);
      const today = Date.UTC(t.year, t.month - 1, t.day);
      return pad((today - start) / 86_400_000 + 1, 3);
    }
    case 'k':
      return String(t.hour);
    case 'l':
      return String(hour12);
    case 'm':
      return pad(t.month);
    case 'M':
      return pad(t.minute);
    case 'n':
      return String(t.month);
    case 'p':
      return t.hour < 12 ? 'am' : 'pm';
    case 's':
      return String(Math.floor(raw / 1000));
    case 'S':
      return pad(t.second);
    case 'y':
      return pad(t.year % 100);
    case 'Y':
      return String(t.year);
    case 'z': {
      const sign = t.offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(t.offsetMinutes);
      return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
    }
    default:
      return '';
  }
}

function localIp(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * Replaces the escapes of `text` for one event, as Flume's BucketPath.escapeString does: `%{h}` is the
 * header or '', time escapes use the event's `timestamp` header (rounded if asked; `%t` is never
 * rounded), an unknown escape is ''. A time escape without a timestamp is MissingTimestampError, where
 * Flume would fail the transaction forever.
 */
export function escapeString(text: string, headers: Readonly<Record<string, string>>, options: EscapeOptions): string {
  const kind = templateKind(text);
  if (kind === 'constant') return text.replace(/%%/g, '%');
  if (kind === 'time' && !options.useLocalTimeStamp) {
    // A path with only time escapes is the same for every event of the same second: memoised.
    const header = headers['timestamp'];
    const cacheKey = `${text}\0${options.timeZone ?? ''}\0${options.round ? `${options.roundValue}${options.roundUnit}` : ''}\0${header}`;
    const cached = header !== undefined && /^\d+$/.test(header) ? memo.get(cacheKey) : undefined;
    if (cached !== undefined) return cached;
    const result = expand(text, headers, options);
    if (header !== undefined) {
      if (memo.size >= 1024) memo.clear();
      memo.set(cacheKey, result);
    }
    return result;
  }
  return expand(text, headers, options);
}

const memo = new Map<string, string>();
const kinds = new Map<string, 'constant' | 'time' | 'mixed'>();

/** 'constant': no escapes but %%; 'time': time escapes only (and %t, which varies by the ms); else 'mixed'. */
function templateKind(text: string): 'constant' | 'time' | 'mixed' {
  let kind = kinds.get(text);
  if (kind) return kind;
  kind = 'constant';
  for (const m of text.matchAll(ESCAPE)) {
    if (m[1] === '%') continue;
    if (m[1] !== undefined && TIME_ESCAPES.has(m[1]) && m[1] !== 's') kind = 'time';
    else {
      kind = 'mixed';
      break;
    }
  }
  kinds.set(text, kind);
  return kind;
}

function expand(text: string, headers: Readonly<Record<string, string>>, options: EscapeOptions): string {
  let time: { zoned: ZonedTime; raw: number; rounded: number } | undefined;
  const timeOf = () => {
    if (time) return time;
    let raw: number;
    if (options.useLocalTimeStamp) raw = (options.now ?? Date.now)();
    else {
      const header = headers['timestamp'];
      raw = header !== undefined && /^-?\d+$/.test(header.trim()) ? Number(header) : NaN;
      if (!Number.isFinite(raw)) {
        throw new MissingTimestampError(`the path "${text}" needs the event's time, but the event has ${header === undefined ? 'no timestamp header' : `timestamp "${header}"`}`);
      }
    }
    const rounded = options.round ? roundDown(raw, options.roundValue, options.roundUnit, options.timeZone) : raw;
    time = { zoned: zonedTime(rounded, options.timeZone), raw, rounded };
    return time;
  };
  return text.replace(ESCAPE, (_match, c: string | undefined, header: string | undefined, host: string | undefined) => {
    if (header !== undefined) return headers[header] ?? '';
    if (host !== undefined) {
      switch (host.toLowerCase()) {
        case 'localhost':
          return hostname().split('.')[0] ?? hostname();
        case 'ip':
          return localIp();
        case 'fqdn':
          return hostname();
        default:
          return '';
      }
    }
    if (c === '%') return '%';
    if (c === 't') return String(timeOf().raw);
    if (c !== undefined && TIME_ESCAPES.has(c)) {
      const t = timeOf();
      return timeEscape(c, t.zoned, t.rounded);
    }
    return '';
  });
}
