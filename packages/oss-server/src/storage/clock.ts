/**
 * The server's clock: what Last-Modified, Initiated and the Date header say. It follows real time unless a
 * test sets it, so that an age measured on OSS's clock (a lease, a purge age) can be put exactly at its edge.
 * Signatures are still checked against real time: a client signs with its own clock.
 */

/**
 * The machine's time, read apart from Date.now: a test that moves a client's clock (mocking Date.now in
 * the same process) does not move the server's with it.
 */
function realTime(): number {
  return performance.timeOrigin + performance.now();
}

export class ServerClock {
  #fixed: number | undefined;
  #offset = 0;

  now(): number {
    return this.#fixed ?? realTime() + this.#offset;
  }

  /** Stops the clock at `ms` (since the epoch) until set again or resumed. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`clock.set: ${ms} is not a time`);
    this.#fixed = ms;
  }

  /** Moves the clock by `ms`, stopped or running. */
  advance(ms: number): void {
    if (this.#fixed !== undefined) this.#fixed += ms;
    else this.#offset += ms;
  }

  /** Back to real time. */
  resume(): void {
    this.#fixed = undefined;
    this.#offset = 0;
  }
}
