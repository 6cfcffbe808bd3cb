/** A Flume event: string headers and a byte body. */
export interface FlumeEvent {
  headers: Record<string, string>;
  body: Uint8Array;
}

export function textEvent(body: string, headers: Record<string, string> = {}): FlumeEvent {
  return { headers, body: Buffer.from(body, 'utf8') };
}

/**
 * An event a source made of one line of a buffer it read (and never writes again): the line is
 * `block[start, end)`, a newline at `end`. Its body view is made only when asked for — a sink that
 * writes consecutive lines of one block writes the block's stretch as it is, and a view per event
 * was a third of the objects an agent made. Setting `body` makes it an event like any other.
 */
export class LineEvent implements FlumeEvent {
  headers: Record<string, string>;
  readonly block: Buffer;
  readonly start: number;
  readonly end: number;
  #body: Uint8Array | undefined;
  /** The body is still the line (not replaced by an interceptor or a caller). */
  #isLine = true;

  constructor(headers: Record<string, string>, block: Buffer, start: number, end: number) {
    this.headers = headers;
    this.block = block;
    this.start = start;
    this.end = end;
  }

  get body(): Uint8Array {
    return (this.#body ??= this.block.subarray(this.start, this.end));
  }

  set body(body: Uint8Array) {
    this.#body = body;
    this.#isLine = false;
  }

  get isLine(): boolean {
    return this.#isLine;
  }
}

/** The body's length, without making a line event's body view. */
export function bodyLength(event: FlumeEvent): number {
  return event instanceof LineEvent && event.isLine ? event.end - event.start : event.body.byteLength;
}

/** Copies the body into `target` at `offset` (a line event's straight from its block); the bytes copied. */
export function copyBody(event: FlumeEvent, target: Uint8Array, offset: number): number {
  if (event instanceof LineEvent && event.isLine) {
    target.set(event.block.subarray(event.start, event.end), offset);
    return event.end - event.start;
  }
  const body = event.body;
  target.set(body, offset);
  return body.byteLength;
}

/**
 * Lines a source read in one go and the headers each of their events gets: the events are made one at a
 * time when taken (a line event and a copy of the headers each), so that a channel holding 100 000 lines
 * holds one block and its newline offsets, not 100 000 objects that every garbage collection must walk.
 * `block` begins with a line and is never written again; line k (of the whole read) ends at `newlines[k]`.
 */
export class LineBatch {
  readonly length: number;

  constructor(
    readonly block: Buffer,
    readonly newlines: ArrayLike<number>,
    readonly headers: Readonly<Record<string, string>>,
    /** The read's lines [from, to) are this batch's. */
    readonly from = 0,
    readonly to = newlines.length,
  ) {
    this.length = to - from;
  }

  /** The event of the batch's `index`-th line: a new object each time, its own copy of the headers. */
  at(index: number): LineEvent {
    return new LineEvent({ ...this.headers }, this.block, this.startOf(index), this.newlines[this.from + index]!);
  }

  /** Offset in the block of the batch's `index`-th line's first byte. */
  startOf(index: number): number {
    const k = this.from + index;
    return k === 0 ? 0 : this.newlines[k - 1]! + 1;
  }

  /** Lines [start, end) of this batch, as Array.prototype.slice counts them. */
  slice(start: number, end = this.length): LineBatch {
    return new LineBatch(this.block, this.newlines, this.headers, this.from + start, this.from + Math.min(end, this.length));
  }

  /** Offset in the block just after the batch's `index`-th line's newline. */
  endOf(index: number): number {
    return this.newlines[this.from + index]! + 1;
  }

  /** The lines as they lie in the block, each followed by its newline (TEXT with appendNewline, serialised). */
  text(): Buffer {
    return this.block.subarray(this.startOf(0), this.endOf(this.length - 1));
  }

  /** The bytes of the lines' bodies (newlines not counted). */
  bodyBytes(): number {
    return this.length === 0 ? 0 : this.endOf(this.length - 1) - this.startOf(0) - this.length;
  }
}

/** Where newlines are gathered before a read's offsets are copied out at their size (grown as a read needs). */
let offsetScratch = new Uint32Array(16 * 1024);

/**
 * The offset of every newline in `data`, in a typed array of its own: its backing store lies outside the
 * JS heap. A number[] per read (kept until the lines are taken and written, so it outlived young
 * collections and was allocated in old space) grew the old generation by 13 MB per 100 MB read, and every
 * few MB of that growth cost a full collection.
 */
export function newlineOffsets(data: Buffer): Uint32Array {
  let count = 0;
  for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10, newline + 1)) {
    if (count === offsetScratch.length) {
      const grown = new Uint32Array(offsetScratch.length * 2);
      grown.set(offsetScratch);
      offsetScratch = grown;
    }
    offsetScratch[count++] = newline;
  }
  return offsetScratch.slice(0, count);
}
