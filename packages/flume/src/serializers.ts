import type { FlumeEvent } from './event.js';
import type { SerializerKind } from './sink-config.js';

const NEWLINE = Buffer.from('\n');

/**
 * Flume's TEXT serializer (body, then a newline) and HEADER_AND_TEXT (the headers as Java prints a
 * Map, a space, the body, a newline).
 */
export function serialize(event: FlumeEvent, kind: SerializerKind, appendNewline: boolean): Buffer {
  const parts: Buffer[] = [];
  if (kind === 'HEADER_AND_TEXT') {
    const map = Object.entries(event.headers)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    parts.push(Buffer.from(`{${map}} `, 'utf8'));
  }
  parts.push(Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength));
  if (appendNewline) parts.push(NEWLINE);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Many events serialised into one buffer, allocated once (TEXT without headers is the hot path). */
export function serializeAll(events: readonly FlumeEvent[], kind: SerializerKind, appendNewline: boolean): Buffer {
  if (kind !== 'TEXT') return Buffer.concat(events.map((e) => serialize(e, kind, appendNewline)));
  let size = 0;
  for (const e of events) size += e.body.byteLength + (appendNewline ? 1 : 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of events) {
    out.set(e.body, at);
    at += e.body.byteLength;
    if (appendNewline) out[at++] = 10;
  }
  return out;
}
