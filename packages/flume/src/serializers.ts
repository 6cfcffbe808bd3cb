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
  for (const event of events) {
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

function headerText(event: FlumeEvent): string {
  const map = Object.entries(event.headers)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `{${map}} `;
}
