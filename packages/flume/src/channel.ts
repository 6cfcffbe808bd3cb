import type { FlumeEvent } from './event.js';

/** Flume's ChannelException: a transaction asked for more than the channel allows. */
export class ChannelError extends Error {
  override name = 'ChannelError';
}

export interface ChannelTransaction {
  /** The next event, or undefined when the channel is empty. */
  take(): FlumeEvent | undefined;
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
 * stays open for a rollback.
 */
export class TakeQueue<T> {
  #items: T[] = [];
  #head = 0;
  #inFlight = 0;

  /** Items stored, those taken by an open transaction included. */
  get size(): number {
    return this.#items.length - this.#head + this.#inFlight;
  }

  push(items: readonly T[]): void {
    for (const item of items) this.#items.push(item);
  }

  /** Every item still stored, those taken by an open transaction first. */
  held(): T[] {
    return this.#items.slice(this.#head - this.#inFlight);
  }

  transaction(
    limit: number,
    persist?: (taken: readonly T[], apply: () => void) => Promise<void>,
    afterCommit?: () => void,
  ): { take(): T | undefined; commit(): void | Promise<void>; rollback(): void } {
    // Takes are contiguous from the head: the transaction's items are items[start, start + count), start
    // fixed at the first take (slots are dropped only while no transaction holds any).
    let start = 0;
    let count = 0;
    let open = true;
    const check = () => {
      if (!open) throw new ChannelError('transaction already finished');
    };
    const forget = () => {
      open = false;
      this.#inFlight -= count;
      // Taken slots are dropped only between transactions, so that a rollback can step the head back.
      if (this.#inFlight === 0 && this.#head > 1024) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      afterCommit?.();
    };
    return {
      take: () => {
        if (!open) check();
        if (count >= limit) throw new ChannelError(`take() beyond transactionCapacity ${limit}`);
        if (this.#head >= this.#items.length) return undefined;
        if (count === 0) start = this.#head;
        this.#inFlight++;
        count++;
        return this.#items[this.#head++]!;
      },
      commit: () => {
        check();
        if (!persist) return forget();
        return persist(this.#items.slice(start, start + count), forget);
      },
      rollback: () => {
        check();
        open = false;
        this.#inFlight -= count;
        this.#head -= count;
      },
    };
  }
}
