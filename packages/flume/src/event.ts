/** A Flume event: string headers and a byte body. */
export interface FlumeEvent {
  headers: Record<string, string>;
  body: Uint8Array;
}

export function textEvent(body: string, headers: Record<string, string> = {}): FlumeEvent {
  return { headers, body: Buffer.from(body, 'utf8') };
}
