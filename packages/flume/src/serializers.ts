import type { FlumeEvent } from './event.js';
import type { SerializerKind } from './sink-config.js';

const NEWLINE = Buffer.from('\n');

/**
 * Flume's TEXT serializer (body, then a newline) and HEADER_AND_TEXT (the headers as Java prints a
 * Map, a space, the body, a newline).
 */
export function serialize(event: FlumeEvent, kind: SerializerKind, appendNewline: boolean): Buffer {
  const parts: Buffer[] = [];
  if (kind === 'HEADER_AND_TEXT') parts.push(Buffer.from(headerText(event), 'utf8'));
  parts.push(Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength));
  if (appendNewline) parts.push(NEWLINE);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Events serialised into `scratch`, yielded a full chunk at a time (a view of `scratch`, valid until the
 * next step: a stream's write() takes its bytes at once, Java's rule). One batch of 100 000 events does
 * not become one 20 MB allocation, which costs a full garbage collection over every event held.
 */
export function* serializeChunks(events: readonly FlumeEvent[], kind: SerializerKind, appendNewline: boolean, scratch: Buffer): Generator<Uint8Array> {
  let at = 0;
  // Events up to this index were found not to make a run: copied without looking again.
  let copyThrough = -1;
  // A view of the whole buffer the last bodies looked at lie in (small Buffers share a pool: bodies made
  // one after another are often adjacent without a newline between them — one view, not one per event).
  let whole: Uint8Array | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (kind === 'TEXT' && appendNewline && i > copyThrough && follows(event.body, events[i + 1]?.body)) {
      if (whole?.buffer !== event.body.buffer) whole = new Uint8Array(event.body.buffer);
      // Lines a source read in one go lie one after another in its buffer, a newline apart: serialised, they
      // are those bytes as they are — handed on as one view, no copy per event.
      const run = contiguousLines(events, i, whole);
      if (run.bytes) {
        if (at > 0) {
          yield scratch.subarray(0, at);
          at = 0;
        }
        yield run.bytes;
        i = run.last;
        continue;
      }
      copyThrough = run.last;
    }
    const prefix = kind === 'HEADER_AND_TEXT' ? headerText(event) : undefined;
    const size = (prefix === undefined ? 0 : Buffer.byteLength(prefix)) + event.body.byteLength + (appendNewline ? 1 : 0);
    if (at + size > scratch.length && at > 0) {
      yield scratch.subarray(0, at);
      at = 0;
    }
    if (size > scratch.length) {
      yield serialize(event, kind, appendNewline);
      continue;
    }
    if (prefix !== undefined) at += scratch.write(prefix, at, 'utf8');
    scratch.set(event.body, at);
    at += event.body.byteLength;
    if (appendNewline) scratch[at++] = 10;
  }
  if (at > 0) yield scratch.subarray(0, at);
}

/** Below this many events a run is not worth looking for: they are copied as any others. */
const MIN_RUN = 16;

/** `next` begins one byte after `body` ends, in the same buffer (the cheap test before looking for a run). */
function follows(body: Uint8Array, next: Uint8Array | undefined): boolean {
  return next !== undefined && next.buffer === body.buffer && next.byteOffset === body.byteOffset + body.byteLength + 1;
}

/**
 * The events from `first` on whose bodies lie one after another in one buffer, each followed there by a
 * newline: their serialised form (TEXT with newlines) is that stretch of the buffer (`bytes`, when at least
 * MIN_RUN do). `last`: the last event of the stretch examined.
 */
function contiguousLines(events: readonly FlumeEvent[], first: number, whole: Uint8Array): { bytes?: Uint8Array; last: number } {
  const body = events[first]!.body;
  const buffer = body.buffer;
  const start = body.byteOffset;
  let end = start + body.byteLength;
  if (end >= buffer.byteLength || whole[end] !== 10) return { last: first };
  let last = first;
  for (let j = first + 1; j < events.length; j++) {
    const next = events[j]!.body;
    if (next.buffer !== buffer || next.byteOffset !== end + 1) break;
    const nextEnd = next.byteOffset + next.byteLength;
    if (nextEnd >= buffer.byteLength || whole[nextEnd] !== 10) break;
    end = nextEnd;
    last = j;
  }
  if (last - first + 1 < MIN_RUN) return { last };
  return { bytes: whole.subarray(start, end + 1), last };
}

function headerText(event: FlumeEvent): string {
  const map = Object.entries(event.headers)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `{${map}} `;
}
