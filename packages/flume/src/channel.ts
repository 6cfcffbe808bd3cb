import type { FlumeEvent, LineBatch } from './event.js';

/** Flume's ChannelException: a transaction asked for more than the channel allows. */
export class ChannelError extends Error {
  override name = 'ChannelError';
}

export interface ChannelTransaction {
  /** The next event, or undefined when the channel is empty. */
  take(): FlumeEvent | undefined;
  /**
   * Where the next events are lines a source put as one batch: up to `most` of them at once, as the batch
   * they were put in (no event object made; a take of each, counted against transactionCapacity alike).
   * Undefined when the next event is not such a line (take() it), or the channel is empty.
   */
  takeLines?(most: number): LineBatch | undefined;
  /** The taken events leave the channel for good (a file channel logs it first: await it). */
  commit(): void | Promise<void>;
  /** The taken events go back to the head of the channel, in order, to be delivered again. */
  rollback(): void;
}

/** What sources put into and the sink takes from: the memory channel or the file channel. */
export interface Channel {
  readonly capacity: number;
  readonly transactionCapacity: number;
  /** Events stored, those taken by an open transaction included. */
  readonly size: number;
  put(events: readonly FlumeEvent[]): Promise<void>;
  /**
   * Puts the events of lines a source read, as a put of the batch's events (`lines.at(i)` each) would, where the channel can keep
   * them as the batch (made into events when taken); a channel without it is given the events.
   */
  putLines?(lines: LineBatch): Promise<void>;
  getTransaction(): ChannelTransaction;
  /** Called after every put: the sink runner sleeps on an empty channel until then. */
  onPut: (() => void) | undefined;
  /** Before the first put or take (a file channel replays its log): the events already in it. */
  open?(): Promise<number>;
  close?(): Promise<void>;
}

/**
 * A channel's items in order, with the bookkeeping both channels share: a take moves the head on, a
 * rollback moves it back (the items are delivered again, in order), a commit forgets them. One
 * transaction at a time (one sink per channel, as the agent wires it). `persist` runs a commit (the file
 * channel logs the take, then calls `apply` under its lock); if it fails before `apply`, the transaction
 * stays open for a rollback. Items are kept in the arrays they were put in (a copy of each): a put of
 * 100 000 events is one array, not 100 000 pushes onto a growing one.
 */
/** Items put at once: an array (the queue keeps a copy), or a batch that makes each item when it is taken. */
export type ItemBlock<T> = readonly T[] | ItemBatch<T>;
/** A batch of items made when taken; a slice is a batch again. */
export interface ItemBatch<T> {
  readonly length: number;
  at(index: number): T;
  slice(start: number, end?: number): ItemBatch<T>;
}

/** `B`: the batches put (the kind takeRun hands back). */
export class TakeQueue<T, B extends ItemBatch<T> = ItemBatch<T>> {
  #chunks: Array<T[] | B> = [];
  /** The first item not committed (the open transaction's first take): chunk index and offset. */
  #baseChunk = 0;
  #baseOffset = 0;
  /** The next item to take. */
  #headChunk = 0;
  #headOffset = 0;
  /** Items from the head on. */
  #waiting = 0;
  /** Items between the base and the head: taken by the open transaction. */
  #inFlight = 0;

  /** Items stored, those taken by an open transaction included. */
  get size(): number {
    return this.#waiting + this.#inFlight;
  }

  push(items: readonly T[] | B): void {
    if (items.length === 0) return;
    this.#chunks.push(isArray(items) ? items.slice() : items);
    this.#waiting += items.length;
  }

  /** Every item still stored, those taken by an open transaction first. */
  held(): T[] {
    const items: T[] = [];
    for (let c = this.#baseChunk; c < this.#chunks.length; c++) {
      const block = this.#chunks[c]!;
      for (let i = c === this.#baseChunk ? this.#baseOffset : 0; i < block.length; i++) items.push(isArray(block) ? block[i]! : block.at(i));
    }
    return items;
  }

  #take(): T | undefined {
    const chunk = this.#chunks[this.#headChunk];
    if (chunk === undefined) return undefined;
    const item = isArray(chunk) ? chunk[this.#headOffset++]! : chunk.at(this.#headOffset++);
    if (this.#headOffset === chunk.length) {
      this.#headChunk++;
      this.#headOffset = 0;
    }
    this.#waiting--;
    this.#inFlight++;
    return item;
  }

  /** Up to `most` items of the head's batch, as a batch; undefined when the head is an array's item or there is none. */
  #takeRun(most: number): B | undefined {
    const chunk = this.#chunks[this.#headChunk];
    if (chunk === undefined || isArray(chunk) || most <= 0) return undefined;
    const n = Math.min(most, chunk.length - this.#headOffset);
    // A batch's slice is a batch of the same kind (LineBatch, StoredLines).
    const run = n === chunk.length ? chunk : (chunk.slice(this.#headOffset, this.#headOffset + n) as B);
    this.#headOffset += n;
    if (this.#headOffset === chunk.length) {
      this.#headChunk++;
      this.#headOffset = 0;
    }
    this.#waiting -= n;
    this.#inFlight += n;
    return run;
  }

  transaction(
    limit: number,
    persist?: (taken: ReadonlyArray<T | B>, apply: () => void) => Promise<void>,
    afterCommit?: () => void,
  ): { take(): T | undefined; takeRun(most: number): B | undefined; commit(): void | Promise<void>; rollback(): void } {
    let count = 0;
    let open = true;
    // What a commit logs (the file channel): the items taken, as take() and takeRun() handed them out — a
    // batch's items are made when taken, and are not made a second time for the log.
    const taken: Array<T | B> | undefined = persist ? [] : undefined;
    const check = () => {
      if (!open) throw new ChannelError('transaction already finished');
    };
    const forget = () => {
      open = false;
      this.#inFlight -= count;
      this.#baseChunk = this.#headChunk;
      this.#baseOffset = this.#headOffset;
      // Chunks wholly taken are dropped only between transactions, so that a rollback can step the head back.
      if (this.#inFlight === 0 && this.#baseChunk > 0) {
        this.#chunks.splice(0, this.#baseChunk);
        this.#headChunk -= this.#baseChunk;
        this.#baseChunk = 0;
      }
      afterCommit?.();
    };
    return {
      take: () => {
        if (!open) check();
        if (count >= limit) throw new ChannelError(`take() beyond transactionCapacity ${limit}`);
        const item = this.#take();
        if (item !== undefined) {
          count++;
          taken?.push(item);
        }
        return item;
      },
      takeRun: (most) => {
        if (!open) check();
        if (count >= limit) throw new ChannelError(`take() beyond transactionCapacity ${limit}`);
        const run = this.#takeRun(Math.min(most, limit - count));
        if (run !== undefined) {
          count += run.length;
          taken?.push(run);
        }
        return run;
      },
      commit: () => {
        check();
        if (!persist) return forget();
        return persist(taken!, forget);
      },
      rollback: () => {
        check();
        open = false;
        this.#inFlight -= count;
        this.#waiting += count;
        this.#headChunk = this.#baseChunk;
        this.#headOffset = this.#baseOffset;
      },
    };
  }
}

function isArray<T>(items: ItemBlock<T>): items is readonly T[] {
  return Array.isArray(items);
}
