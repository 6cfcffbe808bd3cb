import type { FlumeEvent, LineBatch } from './event.js';
import { ChannelError, TakeQueue, type Channel, type ChannelTransaction } from './channel.js';

/**
 * Flume's memory channel: at most `capacity` events; a sink takes up to `transactionCapacity` per
 * transaction, and a rollback puts them back at the head. Sources wait (backpressure) while it is full.
 */
export class MemoryChannel implements Channel {
  readonly #queue = new TakeQueue<FlumeEvent, LineBatch>();
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
    return this.#queue.size;
  }

  /** Adds events, waiting while the channel is full. */
  put(events: readonly FlumeEvent[]): Promise<void> {
    return this.#put(events);
  }

  /** Adds the lines' events, kept as the batch until taken. */
  putLines(lines: LineBatch): Promise<void> {
    return this.#put(lines);
  }

  async #put(events: readonly FlumeEvent[] | LineBatch): Promise<void> {
    for (let at = 0; at < events.length; ) {
      while (this.size >= this.capacity) await new Promise<void>((resolve) => this.#waiting.push(resolve));
      // As many as there is room for, at once (one at a time, the same order, the same waits).
      const room = Math.min(events.length - at, this.capacity - this.size);
      this.#queue.push(at === 0 && room === events.length ? events : events.slice(at, at + room));
      at += room;
    }
    this.onPut?.();
  }

  getTransaction(): ChannelTransaction {
    const tx = this.#queue.transaction(this.transactionCapacity, undefined, () => {
      for (const wake of this.#waiting.splice(0)) wake();
    });
    return { take: tx.take, takeLines: tx.takeRun, commit: tx.commit, rollback: tx.rollback };
  }
}
