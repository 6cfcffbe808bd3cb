/** FsShell's output formats: sizes, dates, and TableBuilder's aligned columns. */

const PREFIXES = ['K', 'M', 'G', 'T', 'P', 'E'];

/** StringUtils.TraditionalBinaryPrefix.long2String(n, "", 1): `1023`, `1 K`, `1.5 K`, `128 M`. */
export function humanSize(n: number): string {
  if (n < 0) return `-${humanSize(-n)}`;
  if (n < 1024) return String(n);
  let i = 0;
  while (i + 1 < PREFIXES.length && n >= 1024 ** (i + 2)) i++;
  const unit = 1024 ** (i + 1);
  if (n % unit === 0) return `${n / unit} ${PREFIXES[i]}`;
  let text = (n / unit).toFixed(1);
  let prefix = PREFIXES[i]!;
  // Rounding up to 1024.0 of a unit is one of the next (Hadoop's special case).
  if (text.startsWith('1024') && i + 1 < PREFIXES.length) {
    text = (n / (unit * 1024)).toFixed(1);
    prefix = PREFIXES[i + 1]!;
  }
  return `${text} ${prefix}`;
}

export function formatSize(n: number, human: boolean): string {
  return human ? humanSize(n) : String(n);
}

const two = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm` in the local time zone (Ls's SimpleDateFormat). */
export function lsDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** `yyyy-MM-dd HH:mm:ss` in UTC (Stat's %y). */
export function statDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** FsUsage's TableBuilder: columns two spaces apart, left-aligned unless named, no trailing spaces. */
export function table(rows: readonly string[][], rightAlign: ReadonlySet<number> = new Set()): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((row) =>
    row
      .map((cell, c) => (rightAlign.has(c) ? cell.padStart(widths[c]!) : c === row.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  '),
  );
}

/** Hadoop's BytesWritable.toString(): the bytes in hex, two digits each, a space between. */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
