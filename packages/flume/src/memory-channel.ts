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
 * Flume's memory channel: at most `capacity` events; a sink takes up to `transactionCapacity` per
 * transaction, and a rollback puts them back at the head. Sources wait (backpressure) while it is full.
 * One transaction at a time (one sink per channel, as the agent wires it).
 */
export class MemoryChannel implements Channel {
  readonly #queue: FlumeEvent[] = [];
  #head = 0;
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];
  /** Called after every put: the sink runner sleeps on an empty channel until then. */
  onPut: (() => void) | undefined;

  constructor(
    readonly capacity = 100,
    readonly transactionCapacity = 100,
  ) {
    if (transactionCapacity > capacity) throw new ChannelError(`transactionCapacity ${transactionCapacity} exceeds capacity ${capacity}`);
  }

  /** Events stored, those taken by an open transaction included. */
  get size(): number {
    return this.#queue.length - this.#head + this.#inFlight;
  }

  /** Adds events, waiting while the channel is full. */
  async put(events: readonly FlumeEvent[]): Promise<void> {
    for (const event of events) {
      while (this.size >= this.capacity) await new Promise<void>((resolve) => this.#waiting.push(resolve));
      this.#queue.push(event);
    }
    this.onPut?.();
  }

  getTransaction(): ChannelTransaction {
    const taken: FlumeEvent[] = [];
    let open = true;
    const finish = () => {
      if (!open) throw new ChannelError('transaction already finished');
      open = false;
    };
    return {
      take: () => {
        if (!open) throw new ChannelError('transaction already finished');
        if (taken.length >= this.transactionCapacity) throw new ChannelError(`take() beyond transactionCapacity ${this.transactionCapacity}`);
        if (this.#head >= this.#queue.length) return undefined;
        const event = this.#queue[this.#head++]!;
        this.#inFlight++;
        taken.push(event);
        return event;
      },
      commit: () => {
        finish();
        this.#inFlight -= taken.length;
        // Taken slots are dropped only between transactions, so that a rollback can step the head back.
        if (this.#inFlight === 0 && this.#head > 1024) {
          this.#queue.splice(0, this.#head);
          this.#head = 0;
        }
        for (const wake of this.#waiting.splice(0)) wake();
      },
      rollback: () => {
        finish();
        this.#inFlight -= taken.length;
        this.#head -= taken.length;
      },
    };
  }
}
