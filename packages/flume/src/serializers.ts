import { LineBatch, LineEvent, type FlumeEvent } from './event.js';
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
 * Events and runs of lines serialised in order, as serializeChunks serialises events: a run of lines with
 * TEXT and appendNewline is its stretch of the block as it is (no event made); otherwise its events.
 */
export function* serializeItems(items: ReadonlyArray<FlumeEvent | LineBatch>, kind: SerializerKind, appendNewline: boolean, scratch: Buffer): Generator<Uint8Array> {
  const asText = kind === 'TEXT' && appendNewline;
  let from = 0;
  for (let i = 0; i <= items.length; i++) {
    const item = items[i];
    if (item !== undefined && !(item instanceof LineBatch)) continue;
    // Events [from, i) first, then the run.
    if (i > from) yield* serializeChunks(from === 0 && i === items.length ? (items as FlumeEvent[]) : (items.slice(from, i) as FlumeEvent[]), kind, appendNewline, scratch);
    from = i + 1;
    if (item === undefined || item.length === 0) continue;
    if (asText) yield item.text();
    else yield* serializeChunks(eventsOf([item]), kind, appendNewline, scratch);
  }
}

/** Every event of `items`, a run of lines as its events (made now). */
export function eventsOf(items: ReadonlyArray<FlumeEvent | LineBatch>): FlumeEvent[] {
  const events: FlumeEvent[] = [];
  for (const item of items) {
    if (item instanceof LineBatch) for (let i = 0; i < item.length; i++) events.push(item.at(i));
    else events.push(item);
  }
  return events;
}

/**
 * Events serialised into `scratch`, yielded a full chunk at a time (a view of `scratch`, valid until the
 * next step: a stream's write() takes its bytes at once, Java's rule). One batch of 100 000 events does
 * not become one 20 MB allocation, which costs a full garbage collection over every event held.
 */
export function* serializeChunks(events: readonly FlumeEvent[], kind: SerializerKind, appendNewline: boolean, scratch: Buffer): Generator<Uint8Array> {
  let at = 0;
  const lines = kind === 'TEXT' && appendNewline;
  // Events up to this index were found not to make a run: copied without looking again.
  let copyThrough = -1;
  // A view of the whole buffer the last bodies looked at lie in (small Buffers share a pool: bodies made
  // one after another are often adjacent without a newline between them — one view, not one per event).
  let whole: Uint8Array | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (lines && i > copyThrough) {
      // Lines a source read in one go lie one after another in its buffer, a newline apart: serialised, they
      // are those bytes as they are — handed on as one view, no copy per event.
      let last = -1;
      let bytes: Uint8Array | undefined;
      if (event instanceof LineEvent && event.isLine) {
        last = lastLineOfBlock(events, i);
        if (last - i + 1 >= MIN_RUN) bytes = event.block.subarray(event.start, (events[last] as LineEvent).end + 1);
      } else if (follows(event.body, events[i + 1]?.body)) {
        if (whole?.buffer !== event.body.buffer) whole = new Uint8Array(event.body.buffer);
        last = lastContiguousLine(events, i, whole);
        if (last - i + 1 >= MIN_RUN) {
          const first = event.body;
          const end = events[last]!.body;
          bytes = whole.subarray(first.byteOffset, end.byteOffset + end.byteLength + 1);
        } else if (last < i) last = i;
      }
      if (bytes) {
        if (at > 0) {
          yield scratch.subarray(0, at);
          at = 0;
        }
        yield bytes;
        i = last;
        continue;
      }
      copyThrough = last;
    }
    const prefix = kind === 'HEADER_AND_TEXT' ? headerText(event) : undefined;
    const body = event.body;
    const size = (prefix === undefined ? 0 : Buffer.byteLength(prefix)) + body.byteLength + (appendNewline ? 1 : 0);
    if (at + size > scratch.length && at > 0) {
      yield scratch.subarray(0, at);
      at = 0;
    }
    if (size > scratch.length) {
      yield serialize(event, kind, appendNewline);
      continue;
    }
    if (prefix !== undefined) at += scratch.write(prefix, at, 'utf8');
    scratch.set(body, at);
    at += body.byteLength;
    if (appendNewline) scratch[at++] = 10;
  }
  if (at > 0) yield scratch.subarray(0, at);
}

/** Below this many events a run is not worth looking for: they are copied as any others. */
const MIN_RUN = 16;

/**
 * The last of the line events from `first` on that are the next lines of the same block (a line event's
 * block holds a newline after each of its lines, and is never written again: nothing to look at).
 */
function lastLineOfBlock(events: readonly FlumeEvent[], first: number): number {
  const head = events[first] as LineEvent;
  const block = head.block;
  let end = head.end;
  let last = first;
  for (let j = first + 1; j < events.length; j++) {
    const next = events[j];
    if (!(next instanceof LineEvent) || next.block !== block || next.start !== end + 1 || !next.isLine) break;
    end = next.end;
    last = j;
  }
  return last;
}

/** `next` begins one byte after `body` ends, in the same buffer (the cheap test before looking for a run). */
function follows(body: Uint8Array, next: Uint8Array | undefined): boolean {
  return next !== undefined && next.buffer === body.buffer && next.byteOffset === body.byteOffset + body.byteLength + 1;
}

/**
 * The last of the events from `first` on whose bodies lie one after another in one buffer, each followed
 * there by a newline (their serialised form, TEXT with newlines, is that stretch of the buffer); `first - 1`
 * when the first is not followed by a newline.
 */
function lastContiguousLine(events: readonly FlumeEvent[], first: number, whole: Uint8Array): number {
  const body = events[first]!.body;
  const buffer = body.buffer;
  let end = body.byteOffset + body.byteLength;
  if (end >= buffer.byteLength || whole[end] !== 10) return first - 1;
  let last = first;
  for (let j = first + 1; j < events.length; j++) {
    const next = events[j]!.body;
    if (next.buffer !== buffer || next.byteOffset !== end + 1) break;
    const nextEnd = next.byteOffset + next.byteLength;
    if (nextEnd >= buffer.byteLength || whole[nextEnd] !== 10) break;
    end = nextEnd;
    last = j;
  }
  return last;
}

function headerText(event: FlumeEvent): string {
  const map = Object.entries(event.headers)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `{${map}} `;
}
