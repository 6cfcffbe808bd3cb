/**
 * Runs async operations one after another in call order, so that a caller who fires several stream calls
 * without awaiting each (as Node stream users do) still gets them applied in order. A failed operation
 * rejects only its own promise.
 */
export class SerialQueue {
  #tail: Promise<unknown> | undefined;
  #pending = 0;

  /** Operations started and not yet settled: a new one would have to wait. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    // Idle queue: start at once, saving a hop through the previous promise (the common, awaited case).
    const result = this.#pending === 0 ? operation() : this.#tail!.then(operation, operation);
    this.#pending++;
    const settled = result.then(
      () => void this.#pending--,
      () => void this.#pending--,
    );
    this.#tail = settled;
    return result;
  }
}
