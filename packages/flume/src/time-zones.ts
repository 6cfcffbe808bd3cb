/** Calendar fields of an instant in a time zone (IANA name, or undefined for the process's local zone). */
export interface ZonedTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday */
  weekday: number;
  /** Minutes east of UTC. */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      ...(timeZone ? { timeZone } : {}),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      timeZoneName: 'longOffset',
    });
    formatters.set(key, f);
  }
  return f;
}

/** True if `timeZone` is a zone this runtime knows (Flume's TimeZone.getTimeZone falls back to GMT silently; we do not). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// Events of a batch mostly share their second: formatToParts costs microseconds, a lookup nanoseconds.
const recent = new Map<string, ZonedTime>();

export function zonedTime(timestamp: number, timeZone: string | undefined): ZonedTime {
  const second = Math.floor(timestamp / 1000);
  const key = `${timeZone ?? ''}@${second}`;
  const cached = recent.get(key);
  if (cached) return { ...cached, millisecond: ((timestamp % 1000) + 1000) % 1000 };
  const computed = computeZonedTime(timestamp, timeZone);
  if (recent.size >= 64) recent.delete(recent.keys().next().value as string);
  recent.set(key, computed);
  return computed;
}

function computeZonedTime(timestamp: number, timeZone: string | undefined): ZonedTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(timestamp));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(get('timeZoneName'));
  const offsetMinutes = offset?.[1] ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    millisecond: ((timestamp % 1000) + 1000) % 1000,
    weekday: WEEKDAYS.indexOf(get('weekday')),
    offsetMinutes,
  };
}
