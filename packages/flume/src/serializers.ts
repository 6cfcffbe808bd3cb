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
